namespace Kgssl.Hydrology;

/// <summary>
/// Where a data set holds what HBV needs: its drivers under the names the generator writes, and each parameter as a
/// characteristic named K or log10(K). One lookup for the hbv decoder, the calibration reference and evaluation.
/// Names match case-insensitively.
/// </summary>
public static class HbvColumns
{
    /// <summary>Precipitation, temperature and PET, as the ensemble generator writes them.</summary>
    public static readonly string[] Drivers = ["total_precipitation_sum", "temperature_2m_mean",
        "potential_evaporation_sum"];

    /// <summary>One parameter (index into <see cref="HbvParameters.Ranges"/>) found at characteristic
    /// <paramref name="Index"/>.</summary>
    public sealed record Column(int Parameter, int Index, string Name, bool Log10)
    {
        /// <summary>A value in physical units on this column's scale.</summary>
        public double ToScale(double physical) => Log10 ? Math.Log10(physical) : physical;
    }

    /// <summary>Indices of <see cref="Drivers"/> in <paramref name="driverNames"/>; <paramref name="missing"/> makes
    /// the error for an absent one.</summary>
    public static int[] DriverIndices(IReadOnlyList<string> driverNames, Func<string, Exception> missing) =>
        Drivers.Select(d => IndexOf(driverNames, d) is var i and >= 0 ? i : throw missing(d)).ToArray();

    /// <summary>Indices of <see cref="Drivers"/> in <paramref name="driverNames"/>, or null when one is
    /// absent.</summary>
    public static int[]? TryDriverIndices(IReadOnlyList<string> driverNames)
    {
        var indices = Drivers.Select(d => IndexOf(driverNames, d)).ToArray();
        return indices.All(i => i >= 0) ? indices : null;
    }

    /// <summary>The parameters named among <paramref name="characteristicNames"/>, in range order; the others are left
    /// out.</summary>
    public static List<Column> Parameters(IReadOnlyList<string> characteristicNames)
    {
        var columns = new List<Column>();
        for (int k = 0; k < HbvParameters.Ranges.Count; k++)
        {
            string name = HbvParameters.Ranges[k].Name;
            if (IndexOf(characteristicNames, name) is var i and >= 0) columns.Add(
                new Column(k, i, characteristicNames[i], false));
            else if (IndexOf(characteristicNames, $"log10({name})") is var j and >= 0) columns.Add(
                new Column(k, j, characteristicNames[j], true));
        }
        return columns;
    }

    /// <summary>Every parameter's column, in range order; <paramref name="missing"/> makes the error for the first
    /// absent one.</summary>
    public static List<Column> AllParameters(IReadOnlyList<string> characteristicNames, Func<string, Exception> missing)
    {
        var columns = Parameters(characteristicNames);
        if (HbvParameters.Ranges.Where((_, k) => !columns.Any(c => c.Parameter == k))
            .FirstOrDefault() is { } absent) throw missing(absent.Name);
        return columns;
    }

    /// <summary>
    /// HBV parameters from characteristic values on the columns' scales (a head's predictions, say), each taken back to
    /// physical units (10^v for log10 columns) and clamped into its documented range. Null unless every parameter has a
    /// column.
    /// </summary>
    public static HbvParameters? ToParameters(IReadOnlyList<Column> columns, IReadOnlyList<double> characteristics)
    {
        if (columns.Count != HbvParameters.Ranges.Count) return null;
        var v = new double[HbvParameters.Ranges.Count];
        foreach (var c in columns)
        {
            var r = HbvParameters.Ranges[c.Parameter];
            double x = characteristics[c.Index];
            if (!double.IsFinite(x)) return null;
            v[c.Parameter] = Math.Clamp(c.Log10 ? Math.Pow(10, x) : x, r.Min, r.Max);
        }
        return HbvParameters.FromArray(v);
    }

    static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++) if (string.Equals(names[i], name,
            StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}
