using System.CommandLine;
using System.Diagnostics;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Runs;
using Kgssl.Synthetic;
using Spectre.Console;

namespace Kgssl.Cli;

/// <summary>`kgssl synth`, `kgssl data inspect` and `kgssl baseline`: data sets and what a hydrologist has without
/// Kgssl.</summary>
public static partial class Commands
{
    static Command Synth()
    {
        var output = new Option<string>("--out") { Description = "Output folder (Caravan layout)", Required = true };
        var basins = new Option<int>("--basins") { Description = "Number of basins", DefaultValueFactory = _ => 120 };
        var years = new Option<int>("--years") { Description = "Years per basin", DefaultValueFactory = _ => 12 };
        var seed = new Option<int>("--seed") { Description = "Seed", DefaultValueFactory = _ => 7 };
        var noise = new Option<double>("--noise") {
            Description = "Multiplicative log-normal streamflow noise (sd of log)", DefaultValueFactory = _ => 0.0 };
        var forcing = new Option<string?>("--forcing-root") {
            Description = "Take P and T from a Caravan data set (e.g. camels_era5l) instead of the weather generator" };
        var cmd = new Command("synth",
            "Write a perturbed-parameter ensemble of an HBV model with a known truth (Caravan layout)")
            { output, basins, years, seed, noise, forcing };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var o = new EnsembleGenerator.Options(p.GetValue(output)!, p.GetValue(basins), p.GetValue(years),
                p.GetValue(seed), p.GetValue(noise), p.GetValue(forcing));
            var clock = Stopwatch.StartNew();
            reporter.Run(() => { EnsembleGenerator.Generate(o, new Progress<double>(
                f => reporter.Progress("synthesize", f))); return 0; });
            reporter.Info($"{o.Basins} basins x {o.Years} years written in {clock.Elapsed.TotalSeconds:F1} s");
            Console.Out.WriteLine(Path.GetFullPath(o.Out));
            return 0;
        });
        return cmd;
    }

    static Command Data()
    {
        var dataset = new Option<string>("--dataset") { Description = "caravan | camels-us", Required = true };
        dataset.AcceptOnlyFromAmong("caravan", "camels-us");
        var rootOpt = new Option<string>("--root") { Description = "Data root folder", Required = true };
        var source = new Option<string>("--source") { Description = "Caravan source subfolder",
            DefaultValueFactory = _ => "camels" };
        var products = new Option<string[]>("--products") {
            Description = "CAMELS-US forcing products in order of preference", DefaultValueFactory = _
            => ["nldas", "daymet"], AllowMultipleArgumentsPerToken = true };
        var basinFile = new Option<string?>("--basins") { Description = "Basin list file (one id per line)" };
        var noCache = new Option<bool>("--no-cache") { Description = "Parse the text files even if a cache exists" };
        var inspect = new Command("inspect",
            "Read a data set and print basins, products, periods, missing fractions, characteristic coverage and " +
            "load time")
            { dataset, rootOpt, source, products, basinFile, noCache };
        inspect.SetAction(p =>
        {
            var reporter = Reporter(p);
            bool camels = p.GetValue(dataset) == "camels-us";
            var c = new DataConfig
            {
                Dataset = p.GetValue(dataset)!,
                Root = Path.GetFullPath(p.GetValue(rootOpt)!),
                Source = p.GetValue(source)!,
                ForcingProducts = [.. p.GetValue(products)!],
                BasinFile = p.GetValue(basinFile) is { } f ? Path.GetFullPath(f) : "",
                Drivers = camels ? ["prcp(mm/day)", "srad(W/m2)", "tmax(C)", "tmin(C)", "vp(Pa)"]
                    : new DataConfig().Drivers,
            };
            if (!camels) c = c with { Characteristics = DataInspector.CaravanCharacteristics(c.Root, c.Source) };
            var loaded = reporter.Run(() => DatasetLoader.Load(c, !p.GetValue(noCache),
                progress: new Progress<double>(x => reporter.Progress("load", x))));
            DataInspector.Print(loaded);
            return 0;
        });
        var cmd = new Command("data", "Data set tools");
        cmd.Subcommands.Add(inspect);
        return cmd;
    }

    static Command Baseline()
    {
        var config = new Option<string>("--config") { Description = "Run config naming the data (as for train)",
            Required = true };
        var rootOpt = new Option<string?>("--root") { Description = "Data root (overrides data.root)" };
        var cmd = new Command("baseline",
            "Baselines: signature ridge, 1-nearest-neighbour fingerprint, the 5 nearest gauges and the stacked ridge " +
            "(signatures + gauges), same-basin and unseen-basin protocols")
            { config, rootOpt, RunDirOption, SetOption };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var cfg = ConfigLoader.LoadFile(p.GetValue(config)!, p.GetValue(SetOption));
            if (p.GetValue(rootOpt) is { } r) cfg = cfg with { Data = cfg.Data with { Root = Path.GetFullPath(r) } };
            var run = RunDirectory.Start("baseline", p.GetValue(RunDirOption), cfg, "baseline");
            var result = reporter.Run(() => run.Tracked(() =>
            {
                var data = DatasetLoader.Load(cfg.Data, progress: new Progress<double>(
                    f => reporter.Progress("load data", f))).Data;
                return Kgssl.Evaluation.Baseline.Run(cfg, data, new Progress<double>(
                    f => reporter.Progress("signatures", f)));
            }));
            foreach (var note in result.Notes) reporter.Info("baseline: " + note);
            foreach (var (method, rows) in result.Rows)
                File.WriteAllText(run.File(RunFiles.CharacteristicsOf(method)), CharacteristicRecovery.ToCsv(rows));
            BaselinePredictions.Write(run.File(RunFiles.BaselinePredictions), result);
            foreach (var (method, rows) in result.Rows)
            {
                if (!reporter.Quiet) AnsiConsole.MarkupLine(
                    $"[bold]{Markup.Escape(BaselinePredictions.Describe(method))}[/] (train = same basins' test " +
                    "years; heldout = unseen basins, pooled over folds)");
                PrintRecovery(rows, reporter.Quiet);
            }
            return Done(run.Path);
        });
        return cmd;
    }
}
