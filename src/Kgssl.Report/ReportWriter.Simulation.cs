using Kgssl.Config;
using Kgssl.Runs;

namespace Kgssl.Report;

/// <summary>The report of HBV run with given parameters (`kgssl simulate`).</summary>
public static partial class ReportWriter
{
    /// <summary>report.html of a simulate run folder: how many basins were run and scored, the median scores, the
    /// NSE CDF and the hydrographs of the best, median and worst basin (the first three where nothing is
    /// observed).</summary>
    public static string WriteSimulation(RunDirectory run)
    {
        var html = Page("Kgssl HBV simulation");
        html.Append($"<h1>HBV simulation {E(Path.GetFileName(run.Path))}</h1>");
        AppendRunInfo(run, html);
        var (text, header, values) = ReadNumeric(run.File(RunFiles.SimulationBasins), 2);
        var scored = text.Select((t, i) => (Basin: t[0], Nse: values[i][header.IndexOf("nse")])).ToList();
        var finite = Enumerable.Range(0, text.Count).Where(i => double.IsFinite(scored[i].Nse)).ToList();
        html.Append($"<h2>Streamflow</h2><p>{text.Count} basins simulated; {finite.Count} with observed streamflow " +
            "to score (NSE: Nash-Sutcliffe efficiency of daily streamflow, 1 perfect, 0 no better than the observed " +
            "mean; KGE: Kling-Gupta efficiency; log NSE: NSE of log(q + 0.01), which weighs low flows). Per basin: " +
            "<code>simulation_basins.csv</code>; left out: <code>simulation_dropped.csv</code>.</p>");
        if (finite.Count > 0)
        {
            html.Append("<table id=\"simulation_summary\"><tr><th>method</th><th>basins scored</th>");
            foreach (var m in new[] { "nse", "kge", "log_nse" }) html.Append($"<th>median {m}</th>");
            html.Append($"</tr><tr><td>{E(text[0][1])}</td><td>{finite.Count}</td>");
            foreach (var m in new[] { "nse", "kge", "log_nse" })
                html.Append($"<td>{F(Evaluation.Metrics.Median(finite.Select(i => values[i][header.IndexOf(m)])))}" +
                    "</td>");
            html.Append("</tr></table>");
            var cdf = new Dictionary<string, double[]> { [text[0][1]] = finite.Select(i => scored[i].Nse).ToArray() };
            html.Append(Img("NSE CDF", Plots.Cdf(cdf, "CDF of per-basin NSE over the period")));
        }
        AppendHydrographs(run, html, scored, "NSE", "days from the start of the period", band: "simulated");
        html.Append("</body></html>");
        string path = run.File(RunFiles.Report);
        File.WriteAllText(path, html.ToString());
        return path;
    }
}
