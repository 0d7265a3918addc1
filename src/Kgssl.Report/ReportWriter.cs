using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Runs;
using Kgssl.Training;

namespace Kgssl.Report;

/// <summary>
/// One self-contained report.html per run (images embedded as base64 PNG): config, data summary, training
/// curves, recovery tables and plots, distance matrices, PCA of the embeddings, basin map. Every number is
/// read back from the run's CSV/JSON files, so the report and the files cannot disagree.
/// </summary>
public static partial class ReportWriter
{
    /// <summary>The report of any run folder: an HBV inversion's, a simulation's, or a trained run's.</summary>
    public static string ForRun(RunDirectory run, IRunReporter reporter) =>
        File.Exists(run.File(RunFiles.InvertOptions)) ? WriteInversion(run)
        : File.Exists(run.File(RunFiles.SimulateOptions)) ? WriteSimulation(run)
        : Write(run, reporter);

    public static string Write(RunDirectory run, IRunReporter reporter)
    {
        var cfg = run.ReadConfig();
        var html = Page("Kgssl report");
        html.Append($"<h1>Kgssl run {E(Path.GetFileName(run.Path))}</h1>");
        AppendRunInfo(run, html);
        AppendRecovery(run, html, reporter);
        reporter.Progress("report", 0.6);
        AppendDistances(run, html);
        AppendEmbeddings(run, cfg, html);
        reporter.Progress("report", 0.8);
        AppendTraining(run, html);
        AppendEmulator(run, html);
        AppendForward(run, html);
        html.Append("<h2>Configuration</h2><pre>").Append(E(File.ReadAllText(run.File(RunFiles.Config))))
            .Append("</pre>");
        html.Append("</body></html>");
        string path = run.File(RunFiles.Report);
        File.WriteAllText(path, html.ToString());
        return path;
    }

    /// <summary>Recovery of the characteristics: summary per basin set, the table per characteristic, the
    /// comparisons and estimates beside it, r bars and predicted-vs-true scatters.</summary>
    static void AppendRecovery(RunDirectory run, StringBuilder html, IRunReporter reporter)
    {
        var rowsPath = run.File(RunFiles.Characteristics);
        if (!File.Exists(rowsPath)) return;
        var rows = CharacteristicRecovery.ReadCsv(rowsPath);
        var names = rows.Select(r => r.Characteristic).Distinct().ToList();
        var sets = rows.Select(r => r.BasinSet).Distinct().ToList();
        html.Append("<h2>Characteristic recovery</h2><p>From <code>characteristics.csv</code>; period ")
            .Append(E(rows.FirstOrDefault()?.Period ?? "")).Append(
                ". Held-out basins were never seen in training.</p>");
        html.Append(
            "<table id=\"summary\"><tr><th>basin set</th><th>characteristics</th><th>r &gt; 0.8</th><th>r &gt; " +
            "0.9</th><th>mean r</th><th>mean rmse_z</th></tr>");
        foreach (var s in sets)
        {
            var (a8, a9, mean, meanZ, n) = CharacteristicRecovery.Summary(rows.Where(r => r.BasinSet == s));
            html.Append($"<tr><td>{E(s)}</td><td>{n}</td><td>{a8}</td><td>{a9}</td>" +
                $"<td>{F(mean)}</td><td>{F(meanZ)}</td></tr>");
        }
        html.Append("</table>");
        html.Append(
            "<p>r: Pearson correlation of estimate and truth over the basins; rho: Spearman's rank correlation; " +
            "rmse: root ")
            .Append("mean square error in the characteristic's unit; rmse_z: the same in standard deviations of " +
                "the characteristic over the ")
            .Append("training basins. Shaded: r above 0.9 (green), above 0.8 (yellow).</p>");
        AppendRecoveryTable(html, rows, names, sets);
        AppendComparisons(run, rows, html);
        AppendEstimates(run, html);
        AppendIdentifiability(run, html);
        AppendRefinement(run, rows, html);
        reporter.Progress("report", 0.3);
        html.Append(Img("r per characteristic", Plots.CorrelationBars(names,
            sets.ToDictionary(s => s, s => names.Select(n => rows.FirstOrDefault(r => r.Characteristic == n
            && r.BasinSet == s)?.PearsonR ?? double.NaN).ToArray()))));

        AppendPredictedVsTrue(run, html, rows, names, sets);
    }

    static void AppendRecoveryTable(StringBuilder html, List<RecoveryRow> rows, List<string> names,
        List<string> sets)
    {
        html.Append("<table id=\"recovery\"><tr><th>characteristic</th><th>unit</th>");
        foreach (var s in sets) html.Append(
            $"<th>n {E(s)}</th><th>r {E(s)}</th><th>rho {E(s)}</th><th>rmse {E(s)}</th><th>rmse_z {E(s)}</th>");
        html.Append("</tr>");
        foreach (var name in names)
        {
            html.Append($"<tr><td>{E(name)}</td><td>{E(Data.CharacteristicUnits.Of(name))}</td>");
            foreach (var s in sets)
            {
                var r = rows.FirstOrDefault(x => x.Characteristic == name && x.BasinSet == s);
                string cls = r is null ? "" : r.PearsonR > 0.9 ? " class=\"good\"" : r.PearsonR > 0.8
                    ? " class=\"ok\"" : "";
                html.Append(r is null ? "<td></td><td></td><td></td><td></td><td></td>"
                    : $"<td>{r.N}</td><td{cls}>{F(r.PearsonR)}</td><td>{F(r.SpearmanRho)}</td>" +
                        $"<td>{F(r.Rmse)}</td><td>{F(r.RmseZ)}</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</table>");
    }

    static void AppendPredictedVsTrue(RunDirectory run, StringBuilder html, List<RecoveryRow> rows,
        List<string> names, List<string> sets)
    {
        var predPath = run.File(RunFiles.Predictions);
        if (!File.Exists(predPath)) return;
        var (text, header, values) = ReadNumeric(predPath, 2);
        string set = sets.Contains("heldout") ? "heldout" : sets[0];
        var idx = Enumerable.Range(0, text.Count).Where(i => text[i][1] == set).ToArray();
        html.Append($"<h3>Predicted vs true ({E(set)} basins)</h3><div class=\"grid\">");
        foreach (var name in names)
        {
            int pc = header.IndexOf("pred_" + name), tc = header.IndexOf("true_" + name);
            var r = rows.FirstOrDefault(x => x.Characteristic == name && x.BasinSet == set);
            html.Append(Img(name, Plots.Scatter(name, idx.Select(i => values[i][tc]).ToArray(),
                idx.Select(i => values[i][pc]).ToArray(), r?.PearsonR ?? double.NaN, Data.CharacteristicUnits.Of(name)),
                inline: true));
        }
        html.Append("</div>");
    }

    static void AppendDistances(RunDirectory run, StringBuilder html)
    {
        var distPath = run.File(RunFiles.DistancesSummary);
        if (!File.Exists(distPath)) return;
        var d = JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(distPath))!;
        html.Append(
            "<h2>Distances between basins</h2><p>Embedding space vs z-scored characteristic space (from " +
            "<code>distances_summary.json</code>). ")
            .Append("KGSSL paper anchor: per-basin row r mean 0.547, std 0.110 over 531 basins.</p><table " +
                "id=\"distances\">");
        foreach (var (k, v) in d) html.Append($"<tr><td>{E(k)}</td><td>{F(v)}</td></tr>");
        html.Append("</table>");
        var (pairs, order) = ReadDistances(run.File(RunFiles.Distances));
        if (order.Count > 1)
        {
            var dz = new double[order.Count, order.Count]; var dc = new double[order.Count, order.Count];
            foreach (var (a, b, z, c) in pairs) { dz[a, b] = dz[b, a] = z; dc[a, b] = dc[b, a] = c; }
            var rank = FirstPrincipalCoordinateOrder(dc);
            dz = Reordered(dz, rank); dc = Reordered(dc, rank);
            html.Append(
                $"<p>Each square: {order.Count} basins by the same {order.Count} basins, in one order: along the " +
                $"first ")
                .Append("principal coordinate of the characteristic distances (similar basins next to each " +
                    "other). Colour: the ")
                .Append("Euclidean distance between two basins, left in the embedding, right in the z-scored " +
                    "characteristics; ")
                .Append("where the embedding mirrors the characteristics, the two show the same blocks.</p>")
                .Append("<div class=\"grid\">").Append(Img("embedding distances",
                    Plots.Heatmap("embedding-space distance (basins x basins)", dz), inline: true))
                .Append(Img("characteristic distances", Plots.Heatmap("characteristic-space distance (same order)",
                    dc), inline: true)).Append("</div>");
        }
    }

    /// <summary>PCA of the embeddings coloured by a characteristic, and the basins on a map where they have real
    /// locations.</summary>
    static void AppendEmbeddings(RunDirectory run, Kgssl.Config.KgsslConfig cfg, StringBuilder html)
    {
        var embPath = run.File(RunFiles.Embeddings);
        if (!File.Exists(embPath)) return;
        var (text, header, values) = ReadNumeric(embPath, 3);
        var zCols = header.Select((h, i) => (h, i)).Where(x => x.h.StartsWith('z')
            && !x.h.EndsWith("_sd", StringComparison.Ordinal)).Select(x => x.i).ToArray();
        var ok = Enumerable.Range(0, values.Count).Where(i => zCols.All(c => double.IsFinite(values[i][c])))
            .ToArray();
        if (ok.Length > 2 && zCols.Length >= 2)
        {
            var proj = Pca.Project(ok.Select(i => zCols.Select(c => values[i][c]).ToArray()).ToList());
            string colorBy = cfg.Evaluation.ColorBy;
            var predPath = run.File(RunFiles.Predictions);
            var truthById = new Dictionary<string, double>();
            if (File.Exists(predPath))
            {
                var (pt, ph, pv) = ReadNumeric(predPath, 2);
                int col = ph.IndexOf("true_" + colorBy);
                if (col < 0) { colorBy = ph.FirstOrDefault(h => h.StartsWith("true_", StringComparison.Ordinal))?[
                    5..] ?? colorBy; col = ph.IndexOf("true_" + colorBy); }
                if (col >= 0) for (int i = 0; i < pt.Count; i++) truthById[pt[i][0]] = pv[i][col];
            }
            var color = ok.Select(i => truthById.GetValueOrDefault(text[i][0], double.NaN)).ToArray();
            html.Append("<h2>Embeddings</h2>").Append(Img("PCA",
                Plots.Colored("PCA of the basin embeddings", proj.Select(p => p[0]).ToArray(),
                proj.Select(p => p[1]).ToArray(), color, "PC 1", "PC 2", colorBy)));
            var coords = ReadCoordinates(cfg);
            if (coords.Count > 0 && !InventedLocations(cfg))
            {
                var lat = ok.Select(i => coords.TryGetValue(text[i][0], out var c) ? c.Lat : double.NaN).ToArray();
                var lon = ok.Select(i => coords.TryGetValue(text[i][0], out var c) ? c.Lon : double.NaN).ToArray();
                html.Append(Img("map", Plots.Colored("Basins at their gauges, coloured by embedding PC 1", lon,
                    lat, proj.Select(p => p[0]).ToArray(), "longitude", "latitude", "embedding PC 1")));
            }
        }
    }

    static void AppendTraining(RunDirectory run, StringBuilder html)
    {
        var epochs = EpochRecord.ReadAll(run.File(RunFiles.Epochs));
        if (epochs.Count == 0) return;
        double[] x = epochs.Select(e => (double)e.Epoch).ToArray();
        html.Append("<h2>Training</h2>").Append(Img("training curves",
            Plots.Curves("Loss terms per epoch", new Dictionary<string, (double[], double[])>
        {
            ["total"] = (x, epochs.Select(e => e.Loss).ToArray()),
            ["L1 reconstruction"] = (x, epochs.Select(e => e.Reconstruction).ToArray()),
            ["L2 guidance"] = (x, epochs.Select(e => e.Guidance).ToArray()),
            ["L3 supervision"] = (x, epochs.Select(e => e.Supervision).ToArray()),
            ["validation total"] = (x, epochs.Select(e => e.ValLoss).ToArray()),
        }, "loss")));
        html.Append(
            $"<p>{epochs.Count} epochs, {Whole(epochs.Sum(e => e.Seconds))} s of training, " +
            $"{Whole(epochs.Sum(e => e.Anchors) / Math.Max(epochs.Sum(e => e.Seconds), 1e-9))} anchor " +
            "windows/s.</p>");
    }

    static void AppendEmulator(RunDirectory run, StringBuilder html)
    {
        var emuPath = run.File(RunFiles.Emulator);
        if (!File.Exists(emuPath)) return;
        var t = CsvTable.Read(emuPath);
        double[] Column(string name) => t.Has(name)
            ? t.Rows.Select(f => t.Number(f, name)).Where(double.IsFinite).Order().ToArray() : [];
        var nse = Column("nse");
        var physics = Column("nse_physics");
        if (nse.Length > 0)
            html.Append(
                "<h2>Decoder as an emulator of F</h2><p>Embedding from training years, prediction of test-year " +
                $"streamflow from drivers only: median NSE {F(nse[nse.Length / 2])} over {nse.Length} basins " +
                "(from <code>emulator.csv</code>).</p>");
        if (physics.Length > 0)
            html.Append(
                "<p id=\"physics-emulator\">Physics emulator: F itself run with the parameters the head " +
                $"predicts from the same embeddings, median NSE {F(physics[physics.Length / 2])} over " +
                $"{physics.Length} basins (<code>nse_physics</code>).</p>");
        AppendFlows(run, html, nse, physics);
    }

    static void AppendForward(RunDirectory run, StringBuilder html)
    {
        string summaryPath = run.File(RunFiles.ForwardSummary);
        if (!File.Exists(summaryPath)) return;
        var t = CsvTable.Read(summaryPath);
        var rows = t.Rows;
        bool ungauged = File.Exists(run.File(RunFiles.ForwardUngaugedFolds));
        html.Append(
            "<h2>Forward-model experiment</h2><p>From <code>forward_summary.csv</code>: a streamflow model trained " +
            "on the training years with each kind of statics, scored on the test years (NSE and KGE of daily " +
            "streamflow; NSE &lt;= 0: basins where the model does no better than the observed mean).</p>");
        if (ungauged)
            html.Append(
                "<p>Basins the model never trained on: the basins fall into folds, and each fold's basins are " +
                "scored by a model trained on the other folds' basins, pooled over the folds " +
                "(<code>forward_ungauged_folds.csv</code>). Wall seconds are summed over the folds.</p>");
        html.Append(
            "<table id=\"forward\"><tr><th>setting</th><th>n</th><th>mean NSE</th><th>median NSE</th>" +
            "<th>median KGE</th><th>NSE &lt;= 0</th><th>wall s</th></tr>");
        foreach (var r in rows)
            html.Append(
                $"<tr><td>{E(t.Text(r, "setting"))}</td><td>{E(t.Text(r, "n"))}</td>" +
                $"<td>{F(P(t.Text(r, "mean_nse")))}</td>" +
                $"<td>{F(P(t.Text(r, "median_nse")))}</td><td>{F(P(t.Text(r, "median_kge")))}</td>" +
                $"<td>{E(t.Text(r, "n_nse_le_0"))}</td><td>{E(t.Text(r, "wall_s"))}</td></tr>");
        html.Append("</table>");
        var median = rows.ToDictionary(r => t.Text(r, "setting"), r => P(t.Text(r, "median_nse")));
        var byFraction = new SortedDictionary<double, List<(double Std, double Median)>>();
        foreach (var (name, m) in median)
        {
            var match = System.Text.RegularExpressions.Regex.Match(name, "^corrupted_s([0-9.]+)_f([0-9.]+)$");
            if (!match.Success) continue;
            double sd = P(match.Groups[1].Value), fr = P(match.Groups[2].Value);
            if (!byFraction.TryGetValue(fr, out var list)) byFraction[fr] = list = [];
            list.Add((sd, m));
        }
        if (byFraction.Count > 0)
            html.Append(Img("median NSE vs corruption", Plots.NseVsCorruption(
                byFraction.ToDictionary(kv => kv.Key, kv => (kv.Value.OrderBy(x => x.Std).Select(x => x.Std).ToArray(),
                    kv.Value.OrderBy(x => x.Std).Select(x => x.Median).ToArray())),
                new[] { "true", "embedding", "random", "none" }.Where(median.ContainsKey)
                    .ToDictionary(n => n, n => median[n]))));
        AppendForwardCurve(run, html);
        AppendForwardCdf(run, html, median);
    }

    /// <summary>The distribution of the basins' test-period NSE for the main settings and the worst corrupted
    /// one.</summary>
    static void AppendForwardCdf(RunDirectory run, StringBuilder html, Dictionary<string, double> median)
    {
        string basinsPath = run.File(RunFiles.ForwardBasins);
        if (!File.Exists(basinsPath)) return;
        var t = CsvTable.Read(basinsPath);
        var nse = t.Rows.GroupBy(f => t.Text(f, "setting"))
            .ToDictionary(g => g.Key, g => g.Select(f => t.Number(f, "nse")).ToArray());
        var shown = new[] { "true", "embedding", "embedding_12m", "embedding_3m", "neighbours", "random", "none" }
            .Where(nse.ContainsKey)
            .Concat(nse.Keys.Where(k => k.StartsWith("corrupted", StringComparison.Ordinal))
                .OrderBy(k => median.GetValueOrDefault(k)).Take(1));
        html.Append(Img("NSE CDF", Plots.Cdf(shown.ToDictionary(k => k, k => nse[k]))));
    }

    /// <summary>Median test-period NSE against minutes of training, from forward_curve.csv (forward.curve_every).
    /// </summary>
    static void AppendForwardCurve(RunDirectory run, StringBuilder html)
    {
        string path = run.File(RunFiles.ForwardCurve);
        if (!File.Exists(path)) return;
        var t = CsvTable.Read(path);
        var points = t.Rows.GroupBy(f => t.Text(f, "setting")).ToDictionary(g => g.Key,
            g => (g.Select(f => t.Number(f, "train_minutes")).ToArray(),
                g.Select(f => t.Number(f, "median_nse")).ToArray()));
        if (points.Count == 0) return;
        html.Append(Img("forward learning curve", Plots.Curves("Median test-period NSE against training time",
            points, "median NSE", "minutes of training")));
    }

    /// <summary>
    /// Synthetic runs: which parameters the series identify (the calibration reference) beside the learned inverse on
    /// the same basins, from identifiability.csv, and the calibrated model's NSE on the other period (calibration.csv).
    /// </summary>
    static void AppendIdentifiability(RunDirectory run, StringBuilder html)
    {
        string path = run.File(RunFiles.Identifiability);
        if (!File.Exists(path)) return;
        var t = CsvTable.Read(path);
        var lines = t.Rows;
        if (lines.Count == 0) return;
        // files written before the context column: the whole record was run
        string context = t.Has("context") ? t.Text(lines[0], "context") : "record";
        html.Append(
            $"<h3>Identifiability ({E(t.Text(lines[0], "basin_set"))} basins, n = {E(t.Text(lines[0], "n"))})</h3>" +
            "<p>The true forward model calibrated per basin on the same series ")
            .Append(context switch
            {
                "period" => "and nothing else (its first year once as spin-up) ",
                "states" => "and nothing else (from initial storages searched with the parameters) ",
                _ => "(run through the whole record before it: it also knew the drivers before the series and the " +
                    "storages at its start) ",
            })
            .Append($"(differential evolution, <code>kgssl calibrate</code>): a parameter it recovers at r &ge; " +
                $"{Identifiability.Bar} is identifiable from these data. ")
            .Append("Every parameter is listed, identifiable or not; the learned inverse is scored on the same " +
                "basins.</p>")
            .Append("<table id=\"identifiability\"><tr><th>parameter</th><th>r " +
                "calibration</th><th>identifiable</th><th>r KGSSL</th></tr>");
        foreach (var f in lines)
        {
            double learned = t.Number(f, "learned_r");
            string identifiable = t.Text(f, "identifiable");
            string cls = identifiable == "yes" && learned >= Identifiability.Bar ? " class=\"good\"" : "";
            html.Append($"<tr><td>{E(t.Text(f, "parameter"))}</td><td>{F(t.Number(f, "calibration_r"))}</td>" +
                $"<td>{E(identifiable)}</td><td{cls}>{F(learned)}</td></tr>");
        }
        html.Append("</table>");
        string basins = run.File(RunFiles.Calibration);
        if (File.Exists(basins))
        {
            var (_, header, values) = ReadNumeric(basins, 2);
            int col = header.FindIndex(h => h.StartsWith("nse_", StringComparison.Ordinal));
            if (col >= 0)
                html.Append(
                    $"<p>Calibrated model on the other period ({E(header[col]["nse_".Length..])}): median NSE " +
                    $"{F(Metrics.Median(values.Select(v => v[col])))} over {values.Count} basins.</p>");
        }
    }

    /// <summary>Synthetic runs: the learned inverse refined with F (characteristics_refined.csv of `kgssl refine`)
    /// beside the learned inverse alone.</summary>
    static void AppendRefinement(RunDirectory run, List<RecoveryRow> learned, StringBuilder html)
    {
        string path = run.File(RunFiles.CharacteristicsOf("refined"));
        if (!File.Exists(path)) return;
        var refined = CharacteristicRecovery.ReadCsv(path);
        if (refined.Count == 0) return;
        html.Append(
            $"<h3>The learned inverse refined with F ({E(refined[0].BasinSet)} basins, n = {refined[0].N})</h3>" +
            "<p>Each basin's parameters as the ")
            .Append("head predicted them are the center of a Gaussian prior (its spread: the head's error on the " +
                "training basins); a short differential ")
            .Append("evolution with the exact HBV model on the same series, its initial storages searched too, finds " +
                "the most probable parameters ")
            .Append("(<code>kgssl refine</code>). Only where F is known: synthetic ensembles.</p>")
            .Append("<table id=\"refinement\"><tr><th>parameter</th><th>r KGSSL</th><th>r KGSSL + F</th></tr>");
        foreach (var r in refined)
        {
            var head = learned.FirstOrDefault(l => l.Characteristic == r.Characteristic && l.BasinSet == r.BasinSet);
            string cls = r.PearsonR >= Identifiability.Bar ? " class=\"good\"" : "";
            html.Append(
                $"<tr><td>{E(r.Characteristic)}</td><td>{(head is null ? "" : F(head.PearsonR))}</td>" +
                $"<td{cls}>{F(r.PearsonR)}</td></tr>");
        }
        html.Append("</table>");
    }

    /// <summary>Side by side with the tables that `evaluate --compare` copied in (compare_*.csv).</summary>
    static void AppendComparisons(RunDirectory run, List<RecoveryRow> rows, StringBuilder html)
    {
        var others = Directory.GetFiles(run.Path, "compare_*.csv").Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileNameWithoutExtension(f)["compare_".Length..],
                Rows: CharacteristicRecovery.ReadCsv(f))).ToList();
        if (others.Count == 0) return;
        html.Append(
            "<h3>Beside the baselines (Pearson r)</h3><table id=\"comparison\"><tr><th>basin " +
            "set</th><th>method</th><th>r &gt; 0.8</th><th>r &gt; 0.9</th><th>mean r</th><th>mean rmse_z</th></tr>");
        foreach (var set in rows.Select(r => r.BasinSet).Distinct())
            foreach (var (name, list) in others.Prepend(("this run", rows)))
            {
                var (a8, a9, mean, meanZ, n) = CharacteristicRecovery.Summary(list.Where(r => r.BasinSet == set));
                if (n > 0) html.Append(
                    $"<tr><td>{E(set)}</td><td>{E(name)}</td><td>{a8}/{n}</td><td>{a9}/{n}</td>" +
                    $"<td>{F(mean)}</td><td>{F(meanZ)}</td></tr>");
            }
        html.Append("</table>");
    }

    /// <summary>
    /// The NSE distribution (share of basins at or below each NSE; NSE 1 is a perfect hydrograph, 0 no better than the
    /// observed mean) and the hydrographs of the best, median and worst basin (hydrographs.csv).
    /// </summary>
    static void AppendFlows(RunDirectory run, StringBuilder html, double[] nse, double[] physics)
    {
        var cdf = new Dictionary<string, (double[] X, double[] Y)>();
        foreach (var (name, v) in new[] { ("decoder", nse), ("F with the head's parameters", physics) })
            if (v.Length > 0)
                cdf[name] = (v.Select(x => Math.Max(x, -1)).ToArray(),
                    Enumerable.Range(1, v.Length).Select(i => i / (double)v.Length).ToArray());
        if (cdf.Count > 0)
            html.Append(
                "<p>NSE: Nash-Sutcliffe efficiency of the daily flows, 1 a perfect hydrograph, 0 no better than the " +
                "observed mean ")
                .Append("(values below -1 drawn at -1); KGE: Kling-Gupta efficiency.</p>")
                .Append(Img("nse cdf", Plots.Lines("NSE over the basins", cdf, "NSE", "share of basins at or below")));
        string path = run.File(RunFiles.Hydrographs);
        if (!File.Exists(path)) return;
        var t = CsvTable.Read(path);
        // two years drawn (readable by eye); hydrographs.csv holds the whole period
        foreach (var basin in t.Rows.GroupBy(r => (Id: t.Text(r, "basin"), Rank: t.Text(r, "rank"),
            Nse: t.Number(r, "nse"))))
        {
            var shown = basin.Take(731).ToList();
            var days = shown.Select((_, i) => (double)i).ToArray();
            var flows = new Dictionary<string, double[]>
            {
                ["observed"] = shown.Select(r => t.Number(r, "observed")).ToArray(),
                ["emulator"] = shown.Select(r => t.Number(r, "simulated")).ToArray(),
            };
            html.Append(Img($"hydrograph {basin.Key.Rank}", Plots.Hydrograph(
                $"{basin.Key.Rank} basin {basin.Key.Id} (NSE {F(basin.Key.Nse)} over the period), " +
                $"{t.Text(shown[0], "date")}..{t.Text(shown[^1], "date")}",
                days, flows, null, $"days since {t.Text(shown[0], "date")}", 900, 300)));
        }
    }

    /// <summary>The run's provenance (run.json) as a table under its heading, at the top of every report.</summary>
    static void AppendRunInfo(RunDirectory run, StringBuilder html)
    {
        html.Append("<h2>Run</h2><table>");
        foreach (var (k, v) in run.ReadRunInfo()) html.Append($"<tr><td>{E(k)}</td><td>{E(Readable(v))}</td></tr>");
        html.Append("</table>");
    }

    /// <summary>The head of every report page: the title and one style sheet.</summary>
    static StringBuilder Page(string title) => new StringBuilder(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
        .Append(E(title)).Append("</title><style>")
        .Append("body{font-family:sans-serif;margin:24px;max-width:1200px}table{border-collapse:collapse;margin:8px 0}")
        .Append("td,th{border:1px solid #ccc;padding:3px " +
            "8px;text-align:right}td:first-child,th:first-child{text-align:left}")
        .Append("pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:400px}.grid " +
            "img{margin:2px}img{max-width:100%}")
        .Append(".good{background:#d9f2d9}.ok{background:#f2f2d9}")
        .Append("</style></head><body>");

    /// <summary>A run.json value as a person reads it: numbers rounded, an object as "key: value" pairs.</summary>
    static string Readable(JsonElement? v) => v is { } e ? Readable(e) : "";

    static string Readable(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number when e.TryGetInt64(out long i) => i.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.Number => e.GetDouble().ToString(Math.Abs(e.GetDouble()) >= 100 ? "F0"
            : "G4", CultureInfo.InvariantCulture),
        JsonValueKind.Object => string.Join(", ", e.EnumerateObject().Select(p => $"{p.Name}: {Readable(p.Value)}")),
        JsonValueKind.String => e.GetString() ?? "",
        _ => e.ToString(),
    };

    static double P(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    static string E(string s) => WebUtility.HtmlEncode(s);

    /// <summary>A duration as a person reads it: 1561.8 s -> "26:02 (1562 s)".</summary>
    internal static string Seconds(double s)
    {
        if (!double.IsFinite(s)) return "NaN";
        long total = (long)Math.Round(s);
        return $"{total / 60}:{total % 60:D2} ({total} s)";
    }

    static string F(double v) => double.IsFinite(v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "NaN";

    /// <summary>Seconds and rates: whole numbers, the digits after the point are noise there.</summary>
    static string Whole(double v) => double.IsFinite(v) ? v.ToString("0", CultureInfo.InvariantCulture) : "NaN";

    static string Img(string alt, byte[] png, bool inline = false) =>
        $"<img alt=\"{E(alt)}\" " +
            $"src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"{(inline ? "" : " style=\"display:block\"")}>";

    /// <summary>A run table whose first <paramref name="textColumns"/> columns are text and the rest numbers (read
    /// through <see cref="CsvTable"/>, so a torn row is named by its line).</summary>
    static (List<string[]> Text, List<string> Header, List<double[]> Values) ReadNumeric(string path, int textColumns)
    {
        var t = CsvTable.Read(path);
        var values = t.Rows.Select(f =>
        {
            var row = new double[f.Length];
            for (int i = textColumns; i < f.Length; i++) row[i] = double.Parse(f[i], CultureInfo.InvariantCulture);
            return row;
        }).ToList();
        return (t.Rows.Select(f => f[..textColumns]).ToList(), [.. t.Header], values);
    }

    /// <summary>
    /// The order of the items along the first principal coordinate of a distance matrix (classical MDS, Gower 1966:
    /// the top eigenvector of the double-centred -D^2/2, by power iteration): similar items come next to each other.
    /// </summary>
    internal static int[] FirstPrincipalCoordinateOrder(double[,] d)
    {
        int n = d.GetLength(0);
        var b = new double[n, n];
        var rowMean = new double[n];
        double all = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) { b[i, j] = -0.5 * d[i, j] * d[i, j]; rowMean[i] += b[i, j] / n; }
        for (int i = 0; i < n; i++) all += rowMean[i] / n;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) b[i, j] += all - rowMean[i] - rowMean[j];
        var v = Enumerable.Range(0, n).Select(i => 1.0 + i % 7).ToArray();
        for (int iteration = 0; iteration < 100; iteration++)
        {
            var next = new double[n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) next[i] += b[i, j] * v[j];
            double norm = Math.Sqrt(next.Sum(x => x * x));
            if (norm == 0) break;
            v = next.Select(x => x / norm).ToArray();
        }
        return Enumerable.Range(0, n).OrderBy(i => v[i]).ToArray();
    }

    static double[,] Reordered(double[,] m, int[] order)
    {
        int n = order.Length;
        var r = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) r[i, j] = m[order[i], order[j]];
        return r;
    }

    static (List<(int A, int B, double Z, double C)> Pairs, List<string> Order) ReadDistances(string path)
    {
        var order = new List<string>(); var index = new Dictionary<string, int>();
        var pairs = new List<(int, int, double, double)>();
        if (!File.Exists(path)) return (pairs, order);
        int Id(string id) { if (!index.TryGetValue(id, out int i)) { i = order.Count; order.Add(id); index[id] = i;
            } return i; }
        var t = CsvTable.Read(path);
        foreach (var f in t.Rows)
            pairs.Add((Id(t.Text(f, "basin_a")), Id(t.Text(f, "basin_b")), t.Number(f, "d_embedding"),
                t.Number(f, "d_characteristics")));
        return (pairs, order);
    }

    /// <summary>
    /// A synthetic ensemble driven by the weather generator (its ensemble.json says so): its basins have coordinates
    /// only as the generator drew them, so a map would show places that mean nothing. Real forcing keeps real gauges.
    /// </summary>
    static bool InventedLocations(Config.KgsslConfig cfg)
    {
        string manifest = Path.Combine(cfg.Data.Root, RunFiles.EnsembleManifest);
        if (!File.Exists(manifest)) return false;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
            return doc.RootElement.TryGetProperty("forcing", out var f) && f.GetString() == "weather generator";
        }
        catch (JsonException) { return false; }
    }

    static Dictionary<string, (double Lat, double Lon)> ReadCoordinates(Config.KgsslConfig cfg)
    {
        try
        {
            var loaded = Data.DatasetLoader.Load(cfg.Data);
            return loaded.Data.Basins.ToDictionary(b => b.Id, b => (b.Latitude, b.Longitude));
        }
        catch (Exception e) when (e is IOException or Data.DataFormatException or Config.ConfigException)
        {
            return [];
        }
    }
}
