namespace Kgssl.Data;

/// <summary>A window: basin (index into a <see cref="FeatureStore"/>) and its first day.</summary>
public readonly record struct Window(int Basin, int Start);

/// <summary>Fixed-length windows of each basin within a period, with the missing-response filter.</summary>
public static class WindowIndex
{
    /// <summary>
    /// Windows of <paramref name="length"/> days every <paramref name="stride"/> days inside [start, end] for each
    /// basin; a window is kept when its missing-response fraction is at most <paramref name="maxMissingFraction"/>
    /// (0 = any gap drops it, as the KGSSL authors do). Result: per basin, its windows in time order.
    /// </summary>
    public static List<Window>[] Build(FeatureStore store, DateOnly start, DateOnly end, int length, int stride,
        double maxMissingFraction)
    {
        var result = new List<Window>[store.Basins.Count];
        for (int i = 0; i < store.Basins.Count; i++)
        {
            var b = store.Basins[i];
            var (from, to) = b.PeriodRange(start, end);
            int basin = i;
            result[i] = Starts(b, from, to, length, stride, maxMissingFraction).Select(s => new Window(basin, s))
                .ToList();
        }
        return result;
    }

    /// <summary>First days of the windows of one basin inside the day range [from, to) that pass the missing
    /// filter.</summary>
    public static List<int> Starts(BasinData b, int from, int to, int length, int stride, double maxMissingFraction)
    {
        var starts = new List<int>();
        if (to - from < length) return starts;
        // missing days of the window [s, s + length) kept as a running count: stride 1 (every day a start) costs
        // one pass over the record instead of one pass per window
        int missing = 0;
        for (int t = from; t < from + length; t++)
            if (float.IsNaN(b.Response[t])) missing++;
        for (int s = from; ; s++)
        {
            if ((s - from) % stride == 0 && missing <= maxMissingFraction * length) starts.Add(s);
            if (s + length >= to) break;
            if (float.IsNaN(b.Response[s])) missing--;
            if (float.IsNaN(b.Response[s + length])) missing++;
        }
        return starts;
    }
}
