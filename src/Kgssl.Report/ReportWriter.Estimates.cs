using System.Text;
using Kgssl.Config;
using Kgssl.Evaluation;
using Kgssl.Runs;

namespace Kgssl.Report;

/// <summary>The pure inverse beside the knowledge-guided estimate: in a run's report, and the pooled cross-validation
/// report.</summary>
public static partial class ReportWriter
{
    const string EstimatesGlossary = "<p><b>pure inverse</b>: the characteristics from the drivers and the " +
        "streamflow alone: the KGSSL head, averaged with " +
        "its analogs when evaluation.analogs is on (the training basins whose head estimates lie nearest lend their " +
        "characteristics). <b>head alone</b>: the head without its analogs. " +
        "<b>knowledge-guided</b>: the weighted mean (evaluation.knowledge_weights) of the pure inverse, the nearest " +
            "gauges' characteristics (weights 1 / distance^power, great-circle " +
        "distance; only training and validation basins lend theirs; evaluation.knowledge_neighbours and " +
            "knowledge_power) and a ridge regression on the series' signatures, that neighbour estimate " +
        "and the known characteristics. <b>imputed</b>: the same with the characteristics of " +
            "<code>evaluation.known</code> given, scored on the " +
        "others. r: Pearson correlation between estimate and truth over the basins; rmse_z: root mean square error " +
            "in standard deviations " +
        "of the characteristic.</p>";

    /// <summary>characteristics.csv beside characteristics_knowledge.csv and characteristics_imputed.csv, where the run
    /// has them.</summary>
    static void AppendEstimates(RunDirectory run, StringBuilder html)
    {
        var tables = new[] { ("pure inverse", RunFiles.Characteristics),
            ("head alone", RunFiles.CharacteristicsOf("head")),
            ("knowledge-guided", RunFiles.CharacteristicsOf("knowledge")),
            ("imputed", RunFiles.CharacteristicsOf("imputed")) }
            .Where(t => File.Exists(run.File(t.Item2))).Select(t => (Name: t.Item1,
                Rows: CharacteristicRecovery.ReadCsv(run.File(t.Item2)))).ToList();
        if (tables.Count < 2) return;
        string set = tables[0].Rows.Any(r => r.BasinSet == "heldout") ? "heldout" : tables[0].Rows[0].BasinSet;
        html.Append($"<h2>Pure inverse and knowledge-guided estimate ({E(set)} basins)</h2>").Append(EstimatesGlossary);
        AppendMethodTable(tables.ToDictionary(t => t.Name, t => t.Rows.Where(r => r.BasinSet == set).ToList()), html,
            "estimates");
    }

    /// <summary>report.html of a cross-validation: every method's pooled r per characteristic, the summaries, the
    /// folds.</summary>
    public static string WriteCrossval(RunDirectory run, CrossValidation.Outcome o)
    {
        var html = Page("Kgssl cross-validation");
        int folds = o.Folds.Select(f => f.Fold).Distinct().Count();
        html.Append($"<h1>Basins never seen in training: {folds} folds pooled</h1>")
            .Append($"<p>Run folder {E(Path.GetFileName(run.Path))}; each fold in <code>fold_k/</code>; every basin " +
                $"is held out by exactly one fold, ")
            .Append($"and all held-out predictions are scored together. Wall time of the folds (data, training, " +
                $"evaluation) {Seconds(o.FoldSeconds)}; ")
            .Append($"of the last call (folds not yet done, baselines, pooling) {Seconds(o.WallSeconds)}.</p>")
                .Append(EstimatesGlossary)
            .Append($"<p>Baselines on the same folds: <b>ridge</b> on 29 signatures of the series; " +
                $"<b>fingerprint</b>, the training basin with the ")
            .Append($"most similar signatures; <b>neighbours</b>, the {Baseline.NeighbourCount} nearest gauges; " +
                $"<b>stacked</b>, ridge on signatures and the neighbour estimate.</p>");
        AppendMethodTable(o.Pooled.ToDictionary(p => p.Key, p => p.Value), html, "pooled");
        html.Append(
            "<h2>Per fold (mean r over the characteristics, that fold's held-out basins)</h2><table " +
            "id=\"folds\"><tr><th>fold</th><th>basins</th>");
        var methods = o.Folds.Select(f => f.Method).Distinct().ToList();
        foreach (var m in methods) html.Append($"<th>{E(m)}</th>");
        html.Append("</tr>");
        foreach (var fold in o.Folds.GroupBy(f => f.Fold))
        {
            html.Append($"<tr><td>{fold.Key}</td><td>{fold.First().Basins}</td>");
            foreach (var m in methods) html.Append(
                $"<td>{F(fold.FirstOrDefault(f => f.Method == m)?.MeanR ?? double.NaN)}</td>");
            html.Append("</tr>");
        }
        html.Append("</table></body></html>");
        string path = run.File(RunFiles.Report);
        File.WriteAllText(path, html.ToString());
        return path;
    }

    /// <summary>A table of characteristics (rows) by method (columns, Pearson r), then r &gt; 0.8, r &gt; 0.9, mean r
    /// and mean rmse_z.</summary>
    static void AppendMethodTable(IReadOnlyDictionary<string, List<RecoveryRow>> byMethod, StringBuilder html,
        string id)
    {
        var methods = byMethod.Keys.ToList();
        html.Append($"<table id=\"{id}\"><tr><th>characteristic</th>");
        foreach (var m in methods) html.Append($"<th>{E(m)}</th>");
        html.Append("</tr>");
        foreach (var name in byMethod.Values.SelectMany(r => r).Select(r => r.Characteristic).Distinct())
        {
            html.Append($"<tr><td>{E(name)}</td>");
            // a characteristic a method does not score was given to it as known (the imputation)
            foreach (var m in methods)
            {
                var row = byMethod[m].FirstOrDefault(r => r.Characteristic == name);
                html.Append($"<td>{(row is null ? "known" : F(row.PearsonR))}</td>");
            }
            html.Append("</tr>");
        }
        foreach (var (label, pick) in new (string, Func<(int A8, int A9, double Mean, double Z, int N), string>)[]
        {
            ("r > 0.8", s => $"{s.A8}/{s.N}"), ("r > 0.9", s => $"{s.A9}/{s.N}"), ("mean r", s => F(s.Mean)),
                ("mean rmse_z", s => F(s.Z)),
        })
        {
            html.Append($"<tr><td><b>{E(label)}</b></td>");
            foreach (var m in methods) html.Append($"<td>{E(pick(CharacteristicRecovery.Summary(byMethod[m])))}</td>");
            html.Append("</tr>");
        }
        html.Append("</table>");
    }
}
