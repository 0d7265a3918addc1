using System.CommandLine;
using System.Globalization;
using Kgssl.Config;
using Kgssl.Evaluation;
using Kgssl.Hydrology;
using Kgssl.Runs;
using Spectre.Console;

namespace Kgssl.Cli;

/// <summary>`kgssl calibrate` and `kgssl refine`: the exact HBV model on a synthetic run.</summary>
public static partial class Commands
{
    static Command Calibrate()
    {
        var set = new Option<string>("--basin-set") { Description = "heldout | train: whose parameters to calibrate",
            DefaultValueFactory = _ => "heldout" };
        var generations = new Option<int>("--generations") {
            Description = "Differential-evolution generations (population 40)", DefaultValueFactory = _ => 150 };
        var maxBasins = new Option<int>("--max-basins") {
            Description = "Calibrate only the first N basins of the set (0 = all)", DefaultValueFactory = _ => 0 };
        var period = new Option<string?>("--period") {
            Description = "train | test: the period to calibrate on (default: the run's evaluation period)" };
        var context = new Option<string>("--context") {
            Description = "period: the model sees the calibrated period alone (what the learned inverse reads), a " +
            "year of spin-up from default storages; states: that period alone from searched initial storages; " +
            "record: it runs through the whole record before it", DefaultValueFactory = _ => "period" };
        context.AcceptOnlyFromAmong("period", "states", "record");
        var cmd = new Command("calibrate",
            "Identifiability reference on a synthetic run: calibrate HBV per basin (exact model) on the evaluation " +
            "period, score the parameters against the truth")
            { RunOption, set, generations, maxBasins, period, context };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var run = RunDirectory.Open(p.GetValue(RunOption)!);
            var cfg = run.ReadConfig();
            var outcome = reporter.Run(() => CalibrationReference.Run(run, Workflow.Prepare(run, cfg, reporter),
                p.GetValue(set)!,
                new HbvCalibration.Options(Generations: p.GetValue(generations), Seed: cfg.Training.Seed), reporter,
                    p.GetValue(maxBasins), p.GetValue(period), p.GetValue(context)!));
            PrintRecovery(outcome.Rows, reporter.Quiet);
            PrintIdentifiability(outcome.Identifiability, reporter.Quiet);
            reporter.Info(
                $"calibrated HBV, validated on the other period: median NSE {outcome.MedianValidationNse:F3} over " +
                $"{outcome.Basins.Count} basins");
            return Done(run.Path);
        });
        return cmd;
    }

    static Command Refine()
    {
        var set = new Option<string>("--basin-set") { Description = "heldout | train: whose parameters to refine",
            DefaultValueFactory = _ => "heldout" };
        var d = new LearnedRefinement.Settings();
        var population = new Option<int>("--population") { Description = "Differential-evolution population per basin",
            DefaultValueFactory = _ => d.Population };
        var generations = new Option<int>("--generations") { Description = "Differential-evolution generations",
            DefaultValueFactory = _ => d.Generations };
        var weight = new Option<double>("--prior-weight") {
            Description = "Weight of the learned prior's penalty (mean squared z) against the objective (mean of NSE " +
            "and log NSE)", DefaultValueFactory = _ => d.Weight };
        var maxBasins = new Option<int>("--max-basins") {
            Description = "Refine only the first N basins of the set in id order (0 = all)", DefaultValueFactory = _
            => 0 };
        var states = new Option<bool>("--free-states") {
            Description = "Search the storages (soil, upper and lower box, snow) the period starts with too (flat " +
            "prior); false: a year of spin-up from default storages", DefaultValueFactory = _ => d.FreeStates };
        var strategy = new Option<string>("--strategy") {
            Description = "best: DE/best/1 (converges fast from the learned estimate); rand: DE/rand/1",
            DefaultValueFactory = _ => d.Best ? "best" : "rand" };
        strategy.AcceptOnlyFromAmong("best", "rand");
        var cmd = new Command("refine",
            "On a synthetic run: refine the learned inverse's parameters with the exact HBV model (the head's " +
            "estimate as prior, a short differential evolution per basin)")
            { RunOption, set, population, generations, weight, maxBasins, states, strategy };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var settings = new LearnedRefinement.Settings(p.GetValue(population), p.GetValue(generations),
                p.GetValue(weight), 1,
                p.GetValue(states), p.GetValue(strategy) == "best");
            settings.Validate();   // before the run folder is read: a bad option is named first
            var run = RunDirectory.Open(p.GetValue(RunOption)!);
            var cfg = run.ReadConfig();
            settings = settings with { Seed = cfg.Training.Seed };
            var outcome = reporter.Run(() => LearnedRefinement.Run(run, Workflow.Prepare(run, cfg, reporter),
                p.GetValue(set)!, settings, reporter, p.GetValue(maxBasins)));
            PrintRefinement(outcome, reporter.Quiet);
            reporter.Info(
                $"refined parameters: {run.File(RunFiles.Refined)}; scores: " +
                run.File(RunFiles.CharacteristicsOf("refined")));
            return Done(run.Path);
        });
        return cmd;
    }

    static void PrintRefinement(LearnedRefinement.Outcome o, bool quiet)
    {
        if (quiet) return;
        var table = new Table()
            .Title($"The learned inverse refined with F: {o.Basins.Count} {o.Rows[0].BasinSet} basins, Pearson r " +
                "(KGSSL's estimate as prior, the exact HBV fitted per basin)").AddColumn("parameter")
            .AddColumn(new TableColumn("learned").RightAligned()).AddColumn(new TableColumn("refined").RightAligned())
                .AddColumn(new TableColumn("prior sd").RightAligned());
        for (int k = 0; k < o.Rows.Count; k++)
            table.AddRow(Markup.Escape(o.Rows[k].Characteristic),
                o.Learned[k].PearsonR.ToString("F3", CultureInfo.InvariantCulture),
                o.Rows[k].PearsonR.ToString("F3", CultureInfo.InvariantCulture),
                    o.Sigma[k].ToString("G3", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        int above = o.Rows.Count(r => r.PearsonR >= Identifiability.Bar),
            aboveLearned = o.Learned.Count(r => r.PearsonR >= Identifiability.Bar);
        AnsiConsole.MarkupLine(
            Markup.Escape(
            $"r >= {Identifiability.Bar}: {aboveLearned} of {o.Rows.Count} learned, {above} refined; median " +
            $"objective (mean of NSE and log NSE) {o.MedianObjective:F4}; {o.Seconds:F1} s"));
    }
}
