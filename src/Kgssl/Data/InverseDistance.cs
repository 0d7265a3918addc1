namespace Kgssl.Data;

/// <summary>
/// The inverse-distance-weighted mean of the k nearest members of a pool that know a value: the one rule behind the
/// nearest gauges (<see cref="NearestGauges"/>: distance on the earth) and the analogs (Evaluation's Analogs:
/// distance between the head's estimates).
/// </summary>
public static class InverseDistance
{
    /// <summary>Per column, the mean over the <paramref name="k"/> nearest pool members that know it, each weighted
    /// 1 / distance^<paramref name="power"/>; NaN where none knows it.</summary>
    /// <param name="distance">Per pool member, its distance from the target, floored by the caller (a distance of 0
    /// would take all the weight).</param>
    /// <param name="ids">Per pool member its id: ties of distance are broken by id, so that the mean does not depend
    /// on the pool's order; the member named <paramref name="selfId"/> never lends (leave-self-out).</param>
    /// <param name="values">Per pool member its values (NaN: unknown for that member).</param>
    public static double[] Mean(double[] distance, string[] ids, double[][] values, int k, double power,
        string? selfId)
    {
        int n = ids.Length, columns = values.Length > 0 ? values[0].Length : 0;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(order, (a, b) => distance[a] != distance[b] ? distance[a].CompareTo(distance[b])
            : string.CompareOrdinal(ids[a], ids[b]));
        var result = new double[columns];
        for (int c = 0; c < columns; c++)
        {
            double sum = 0, weights = 0;
            int used = 0;
            for (int j = 0; j < n && used < k; j++)
            {
                int i = order[j];
                if (selfId is not null && ids[i] == selfId) continue;
                double v = values[i][c];
                if (!double.IsFinite(v)) continue;
                double w = power == 1 ? 1 / distance[i] : Math.Pow(distance[i], -power);
                sum += w * v;
                weights += w;
                used++;
            }
            result[c] = used > 0 ? sum / weights : double.NaN;
        }
        return result;
    }
}
