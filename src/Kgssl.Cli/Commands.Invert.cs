using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Experiments;
using Kgssl.Report;
using Kgssl.Runs;
using Spectre.Console;

namespace Kgssl.Cli;

/// <summary>`kgssl invert`: a process model's parameters for real basins.</summary>
public static partial class Commands
{
    static Command Invert()
    {
        var d = new HbvInversion.Options("");
        var model = ModelOption();
        var root = new Option<string>("--root") { Description = "Folder of the observed basins", Required = true };
        var dataset = new Option<string>("--dataset") { Description = "caravan | camels-us: the layout of --root",
            DefaultValueFactory = _ => d.Dataset };
        dataset.AcceptOnlyFromAmong("caravan", "camels-us");
        var source = new Option<string>("--source") { Description = "Caravan source subfolder",
            DefaultValueFactory = _ => d.Source };
        var inverse = new Option<string?>("--inverse") { Description =
            "Reuse a trained inverse (the inverse/ folder of an earlier invert run) instead of training one" };
        var members = new Option<int>("--members") { Description = "Ensemble members (HBV parameter sets) to train " +
            "the inverse on", DefaultValueFactory = _ => d.Members };
        var years = new Option<int>("--ensemble-years") { Description = "Years of the ensemble: the last ones of the " +
            "calibration period, a year of the record before them as spin-up",
            DefaultValueFactory = _ => d.EnsembleYears };
        var noise = new Option<double>("--noise") { Description = "Log-normal noise on the ensemble's streamflow " +
            "(sd of log q)", DefaultValueFactory = _ => d.Noise };
        var keep = new Option<bool>("--keep-ensemble") { Description = "Keep the ensemble's daily series in " +
            "inverse/data/ (0.6 GB for 12 000 members); else removed once the inverse is trained" };
        var refine = RefineOptions.Of(d);
        var references = new Option<int>("--references") { Description = "Calibrations from scratch per basin " +
            "(0 none, 1, 2: two seeds, which also tell which parameters the data identify)",
            DefaultValueFactory = _ => d.References };
        var refGenerations = new Option<int>("--reference-generations") { Description = "Calibration from scratch: " +
            "DE generations (population 40)", DefaultValueFactory = _ => d.ReferenceGenerations };
        var calibration = new Option<string>("--calibration-period") { Description = "START:END (ISO dates) the " +
            "parameters are fitted on", DefaultValueFactory = _ => "1999-10-01:2008-09-30" };
        var test = new Option<string>("--test-period") { Description = "START:END (ISO dates) every method is " +
            "scored on (outside the calibration period)", DefaultValueFactory = _ => "1989-10-01:1999-09-30" };
        var maxBasins = new Option<int>("--max-basins") { Description = "Only the first N basins by id (0 = all)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the ensemble, the training and the searches",
            DefaultValueFactory = _ => d.Seed };
        var bands = BandClassesOption(d);
        var cmd = new Command("invert",
            "A process model's parameters for observed basins: learned from an ensemble on their forcing, refined " +
            "with the model, beside per-basin calibration from scratch; scored on test years")
            { model, root, dataset, source, inverse, members, years, noise, keep, references, refGenerations,
                calibration, test, maxBasins, seed, bands, RunDirOption };
        foreach (var option in refine.All) cmd.Options.Add(option);
        cmd.SetAction(p =>
        {
            var (cs, ce) = PeriodOption("--calibration-period", p.GetValue(calibration)!);
            var (ts, te) = PeriodOption("--test-period", p.GetValue(test)!);
            var o = new HbvInversion.Options(p.GetValue(root)!, p.GetValue(dataset)!, p.GetValue(source)!,
                p.GetValue(inverse) is { } inv ? Path.GetFullPath(inv) : null, p.GetValue(members), p.GetValue(years),
                p.GetValue(noise), p.GetValue(seed), p.GetValue(refine.Population), p.GetValue(refine.Generations),
                p.GetValue(refine.Weight), p.GetValue(references), d.ReferencePopulation, p.GetValue(refGenerations),
                p.GetValue(maxBasins), p.GetValue(refine.Strategy)!)
            {
                CalibrationStart = cs, CalibrationEnd = ce, TestStart = ts, TestEnd = te,
                Explore = p.GetValue(refine.Explore), SpreadScale = p.GetValue(refine.Spread),
                RegionalWeight = p.GetValue(refine.Regional), Searches = p.GetValue(refine.Searches),
                KeepEnsemble = p.GetValue(keep), BandClasses = p.GetValue(bands),
            };
            return RunInvert(p, o);
        });
        return cmd;
    }

    /// <summary>The refinement's options of `kgssl invert`, with the defaults of <see cref="HbvInversion.Options"/>.
    /// </summary>
    sealed record RefineOptions(Option<int> Population, Option<int> Generations, Option<double> Weight,
        Option<string> Strategy, Option<double> Explore, Option<double> Spread, Option<double> Regional,
        Option<int> Searches)
    {
        public Option[] All => [Searches, Population, Generations, Weight, Strategy, Explore, Spread, Regional];

        public static RefineOptions Of(HbvInversion.Options d)
        {
            var searches = new Option<int>("--searches") { Description = "Refinement: independent searches per " +
                "basin, each of population x (generations + 1) HBV runs; the refined flows are the mean of theirs, " +
                "parameters.csv has a row per search", DefaultValueFactory = _ => d.Searches };
            var population = new Option<int>("--population") { Description = "Refinement: DE population per search",
                DefaultValueFactory = _ => d.Population };
            var generations = new Option<int>("--generations") { Description = "Refinement: DE generations per " +
                "search", DefaultValueFactory = _ => d.Generations };
            var weight = new Option<double>("--prior-weight") { Description = "Refinement: weight of the learned " +
                "prior (mean squared z) against the objective", DefaultValueFactory = _ => d.PriorWeight };
            var strategy = new Option<string>("--strategy") { Description = "Refinement: best (DE/best/1 around the " +
                "learned estimate), rand (DE/rand/1) or cmaes (CMA-ES from it; the same budget of population x " +
                "(generations + 1) runs)", DefaultValueFactory = _ => d.Strategy };
            strategy.AcceptOnlyFromAmong(Choices.Refinement.All);
            var explore = new Option<double>("--explore") { Description = "Refinement (DE): fraction of the initial " +
                "population drawn over the whole parameter cube instead of around the learned estimate",
                DefaultValueFactory = _ => d.Explore };
            var spread = new Option<double>("--prior-spread") { Description = "Refinement: factor on the prior's " +
                "spread (the inverse's error on the ensemble)", DefaultValueFactory = _ => d.SpreadScale };
            var regional = new Option<double>("--regional-prior") { Description = "Refinement in two rounds of half " +
                "the generations: the second under a prior fitted across the basins on the first's results (a " +
                "ridge per parameter from the learned estimate), of this weight; 0: one round under the learned " +
                "prior", DefaultValueFactory = _ => d.RegionalWeight };
            return new RefineOptions(population, generations, weight, strategy, explore, spread, regional, searches);
        }
    }

    static Option<int> BandClassesOption(HbvInversion.Options d) => new("--band-classes") { Description = "The " +
        "flows' 90 % bands: classes of simulated flow the calibration years' errors are taken in",
        DefaultValueFactory = _ => d.BandClasses };

    static Option<string> ModelOption()
    {
        var model = new Option<string>("--model") { Description = "The process model to invert (hbv)",
            DefaultValueFactory = _ => "hbv" };
        model.AcceptOnlyFromAmong("hbv");
        return model;
    }

    /// <summary>Checks the options before the run folder exists, then runs, reports and prints the inversion.
    /// </summary>
    static int RunInvert(ParseResult p, HbvInversion.Options o)
    {
        var reporter = Reporter(p);
        o.Validate();
        if (!Directory.Exists(o.Root)) throw new DataFormatException(o.Root, 0, "data root folder not found");
        if (o.InverseRun is { } trained && !File.Exists(RunDirectory.Open(trained).File(RunFiles.Predictions)))
            throw new ConfigException($"--inverse {trained}: no {RunFiles.Predictions}; is it the inverse/ " +
                "folder of a finished invert run?");
        var run = RunDirectory.Create("invert", p.GetValue(RunDirOption));
        var seedOnly = new KgsslConfig { Training = new TrainingConfig { Seed = o.Seed } };
        run.UpdateRunInfo(RunDirectory.StartInfo(seedOnly, "invert --model hbv"));
        File.WriteAllText(run.File(RunFiles.InvertOptions), JsonSerializer.Serialize(o, JsonFiles.Options) + "\n");
        var outcome = reporter.Run(() => run.Tracked(() => HbvInversion.Run(run, o, reporter)));
        ReportWriter.WriteInversion(run);
        PrintInversion(run, outcome, reporter.Quiet);
        return Done(run.Path);
    }

    static (DateOnly Start, DateOnly End) PeriodOption(string name, string value)
    {
        if (IsoDate.TryParsePeriod(value, out var start, out var end)) return (start, end);
        throw new ArgumentException($"{name}: expected START:END as ISO dates (1999-10-01:2008-09-30), got '{value}'");
    }

    /// <summary>Refined against calibration from scratch, beside two calibrations against each other: how large a
    /// gap between the medians chance alone makes (inversion_comparison.csv).</summary>
    static void PrintComparison(RunDirectory run)
    {
        if (!File.Exists(run.File(RunFiles.InversionComparison))) return;
        var t = CsvTable.Read(run.File(RunFiles.InversionComparison));
        string Cell(string[] row, string column) =>
            t.Number(row, column).ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture);
        foreach (var (method, what) in new[] { ("refined", "refined - calibrated"),
            (HbvInversion.CalibratedAgain, "calibrated again (another seed) - calibrated, the gap chance makes") })
            if (t.Rows.FirstOrDefault(r => r[0] == method) is { } row)
                AnsiConsole.MarkupLine(Markup.Escape($"{what}: median NSE {Cell(row, "difference_of_medians")} " +
                    $"(95 % {Cell(row, "ci_low")} to {Cell(row, "ci_high")}), paired median " +
                    $"{Cell(row, "median_paired_difference")}"));
    }

    static void PrintInversion(RunDirectory run, HbvInversion.Outcome o, bool quiet)
    {
        if (quiet) return;
        var lines = File.ReadAllLines(run.File(RunFiles.InversionSummary)).Select(l => l.Split(',')).ToList();
        (string Column, string Header)[] shown = [("method", "method"), ("n", "basins"), ("median_nse", "NSE"),
            ("median_kge", "KGE"), ("median_log_nse", "log NSE"), ("n_nse_le_0", "NSE <= 0"),
            ("hbv_runs_per_basin", "HBV runs"), ("wall_s", "wall s")];
        int[] at = shown.Select(h => Array.IndexOf(lines[0], h.Column)).ToArray();
        var table = new Table().Title($"HBV on {o.Basins.Count} basins, test years never fitted: medians; runs per " +
            "basin");
        foreach (var h in shown) table.AddColumn(new TableColumn(Markup.Escape(h.Header)).RightAligned().NoWrap());
        foreach (var l in lines.Skip(1))
            table.AddRow(at.Select(k => double.TryParse(l[k], NumberStyles.Float, CultureInfo.InvariantCulture,
                out var v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : Markup.Escape(l[k])).ToArray());
        AnsiConsole.Write(table);
        PrintComparison(run);
        AnsiConsole.MarkupLine(Markup.Escape($"parameters: {run.File(RunFiles.Parameters)}; report: " +
            run.File(RunFiles.Report)));
        if (o.Dropped.Count > 0)
            AnsiConsole.MarkupLine(Markup.Escape($"{o.Dropped.Count} basins left out (why: " +
                $"{run.File(RunFiles.InversionDropped)})"));
    }
}
