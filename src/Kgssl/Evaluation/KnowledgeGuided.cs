using Kgssl.Data;

namespace Kgssl.Evaluation;

/// <summary>
/// The knowledge-guided estimate of a basin's characteristics: a weighted mean of three estimates that carry
/// different information, each honest on the training basins it is fitted on:
/// (i) the pure inverse (the KGSSL head, from the drivers and the response alone);
/// (ii) the nearest gauges' characteristics (<see cref="NearestGauges"/>: location, the regionalization a hydrologist
/// already has; weights 1 / distance^power; a training basin's estimate leaves itself out);
/// (iii) a ridge regression on the series' signatures, that nearest-gauges estimate and the characteristics known for
/// the basin (fitted on the training basins' training-period signatures; refitted for each set of known
/// characteristics, so any subset serves).
/// Known characteristics are given back as they are. One weight per estimate, the same for every characteristic:
/// weights fitted per characteristic on the few validation basins were measured worse on them (over-fitted), and so
/// was a learned head that corrects the neighbours' estimate from the embedding, which is in-sample on training basins
/// (a ridge on the pure estimate would over-trust it the same way).
/// </summary>
public static class KnowledgeGuided
{
    /// <param name="Pool">The basins whose characteristics are known to training (they lend to neighbours and fit the
    /// ridge).</param>
    /// <param name="TrainPeriod">The period the pool's signatures come from (the training years).</param>
    /// <param name="Period">The period the targets' signatures come from (the evaluated years).</param>
    /// <param name="Known">Indices of the characteristics known for every target.</param>
    /// <param name="Power">The neighbours' weights are 1 / distance^Power.</param>
    /// <param name="Weights">The weights of (i), (ii) and (iii); null = equal.</param>
    public sealed record Setup(HydroDataset Data, IReadOnlyList<string> Pool,
        (DateOnly Start, DateOnly End) TrainPeriod,
        (DateOnly Start, DateOnly End) Period, int Neighbours, IReadOnlyList<int> Known, double Power = 1,
        IReadOnlyList<double>? Weights = null);

    /// <summary>
    /// The estimate for each target with a pure-inverse estimate (<paramref name="pure"/>, original units; null = none,
    /// then the target gets none either). A target without coordinates, or without a value for a known characteristic,
    /// is an error naming it.
    /// </summary>
    public static Dictionary<string, double[]> Estimate(Setup s, IReadOnlyList<string> targets,
        Func<string, double[]?> pure)
    {
        var data = s.Data;
        var names = data.CharacteristicNames;
        var pool = s.Pool.Select(data.Basin).ToList();
        var near = NearestGauges.Of(pool, s.Neighbours, s.Power);
        var x = pool.Select(b => Features(data, b, s.TrainPeriod, near, s.Known)).ToList();
        var ridges = Ridge.FitEach(x, pool.Select(b => b.Characteristics).ToList());
        var weights = s.Weights ?? [1, 1, 1];
        if (weights.Count != 3 || weights.Any(w => !(w >= 0)) || !(weights.Sum() > 0))
            throw new ArgumentException(
                "three weights of 0 or more, not all 0: the pure inverse, the gauges, the ridge");
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var id in targets)
        {
            if (pure(id) is not { } p) continue;
            var basin = data.Basin(id);
            foreach (int k in s.Known)
                if (!double.IsFinite(basin.Characteristics[k]))
                    throw new InvalidDataException(
                        $"basin '{id}': characteristic '{names[k]}' is given as known but has no value in the " +
                        "attributes");
            var n = near.Estimate(basin);
            var stacked = Ridge.PredictEach(ridges, Features(data, basin, s.Period, near, s.Known));
            var estimate = new double[names.Count];
            for (int j = 0; j < names.Count; j++)
                estimate[j] = s.Known.Contains(j) ? basin.Characteristics[j] : Mean(weights, p[j], n[j], stacked[j]);
            result[id] = estimate;
        }
        return result;
    }

    /// <summary>The ridge's inputs: signatures over the period, the nearest-gauges estimate (itself left out), the
    /// known values.</summary>
    static double[] Features(HydroDataset data, BasinData b, (DateOnly Start, DateOnly End) period, NearestGauges near,
        IReadOnlyList<int> known) =>
        [.. Baseline.SignaturesOf(data, b, period.Start, period.End), .. near.Estimate(b),
            .. known.Select(k => b.Characteristics[k])];

    /// <summary>The weighted mean of the finite ones (a characteristic no neighbour knows drops out of both spatial
    /// terms).</summary>
    static double Mean(IReadOnlyList<double> weights, params double[] values)
    {
        double sum = 0, total = 0;
        for (int i = 0; i < values.Length; i++)
            if (double.IsFinite(values[i]) && weights[i] > 0) { sum += weights[i] * values[i]; total += weights[i]; }
        return total > 0 ? sum / total : double.NaN;
    }
}
