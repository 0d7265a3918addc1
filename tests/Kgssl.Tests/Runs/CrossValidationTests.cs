using System.Globalization;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Runs;

namespace Kgssl.Tests.Runs;

public class CrossValidationTests
{
    static readonly string[] Names = ["a", "b"];

    static string Row(string id, string set, double[] pred, double[] truth) =>
        string.Join(',', new[] { id, set }.Concat(pred.Concat(truth)
            .Select(v => v.ToString("G9", CultureInfo.InvariantCulture))));

    [Fact]
    public void PooledScoresAreTheScoresOfEveryFoldsHeldOutPredictionsConcatenated()
    {
        using var dir = new TempDir();
        var parent = RunDirectory.Create("cv", dir.Sub("cv"));
        var rng = new Random(4);
        var all = new List<(double[] Pred, double[] Truth)>();
        var basins = new List<BasinData>();
        for (int f = 0; f < 3; f++)
        {
            var lines = new List<string> { "basin,basin_set,pred_a,pred_b,true_a,true_b" };
            // a training basin's row: never pooled
            lines.Add(Row($"t{f}", "train", [100, -100], [0, 0]));
            for (int i = 0; i < 6; i++)
            {
                double[] truth = [rng.NextDouble(), rng.NextDouble()],
                    pred = [truth[0] + rng.NextDouble(), truth[1] - rng.NextDouble()];
                all.Add((pred, truth));
                string id = $"f{f}b{i}";
                basins.Add(new BasinData(id, [new DateOnly(2000, 1, 1)], [0f], [1f], truth, 0, 0, "t"));
                lines.Add(Row(id, "heldout", pred, truth));
            }
            File.WriteAllLines(Path.Combine(CrossValidation.FoldFolder(parent, f), "predictions.csv").EnsureFolder(),
                lines);
        }
        var data = new HydroDataset("caravan", dir.Path, ["p"], "q", Names, basins, [], []);
        var noBaselines = new Baseline.Result(new Dictionary<string, List<RecoveryRow>>(), [], []);
        var outcome = CrossValidation.Pool(parent, new KgsslConfig(), data, noBaselines, 3);

        var std = Baseline.CharacteristicStd(data, basins.Select(b => b.Id).ToList());
        var expected = CharacteristicRecovery.Score(Names, "heldout", "test", all.Select(x => x.Pred).ToList(),
            all.Select(x => x.Truth).ToList(), std);
        // the files hold 9 significant digits
        Assert.Equal(expected.Select(r => (r.Characteristic, r.N, Math.Round(r.PearsonR, 7), Math.Round(r.RmseZ, 7))),
            outcome.Pooled["kgssl"].Select(r => (r.Characteristic, r.N, Math.Round(r.PearsonR, 7),
                Math.Round(r.RmseZ, 7))));
        Assert.Equal(18, outcome.Pooled["kgssl"][0].N);
        Assert.False(outcome.Pooled.ContainsKey("kgssl_knowledge"));   // no fold wrote it
        Assert.Equal(3, outcome.Folds.Count(f => f.Method == "kgssl"));
        Assert.All(outcome.Folds, f => Assert.Equal(6, f.Basins));

        string html = File.ReadAllText(Kgssl.Report.ReportWriter.WriteCrossval(parent, outcome));
        Assert.Contains("<table id=\"pooled\"><tr><th>characteristic</th><th>kgssl</th></tr>", html);
        Assert.Contains("<table id=\"folds\">", html);
        Assert.Contains("<b>knowledge-guided</b>", html);
    }
}

static class PathExtensions
{
    public static string EnsureFolder(this string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        return file;
    }
}
