using Kgssl.Data;

namespace Kgssl.Evaluation;

/// <summary>
/// Analogs in the head's estimate space: the training basins whose head estimates (z-scored characteristics) lie
/// nearest a basin's own lend their known characteristics, weighted 1 / distance^power. The head's estimate is smooth:
/// it pulls unusual basins to the middle (soil depth, carbonate rocks, permeability most of all). The training basins'
/// true values near the same estimate give back what the head cannot carry. It uses nothing the pure inverse does not
/// already have: the basin's drivers and response, and the training basins' characteristics that taught the head.
/// </summary>
public sealed class Analogs
{
    /// <summary>Distances below this count as this: a pool basin with the same estimate does not take all the
    /// weight.</summary>
    public const double MinimumDistance = 1e-6;

    readonly string[] _ids;
    readonly double[][] _positions;
    readonly double[][] _values;

    public int K { get; }
    public double Power { get; }

    /// <param name="ids">The pool basins (training basins).</param>
    /// <param name="positions">Each pool basin's head estimate, z-scored characteristics (the space searched).</param>
    /// <param name="values">Each pool basin's known characteristics, any units (NaN = unknown for that one).</param>
    public Analogs(IReadOnlyList<string> ids, IReadOnlyList<double[]> positions, IReadOnlyList<double[]> values, int k,
        double power)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "needs at least one analog");
        if (!(power >= 0)) throw new ArgumentOutOfRangeException(nameof(power), power, "needs a power of 0 or more");
        if (ids.Count != positions.Count || ids.Count != values.Count)
            throw new ArgumentException("one position and one row of values per pool basin");
        (K, Power) = (k, power);
        (_ids, _positions, _values) = ([.. ids], [.. positions], [.. values]);
    }

    /// <summary>
    /// Per characteristic, the weighted mean over the k nearest pool basins that know it; the pool basin named
    /// <paramref name="selfId"/> never lends to itself. NaN where no pool basin knows a characteristic.
    /// </summary>
    public double[] Estimate(double[] position, string? selfId = null)
    {
        var distance = new double[_ids.Length];
        for (int i = 0; i < distance.Length; i++)
            distance[i] = Math.Max(MinimumDistance, Euclidean(position, _positions[i]));
        return InverseDistance.Mean(distance, _ids, _values, K, Power, selfId);
    }

    /// <summary>The mean of the head's estimate (original units) and the analogs' (the head's alone where no analog
    /// knows a characteristic).</summary>
    public double[] Correct(double[] head, double[] position, string? selfId = null)
    {
        var analog = Estimate(position, selfId);
        return head.Select((h, j) => double.IsFinite(analog[j]) ? (h + analog[j]) / 2 : h).ToArray();
    }

    static double Euclidean(double[] a, double[] b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++) s += (a[k] - b[k]) * (a[k] - b[k]);
        return Math.Sqrt(s);
    }
}
