using System.Globalization;
using System.Text;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Runs;

namespace Kgssl.Report;

/// <summary>The report of an HBV inversion of real basins (`kgssl invert`).</summary>
public static partial class ReportWriter
{
    const string InversionGlossary =
        "<p><b>learned</b>: HBV's parameters as the inverse trained on the HBV ensemble reads them off the basin's " +
        "observed calibration years, no HBV run. <b>refined</b>: the learned parameters as the centre of a Gaussian " +
        "prior (spread: a multiple of the inverse's error on the ensemble, --prior-spread), then a short " +
        "differential evolution with HBV on the calibration years, its second half under the regional prior where " +
        "the run fitted one (regional_prior below). <b>calibrated</b>: differential evolution with HBV from a Latin " +
        "hypercube over the whole parameter ranges (no prior). <b>emulator</b>: the inverse's decoder, trained to " +
        "emulate HBV on the ensemble, fed the basin's embedding of its calibration years (no parameters, no HBV " +
        "run). <b>NSE</b>: Nash-Sutcliffe efficiency of daily streamflow on the test years (1: perfect; 0: no better " +
        "than the observed mean); <b>KGE</b>: Kling-Gupta efficiency; <b>log NSE</b>: NSE of log(q + 0.01), which " +
        "weighs low flows; <b>fit</b>: the objective on the calibration years (mean of NSE and log NSE); <b>HBV " +
        "runs</b>: model runs per basin spent on the search; <b>coverage_90</b>: the share of observed test days " +
        "inside the method's 90 % band, which comes from its own errors on the calibration years (0.9 if the band " +
        "were exact).</p>";

    /// <summary>report.html of an invert run folder: the summary, the NSE CDF per method, the agreement per parameter
    /// and the hydrographs of the best, median and worst basin.</summary>
    public static string WriteInversion(RunDirectory run)
    {
        var html = Page("Kgssl HBV inversion");
        html.Append($"<h1>HBV inversion {E(Path.GetFileName(run.Path))}</h1>");
        AppendRunInfo(run, html);
        html.Append("<h2>Streamflow on the test years</h2>").Append(InversionGlossary);
        AppendTable(html, "inversion_summary", run.File(RunFiles.InversionSummary));
        if (File.Exists(run.File(RunFiles.InversionComparison)))
        {
            var comparison = CsvTable.Read(run.File(RunFiles.InversionComparison));
            html.Append("<p>Each method against calibration from scratch: the median over the basins of the " +
                "difference of their NSE, the share of basins where the method is better, the difference of the " +
                "medians and its 95 % interval from a paired bootstrap over the basins " +
                $"({Evaluation.PairedComparison.Resamples} resamples)." +
                (comparison.Rows.Any(r => r[0] == Experiments.HbvInversion.CalibratedAgain)
                    ? $" <b>{Experiments.HbvInversion.CalibratedAgain}</b> is the second calibration from scratch " +
                        "(another seed) against the first: the gap chance alone makes." : "") +
                "</p>");
            AppendTable(html, "inversion_comparison", comparison);
        }
        var basins = ReadNumeric(run.File(RunFiles.InversionBasins), 2);
        int nseColumn = basins.Header.IndexOf("nse");
        var nse = basins.Text.Select((t, i) => (Method: t[1], Basin: t[0], Nse: basins.Values[i][nseColumn]))
            .GroupBy(x => x.Method).ToDictionary(g => g.Key, g => g.ToList());
        html.Append(Img("NSE CDF", Plots.Cdf(nse.ToDictionary(kv => kv.Key, kv => kv.Value.Select(x => x.Nse)
            .ToArray()))));
        html.Append("<h2>Parameters</h2><p>Pearson r across basins between the methods' parameters (log10 for the " +
            "recession coefficients); <b>identified</b> (1) where two calibrations from scratch with different seeds " +
            $"agree at r &gt;= {F(Experiments.InversionFiles.IdentifiedBar)}: the data pin the parameter down. " +
            "Each basin's parameters and their sd are in <code>parameters.csv</code> (learned: the inverse's error " +
            "on its ensemble; refined and calibrated: the linearized posterior sd given the calibration years, a " +
            "lower bound).</p>");
        AppendTable(html, "inversion_agreement", run.File(RunFiles.InversionAgreement));
        if (File.Exists(run.File(RunFiles.InversionTruth)))
        {
            html.Append("<p>The true parameters are known here: each method's estimates against them, and the share " +
                "of basins whose truth lies within 1 and 2 sd (0.68 and 0.95 if the sd were exact).</p>");
            AppendTable(html, "inversion_truth", run.File(RunFiles.InversionTruth));
        }
        if (File.Exists(run.File(RunFiles.RegionalPrior)))
        {
            html.Append("<p>The refinement's regional prior, which its second round searched under: per parameter, " +
                "its sigma in the unit cube and the share of the first round's refined values across the basins " +
                "that the learned estimate explains (<code>regional_prior.csv</code>).</p>");
            AppendTable(html, "regional_prior", run.File(RunFiles.RegionalPrior));
        }
        AppendParameterMedians(run, html);
        if (nse.TryGetValue("refined", out var refined)) AppendInversionHydrographs(run, html, refined);
        html.Append("</body></html>");
        string path = run.File(RunFiles.Report);
        File.WriteAllText(path, html.ToString());
        return path;
    }

    /// <summary>Each parameter's median over the basins per method, with its unit.</summary>
    static void AppendParameterMedians(RunDirectory run, StringBuilder html)
    {
        string path = run.File(RunFiles.Parameters);
        if (!File.Exists(path)) return;
        // basin, method, search: the medians are over every parameter set of the method
        var (text, header, values) = ReadNumeric(path, 3);
        var names = header.Skip(3).Where(h => !h.StartsWith("sd_", StringComparison.Ordinal)).ToList();
        var methods = text.Select(t => t[1]).Distinct().ToList();
        html.Append("<p>Median over the basins of each method's parameters (refined: over its searches' parameter " +
            "sets).</p><table id=\"inversion_parameters\">" +
            "<tr><th>parameter</th><th>unit</th>");
        foreach (var m in methods) html.Append($"<th>{E(m)}</th>");
        html.Append("</tr>");
        foreach (var name in names)
        {
            int k = header.IndexOf(name);
            html.Append($"<tr><td>{E(name)}</td><td>{E(Data.CharacteristicUnits.Of(name))}</td>");
            foreach (var m in methods)
                html.Append($"<td>{F(Evaluation.Metrics.Median(values.Where((_, i) => text[i][1] == m)
                    .Select(v => v[k])))}</td>");
            html.Append("</tr>");
        }
        html.Append("</table>");
    }

    /// <summary>A CSV as an HTML table, numbers to three decimals.</summary>
    static void AppendTable(StringBuilder html, string id, string path)
    {
        if (File.Exists(path)) AppendTable(html, id, CsvTable.Read(path));
    }

    static void AppendTable(StringBuilder html, string id, CsvTable t)
    {
        // a column with nothing in it (the calibration's, in a run without calibrations) is left out
        var shown = Enumerable.Range(0, t.Header.Count)
            .Where(k => t.Rows.Count == 0 || t.Rows.Any(r => r[k] is not ("NaN" or ""))).ToList();
        html.Append($"<table id=\"{id}\"><tr>");
        // long column names may wrap at their underscores, so that a wide table fits the page
        foreach (int k in shown) html.Append($"<th>{E(t.Header[k]).Replace("_", "_<wbr>")}</th>");
        html.Append("</tr>");
        foreach (var row in t.Rows)
        {
            html.Append("<tr>");
            foreach (int k in shown) html.Append("<td>").Append(double.TryParse(row[k], NumberStyles.Float,
                CultureInfo.InvariantCulture, out var v) ? Cell(v) : E(row[k])).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</table>");
    }

    /// <summary>A number of the tables: three decimals, and two significant digits below 0.01, where the paired
    /// differences between methods lie (three decimals would show them all as 0).</summary>
    static string Cell(double v) => double.IsFinite(v) && v != 0 && Math.Abs(v) < 0.01
        ? v.ToString("G2", CultureInfo.InvariantCulture) : F(v);

    /// <summary>Observed and simulated test flows of the basins with the best, median and worst refined NSE (two
    /// years drawn; flows/ holds the whole period).</summary>
    static void AppendInversionHydrographs(RunDirectory run, StringBuilder html,
        List<(string Method, string Basin, double Nse)> refined) =>
        AppendHydrographs(run, html, refined.Select(x => (x.Basin, x.Nse)).ToList(), "refined test NSE",
            "days from the start of the test years", band: "refined");

    /// <summary>The flows/ files (two years drawn) of the basins with the best, median and worst NSE; where no basin
    /// has an NSE (no observed streamflow), the first three. Of the bands (<c>_low</c>, <c>_high</c> columns) only
    /// <paramref name="band"/>'s is drawn, shaded (or the <c>low</c> and <c>high</c> columns of a file with one
    /// simulated series).</summary>
    static void AppendHydrographs(RunDirectory run, StringBuilder html, List<(string Basin, double Nse)> scored,
        string what, string axis, string? band = null)
    {
        var ranked = scored.Where(x => double.IsFinite(x.Nse)).OrderByDescending(x => x.Nse).ToList();
        var picks = ranked.Count > 0
            ? new[] { ("best", ranked[0]), ("median", ranked[ranked.Count / 2]), ("worst", ranked[^1]) }
            : scored.Take(3).Select(x => ("unscored", x)).ToArray();
        if (picks.Length == 0) return;
        html.Append("<h2>Hydrographs</h2>");
        foreach (var (rank, pick) in picks)
        {
            string path = Path.Combine(run.File(RunFiles.FlowsFolder), pick.Basin + ".csv");
            if (!File.Exists(path)) continue;
            var t = CsvTable.Read(path);
            var shown = t.Rows.Take(731).ToList();
            if (shown.Count == 0) continue;
            var days = shown.Select((_, i) => (double)i).ToArray();
            double[] Column(string name) => shown.Select(r =>
                t.Text(r, name).Length == 0 ? double.NaN : t.Number(r, name)).ToArray();
            static bool Bound(string name) => name is "low" or "high" || name.EndsWith("_low", StringComparison.Ordinal)
                || name.EndsWith("_high", StringComparison.Ordinal);
            var flows = t.Header.Skip(1).Where(name => !Bound(name)).ToDictionary(name => name, Column);
            // an invert run's flows name each method's band (refined_low), a simulation's its only one (low)
            string prefix = t.Has(band + "_low") ? band + "_" : "";
            (string, double[], double[])? drawnBand = band is not null && t.Has(prefix + "low")
                && t.Has(prefix + "high") ? (band, Column(prefix + "low"), Column(prefix + "high")) : null;
            string title = double.IsFinite(pick.Nse) ? $"{rank} basin {pick.Basin} ({what} {F(pick.Nse)})"
                : $"basin {pick.Basin}";
            html.Append(Img($"hydrograph {rank}", Plots.Hydrograph($"{title}, {shown[0][0]}..{shown[^1][0]}", days,
                flows, drawnBand, axis, 900, 300)));
        }
    }
}
