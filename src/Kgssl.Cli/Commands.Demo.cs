using System.CommandLine;
using System.Diagnostics;
using Kgssl.Config;
using Kgssl.Report;
using Kgssl.Runs;
using Spectre.Console;

namespace Kgssl.Cli;

/// <summary>`kgssl demo`: the synthetic ensemble, training, evaluation, the references and the report in one
/// command.</summary>
public static partial class Commands
{
    static Command Demo()
    {
        var basins = new Option<int>("--basins") { Description = "Synthetic basins",
            DefaultValueFactory = _ => new DemoPipeline.Options().Basins };
        var years = new Option<int>("--years") { Description = "Years of daily data per basin",
            DefaultValueFactory = _ => new DemoPipeline.Options().Years };
        var seed = new Option<int>("--seed") { Description = "Seed of the ensemble and the training",
            DefaultValueFactory = _ => new DemoPipeline.Options().Seed };
        var noise = new Option<double>("--noise") {
            Description = "Multiplicative log-normal streamflow noise of the ensemble (sd of log q; default 0: the " +
            "exact F)", DefaultValueFactory = _ => new DemoPipeline.Options().Noise };
        var cmd = new Command("demo",
            "Synthetic ensemble with a known truth -> train -> evaluate -> report, in one command (no download)")
            { RunDirOption, SetOption, basins, years, seed, noise };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var clock = Stopwatch.StartNew();
            var o = new DemoPipeline.Options(p.GetValue(basins), p.GetValue(years), p.GetValue(seed),
                p.GetValue(noise));
            DemoPipeline.Validate(o);   // before the run folder exists: a bad option leaves nothing behind
            var run = RunDirectory.Create("demo", p.GetValue(RunDirOption));
            string dataRoot = run.File("data");
            var config = ConfigLoader.Parse(ConfigLoader.ToYaml(DemoPipeline.DefaultConfig(dataRoot, o)),
                "demo defaults", Overrides(p));
            run.Begin(config, "demo");
            // the report after the run's end is recorded, so that its Run table shows the status and wall time
            var result = reporter.Run(() =>
            {
                var outcome = run.Tracked(() => DemoPipeline.Run(run, config, o, reporter));
                reporter.Progress("report", 0.1);
                ReportWriter.Write(run, reporter);
                reporter.Progress("report", 1);
                return outcome;
            });
            var (ev, cal, refined) = (result.Evaluation, result.Calibration, result.Refinement);
            PrintRecovery(ev.Rows, reporter.Quiet);
            PrintRefinement(refined, reporter.Quiet);
            PrintIdentifiability(cal.Identifiability, reporter.Quiet, refined,
                cal.Basins.Select(b => b.Id).ToHashSet());
            if (!reporter.Quiet)
                AnsiConsole.MarkupLine(Markup.Escape(
                    $"distances: Mantel r {ev.Distances.MantelR:F3} (p {ev.Distances.MantelP:F3}); per-basin row r " +
                    $"mean {ev.Distances.RowRMean:F3}; emulator median NSE {ev.EmulatorMedianNse:F3} on " +
                    $"{ev.EmulatorBasins} held-out basins (F with the head's parameters: " +
                    $"{ev.PhysicsEmulatorMedianNse:F3}; calibrated HBV: {cal.MedianValidationNse:F3}); wall " +
                    $"{clock.Elapsed.TotalSeconds:F0} s"));
            return Done(run.Path);
        });
        return cmd;
    }
}
