using System.CommandLine;
using System.Text.Json;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Experiments;
using Kgssl.Report;
using Kgssl.Runs;

namespace Kgssl.Cli;

/// <summary>`kgssl simulate`: HBV with given parameters over any period of the basins' forcing.</summary>
public static partial class Commands
{
    static Command Simulate()
    {
        var parameters = new Option<string>("--parameters") { Required = true, Description = "An invert run folder " +
            "(its parameters.csv; root, layout and source as it read them), or a CSV of basin, [method] and the 11 " +
            "parameters by name or log10(name)" };
        var period = new Option<string>("--period") { Required = true, Description = "START:END (ISO dates) to " +
            "simulate; unless --storages, its first year (at most) is run once before it as spin-up, from default " +
            "storages" };
        var method = new Option<string>("--method") { Description = "The rows of this method (learned, refined, " +
            "calibrated); a table without a method column is taken whole", DefaultValueFactory = _ => "refined" };
        var root = new Option<string?>("--root") { Description = "Folder of the basins (default: the invert run's)" };
        var dataset = new Option<string?>("--dataset") { Description = "caravan | camels-us: the layout of --root " +
            "(default: the invert run's, else caravan)" };
        dataset.AcceptOnlyFromAmong("caravan", "camels-us");
        var source = new Option<string?>("--source") { Description = "Caravan source subfolder (default: the " +
            "invert run's, else camels)" };
        var storages = new Option<string?>("--storages") { Description = "Go on from these storages (an invert or " +
            "simulate run's storages.csv: the end of its calibration years or period) instead of a spin-up; " +
            "--period then starts the day after their date" };
        var bands = new Option<string?>("--bands") { Description = "Draw the 90 % bands of this flow_bands.csv " +
            "around the flows (default: the invert run's, where --parameters is one)" };
        var cmd = new Command("simulate", "Run HBV with given parameters (an invert run's, or your own) over any " +
            "period of the basins' forcing; scores where streamflow is observed")
            { parameters, period, method, root, dataset, source, storages, bands, RunDirOption };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var (start, end) = PeriodOption("--period", p.GetValue(period)!);
            var from = HbvSimulation.Locate(p.GetValue(parameters)!);
            var o = new HbvSimulation.Options(from.File, p.GetValue(root) ?? from.Root ?? throw new ArgumentException(
                    "--root: needed with a parameters CSV (only an invert run folder names its root)"),
                p.GetValue(dataset) ?? from.Dataset ?? "caravan", p.GetValue(source) ?? from.Source ?? "camels",
                p.GetValue(method)!, start, end)
                { Storages = p.GetValue(storages), Bands = p.GetValue(bands) ?? from.Bands };
            o.Validate();
            if (!Directory.Exists(o.Root)) throw new DataFormatException(o.Root, 0, "data root folder not found");
            var run = RunDirectory.Create("simulate", p.GetValue(RunDirOption));
            run.UpdateRunInfo(RunDirectory.StartInfo(new KgsslConfig(), "simulate"));
            File.WriteAllText(run.File(RunFiles.SimulateOptions),
                JsonSerializer.Serialize(o, JsonFiles.Options) + "\n");
            var outcome = reporter.Run(() => run.Tracked(() => HbvSimulation.Run(run, o, reporter)));
            string report = ReportWriter.WriteSimulation(run);
            var nse = outcome.Basins.Select(b => b.Nse).Where(double.IsFinite).ToList();
            reporter.Info($"simulated {outcome.Basins.Count} basins, {start:yyyy-MM-dd}..{end:yyyy-MM-dd}" +
                (nse.Count > 0 ? $"; median NSE {Metrics.Median(nse):F3} over the {nse.Count} with observed flows"
                    : "; no observed flows to score") +
                (outcome.Dropped.Count > 0 ? $"; {outcome.Dropped.Count} left out (why: " +
                    $"{run.File(RunFiles.SimulationDropped)})" : "") + $"; report: {report}");
            return Done(run.Path);
        });
        return cmd;
    }
}
