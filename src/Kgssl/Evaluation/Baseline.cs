using Kgssl.Config;
using Kgssl.Data;

namespace Kgssl.Evaluation;

/// <summary>
/// The honest floor beside every result: signatures of each basin's series (<see cref="Signatures"/>), then
/// (i) ridge regression signatures -> characteristics fitted on the training basins' training-period signatures,
/// (ii) a 1-nearest-neighbour "fingerprint": the training basin whose training-period signatures are closest
/// (z-scored Euclidean) lends its characteristics. Both predict from TEST-period signatures.
/// Protocol "train" (the paper's): every basin is a training basin. Protocol "heldout": basins of a fold are
/// predicted from the other folds' basins only, pooled over all folds.
/// </summary>
public static class Baseline
{
    public sealed record Result(List<RecoveryRow> Ridge, List<RecoveryRow> Fingerprint, List<(string Method, string Set, string Id, double[] Pred)> Predictions);

    public static double Lambda { get; } = 1.0;

    public static Result Run(KgsslConfig c, HydroDataset data, IProgress<double>? progress = null)
    {
        var d = c.Data;
        var (trS, trE) = (ConfigValidator.Date("config", "data.train_start", d.TrainStart), ConfigValidator.Date("config", "data.train_end", d.TrainEnd));
        var (teS, teE) = (ConfigValidator.Date("config", "data.test_start", d.TestStart), ConfigValidator.Date("config", "data.test_end", d.TestEnd));
        var ids = data.Basins.Where(b => b.Response.Any(q => !float.IsNaN(q))).Select(b => b.Id).ToList();
        var trainSig = new Dictionary<string, double[]>(); var testSig = new Dictionary<string, double[]>();
        int done = 0;
        foreach (var id in ids)
        {
            var b = data.Basin(id);
            trainSig[id] = Of(data, b, trS, trE);
            testSig[id] = Of(data, b, teS, teE);
            progress?.Report(++done / (double)ids.Count * 0.8);
        }
        var names = data.CharacteristicNames;
        int k = names.Count;
        var std = Enumerable.Range(0, k).Select(j => StdOf(ids.Select(id => data.Basin(id).Characteristics[j]))).ToArray();

        var predictions = new List<(string, string, string, double[])>();
        var ridgeRows = new List<RecoveryRow>(); var nnRows = new List<RecoveryRow>();

        void Protocol(string set, IEnumerable<(IReadOnlyList<string> Train, IReadOnlyList<string> Predict)> folds)
        {
            var ridgePred = new List<double[]>(); var nnPred = new List<double[]>(); var truth = new List<double[]>();
            foreach (var (train, predict) in folds)
            {
                var x = train.Select(id => trainSig[id]).ToList();
                var models = Enumerable.Range(0, k).Select(j => Ridge.Fit(x, train.Select(id => data.Basin(id).Characteristics[j]).ToList(), Lambda)).ToArray();
                var (mean, sd) = Ridge.Scale(x, Signatures.Names.Length);
                var zTrain = x.Select(r => Ridge.Standardize(r, mean, sd)).ToArray();
                foreach (var id in predict)
                {
                    var r = models.Select(m => m.Predict(testSig[id])).ToArray();
                    var z = Ridge.Standardize(testSig[id], mean, sd);
                    int best = 0; double bestD = double.MaxValue;
                    for (int i = 0; i < zTrain.Length; i++)
                    {
                        double dist = 0;
                        for (int f = 0; f < z.Length; f++) dist += (z[f] - zTrain[i][f]) * (z[f] - zTrain[i][f]);
                        if (dist < bestD) { bestD = dist; best = i; }
                    }
                    var nn = data.Basin(train[best]).Characteristics;
                    ridgePred.Add(r); nnPred.Add(nn); truth.Add(data.Basin(id).Characteristics);
                    predictions.Add(("ridge", set, id, r)); predictions.Add(("fingerprint", set, id, nn));
                }
            }
            ridgeRows.AddRange(CharacteristicRecovery.Score(names, set, "test", ridgePred, truth, std));
            nnRows.AddRange(CharacteristicRecovery.Score(names, set, "test", nnPred, truth, std));
        }

        Protocol("train", [(ids, ids)]);
        int folds = d.Folds > 1 ? d.Folds : 5;
        Protocol("heldout", Enumerable.Range(0, folds).Select(f =>
        {
            var s = BasinSplit.Make(ids, c.Training.Seed, 0, folds, f, 0);
            return ((IReadOnlyList<string>)s.Train, (IReadOnlyList<string>)s.Heldout);
        }).ToList());
        progress?.Report(1);
        return new Result(ridgeRows, nnRows, predictions);
    }

    static double StdOf(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToArray();
        if (v.Length < 2) return 1;
        double m = v.Average();
        double s = Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1));
        return s > 0 ? s : 1;
    }

    static double[] Of(HydroDataset data, BasinData b, DateOnly start, DateOnly end)
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
        var t = Channel(s => s.Contains("temp") || s.StartsWith("tmax", StringComparison.Ordinal) || s.StartsWith("tmin", StringComparison.Ordinal));
        var pet = Channel(s => s.Contains("evap") || s.Contains("pet"));
        var q = Enumerable.Range(from, n).Select(i => (double)b.Response[i]).ToArray();
        return Signatures.Compute(b.Dates[from..to], p, t, pet, q);
    }
}
