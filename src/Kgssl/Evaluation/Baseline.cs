using Kgssl.Config;
using Kgssl.Data;

namespace Kgssl.Evaluation;

/// <summary>
/// The honest floors beside every result, from what a hydrologist has without Kgssl:
/// (i) <c>ridge</c>: ridge regression signatures -> characteristics (<see cref="Signatures"/>) fitted on the training
/// basins' training-period signatures; (ii) <c>fingerprint</c>: the training basin whose training-period signatures
/// are closest (z-scored Euclidean) lends its characteristics; (iii) <c>neighbours</c>: the k = 5 nearest training
/// gauges by great-circle distance, inverse-distance mean (<see cref="NearestGauges"/>); (iv) <c>stacked</c>: ridge on
/// the signatures and the neighbour estimate together (a training basin's neighbour estimate leaves itself out).
/// Signature methods predict from TEST-period signatures; each ridge takes its penalty per characteristic by
/// leave-one-out on the basins it is fitted on (<see cref="Evaluation.Ridge.FitEach"/>). Protocol "train" (the
/// paper's): every basin is a training basin. Protocol "heldout": basins of a fold are predicted from the other folds'
/// basins only, pooled over all folds. The spatial methods need every basin's gauge coordinates; without them they
/// are left out with a note.
/// </summary>
public static class Baseline
{
    public const string Ridge = "ridge", Fingerprint = "fingerprint", Neighbours = "neighbours", Stacked = "stacked";

    /// <summary>The methods in the order they are reported.</summary>
    public static readonly string[] Methods = [Ridge, Fingerprint, Neighbours, Stacked];

    /// <summary>Gauges averaged by the neighbour estimate.</summary>
    public const int NeighbourCount = 5;

    public sealed record Prediction(string Method, string Set, string Id, int Fold, double[] Values);

    /// <param name="Rows">Recovery rows per method (only the methods that ran).</param>
    public sealed record Result(IReadOnlyDictionary<string, List<RecoveryRow>> Rows, List<Prediction> Predictions,
        List<string> Notes);

    /// <summary>Both protocols; the held-out one over the folds of <c>data.folds</c> (5 when unset), drawn as training
    /// draws them.</summary>
    public static Result Run(KgsslConfig c, HydroDataset data, IProgress<double>? progress = null)
    {
        var ids = data.BasinsWithResponse();
        var signatures = SignatureSetOf(c, data, ids, progress);
        bool spatial = ids.All(id => NearestGauges.HasCoordinates(data.Basin(id)));
        var result = new Result(Methods.Where(m => spatial || m is Ridge or Fingerprint)
            .ToDictionary(m => m, _ => new List<RecoveryRow>()), [], []);
        if (!spatial)
            result.Notes.Add(
                $"neighbours and stacked left out: {ids.Count(id => !NearestGauges.HasCoordinates(data.Basin(id)))} " +
                $"basins have no gauge coordinates");
        var std = CharacteristicStd(data, ids);
        Score(result, data, "train", [(0, ids, ids)], signatures, std, spatial);
        int folds = c.Data.Folds > 1 ? c.Data.Folds : 5;
        Score(result, data, "heldout", Enumerable.Range(0, folds).Select(f =>
        {
            var s = BasinSplit.Make(ids, c.Training.Seed, 0, folds, f, 0);
            return (f, s.Train, s.Heldout);
        }).ToList(), signatures, std, spatial);
        progress?.Report(1);
        return result;
    }

    /// <summary>The std of each characteristic over the basins (rmse_z's unit for pooled scores).</summary>
    public static double[] CharacteristicStd(HydroDataset data, IReadOnlyList<string> ids) =>
        Enumerable.Range(0, data.CharacteristicCount).Select(j => StdOf(
            ids.Select(id => data.Basin(id).Characteristics[j]))).ToArray();

    sealed record SignatureSet(Dictionary<string, double[]> Train, Dictionary<string, double[]> Test);

    static SignatureSet SignatureSetOf(KgsslConfig c, HydroDataset data, IReadOnlyList<string> ids,
        IProgress<double>? progress)
    {
        var d = c.Data;
        var (trS, trE) = d.Train();
        var (teS, teE) = d.Test();
        var set = new SignatureSet([], []);
        int done = 0;
        foreach (var id in ids)
        {
            var b = data.Basin(id);
            set.Train[id] = SignaturesOf(data, b, trS, trE);
            set.Test[id] = SignaturesOf(data, b, teS, teE);
            progress?.Report(++done / (double)ids.Count * 0.8);
        }
        return set;
    }

    static void Score(Result result, HydroDataset data, string set,
        IReadOnlyList<(int Fold, IReadOnlyList<string> Train, IReadOnlyList<string> Predict)> folds,
        SignatureSet sig, double[] std, bool spatial)
    {
        var preds = Methods.ToDictionary(m => m, _ => new List<double[]>());
        var truth = new List<double[]>();
        foreach (var (fold, train, predict) in folds)
        {
            var pool = train.Select(data.Basin).ToList();
            var near = spatial ? NearestGauges.Of(pool, NeighbourCount) : null;
            var x = train.Select(id => sig.Train[id]).ToList();
            var stackX = near is null ? null : train.Select(id => Concat(sig.Train[id], near.Estimate(data.Basin(id))))
                .ToList();
            var truths = pool.Select(b => b.Characteristics).ToList();
            var ridge = Evaluation.Ridge.FitEach(x, truths);
            var stacked = stackX is null ? null : Evaluation.Ridge.FitEach(stackX, truths);
            var (mean, sd) = Evaluation.Ridge.Scale(x, Signatures.Names.Length);
            var zTrain = x.Select(r => Evaluation.Ridge.Standardize(r, mean, sd)).ToArray();
            foreach (var id in predict)
            {
                var basin = data.Basin(id);
                var values = new Dictionary<string, double[]>
                {
                    [Ridge] = Evaluation.Ridge.PredictEach(ridge, sig.Test[id]),
                    [Fingerprint] = pool[Nearest(zTrain, Evaluation.Ridge.Standardize(sig.Test[id], mean,
                        sd))].Characteristics,
                };
                if (near is not null)
                {
                    var n = near.Estimate(basin);
                    values[Neighbours] = n;
                    values[Stacked] = Evaluation.Ridge.PredictEach(stacked!, Concat(sig.Test[id], n));
                }
                foreach (var (method, v) in values)
                {
                    preds[method].Add(v);
                    result.Predictions.Add(new Prediction(method, set, id, fold, v));
                }
                truth.Add(basin.Characteristics);
            }
        }
        foreach (var method in result.Rows.Keys)
            result.Rows[method].AddRange(CharacteristicRecovery.Score(data.CharacteristicNames, set, "test",
                preds[method], truth, std));
    }

    static double[] Concat(double[] a, double[] b) => [.. a, .. b];

    static int Nearest(double[][] rows, double[] z)
    {
        int best = 0; double bestD = double.MaxValue;
        for (int i = 0; i < rows.Length; i++)
        {
            double dist = 0;
            for (int f = 0; f < z.Length; f++) dist += (z[f] - rows[i][f]) * (z[f] - rows[i][f]);
            if (dist < bestD) { bestD = dist; best = i; }
        }
        return best;
    }

    static double StdOf(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToArray();
        if (v.Length < 2) return 1;
        double m = v.Average();
        double s = Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1));
        return s > 0 ? s : 1;
    }

    /// <summary>The <see cref="Signatures"/> of a basin over [start, end], its drivers found by name (precipitation,
    /// temperature, PET).</summary>
    public static double[] SignaturesOf(HydroDataset data, BasinData b, DateOnly start, DateOnly end)
    {
        var (from, to) = b.PeriodRange(start, end);
        int n = to - from, nd = data.DriverCount;
        double[]? Channel(Func<string, bool> match)
        {
            var idx = Enumerable.Range(0, nd).Where(k => match(data.DriverNames[k].ToLowerInvariant())).ToArray();
            if (idx.Length == 0) return null;
            var v = new double[n];
            for (int t = 0; t < n; t++) v[t] = idx.Average(k => (double)b.Drivers[(from + t) * nd + k]);
            return v;
        }
        var p = Channel(s => s.Contains("prec") || s.Contains("prcp"));
        var t = Channel(s => s.Contains("temp") || s.StartsWith("tmax", StringComparison.Ordinal)
            || s.StartsWith("tmin", StringComparison.Ordinal));
        var pet = Channel(s => s.Contains("evap") || s.Contains("pet"));
        var q = Enumerable.Range(from, n).Select(i => (double)b.Response[i]).ToArray();
        return Signatures.Compute(b.Dates[from..to], p, t, pet, q);
    }
}
