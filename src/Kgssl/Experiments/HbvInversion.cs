using System.Diagnostics;
using System.Globalization;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Hydrology;
using Kgssl.Runs;
using Kgssl.Synthetic;
using Kgssl.Training;

namespace Kgssl.Experiments;

/// <summary>
/// HBV inverted for real basins (`kgssl invert --model hbv`). A perturbed-parameter ensemble of HBV driven by the
/// basins' own forcing teaches the KGSSL inverse (encoder and head) to read HBV parameters off a hydrograph; applied
/// to each basin's observed streamflow of the calibration years it gives the learned parameters, which short
/// differential evolutions with HBV itself on those years then refine (the learned estimate as a Gaussian prior
/// whose spread is the head's error on the ensemble: <see cref="HbvCalibration.Prior"/>): independent searches whose
/// flows are averaged (<see cref="Options.Searches"/>). Beside it the classical
/// answer, HBV calibrated per basin from scratch, twice with different seeds (where the two agree across basins,
/// the data identify the parameter). Every method is scored on test years none of them saw.
/// </summary>
public static partial class HbvInversion
{
    /// <summary>The methods, in the order of every table; the emulator (the inverse's decoder fed the embedding)
    /// simulates flows without HBV parameters.</summary>
    public static readonly string[] Methods = ["learned", "refined", "calibrated", Emulator];

    public const string Emulator = "emulator";

    /// <param name="Root">The observed basins (Caravan or CAMELS-US layout).</param>
    /// <param name="InverseRun">A trained inverse to reuse (a run folder of an earlier invert's <c>inverse/</c>);
    /// null: make the ensemble and train one.</param>
    /// <param name="Members">Ensemble members (parameter sets), each on the forcing of basin i % basins.</param>
    /// <param name="Population">Refinement: DE/best/1 population and generations (population x (generations + 1)
    /// runs of HBV per basin).</param>
    /// <param name="Strategy">Refinement: best (DE/best/1), rand (DE/rand/1) or cmaes (CMA-ES from the learned
    /// estimate, <see cref="HbvCalibration.Cmaes"/>, with the same budget of population x (generations + 1)
    /// runs).</param>
    /// <param name="References">Calibrations from scratch per basin (0: none; 2: two seeds, which also tell which
    /// parameters the data identify).</param>
    public sealed record Options(string Root, string Dataset = "caravan", string Source = "camels",
        string? InverseRun = null, int Members = 12000, int EnsembleYears = 4, double Noise = 0, int Seed = 7,
        int Population = 24, int Generations = 15, double PriorWeight = 0.003, int References = 2,
        int ReferencePopulation = 40, int ReferenceGenerations = 150, int MaxBasins = 0,
        string Strategy = Choices.Refinement.Best)
    {
        public DateOnly CalibrationStart { get; init; } = new(1999, 10, 1);
        public DateOnly CalibrationEnd { get; init; } = new(2008, 9, 30);
        public DateOnly TestStart { get; init; } = new(1989, 10, 1);
        public DateOnly TestEnd { get; init; } = new(1999, 9, 30);

        /// <summary>Refinement (DE): the fraction of its initial population drawn over the whole parameter cube
        /// instead of around the learned estimate (<see cref="HbvCalibration.Options.Explore"/>).</summary>
        public double Explore { get; init; }

        /// <summary>Refinement: the factor on the prior's spread (the head's error on the ensemble), for a learned
        /// estimate that errs more on real hydrographs than on the ensemble's.</summary>
        public double SpreadScale { get; init; } = 3;

        /// <summary>Refinement in two rounds, each of half the generations: the first under the learned prior, the
        /// second going on from the first's population under a regional prior fitted across the basins on the first
        /// round's results (<see cref="RegionalPrior"/>), of this weight; 0, or fewer than
        /// <see cref="RegionalMinimumBasins"/> basins: one round under the learned prior. The same runs per basin
        /// either way. The default was chosen on validation years (benchmarks/RESULTS.md).</summary>
        public double RegionalWeight { get; init; } = 0.005;

        /// <summary>Refinement: independent searches per basin (own seeds, own regional priors), whose flows are
        /// averaged: they end in different, equally fitting sets (benchmarks/RESULTS.md).</summary>
        public int Searches { get; init; } = 3;

        /// <summary>The flow bands' classes of simulated flow (<see cref="FlowBand.Fit"/>).</summary>
        public int BandClasses { get; init; } = FlowBand.DefaultClasses;

        /// <summary>Keep the ensemble's daily series in <c>inverse/data/</c> after training (else removed, as the
        /// inverse's reuse does not read them).</summary>
        public bool KeepEnsemble { get; init; }

        /// <summary>The ensemble's years: the last <see cref="EnsembleYears"/> of the calibration period (a year of
        /// the record before them spins HBV up).</summary>
        public DateOnly EnsembleStart => CalibrationEnd.AddDays(1).AddYears(-EnsembleYears);

        public int SearchRuns => Population * (Generations + 1);
        public int RefinementRuns => Searches * SearchRuns;
        public int ReferenceRuns => ReferencePopulation * (ReferenceGenerations + 1);

        /// <summary>Throws a one-line ArgumentException naming the option.</summary>
        public void Validate()
        {
            HbvForcing.DriversOf(Dataset);
            CheckPeriods(this);
            CheckEnsemble(this);
            CheckRefinement(this);
            if (References is < 0 or > 2) throw new ArgumentException(
                $"--references must be 0, 1 or 2, got {References}");
            if (!(Noise >= 0 && Noise <= 2)) throw new ArgumentException($"--noise must be in 0..2, got {Noise}");
            if (BandClasses is < 1 or > 20) throw new ArgumentException(
                $"--band-classes must be in 1..20, got {BandClasses}");
        }
    }

    /// <summary>The periods' checks of <see cref="Options.Validate"/>.</summary>
    static void CheckPeriods(Options o)
    {
        if (o.CalibrationEnd < o.CalibrationStart) throw new ArgumentException(
            $"--calibration-period: the end {o.CalibrationEnd:yyyy-MM-dd} is before the start " +
            $"{o.CalibrationStart:yyyy-MM-dd}");
        if (o.CalibrationEnd.DayNumber - o.CalibrationStart.DayNumber + 1 < ObservedDays.Minimum)
            throw new ArgumentException($"--calibration-period: at least {ObservedDays.Minimum} days, got " +
                $"{o.CalibrationStart:yyyy-MM-dd}..{o.CalibrationEnd:yyyy-MM-dd}");
        if (o.TestEnd < o.TestStart) throw new ArgumentException(
            $"--test-period: the end {o.TestEnd:yyyy-MM-dd} is before the start {o.TestStart:yyyy-MM-dd}");
        // scores on days a method was fitted on would be read as out-of-sample
        if (o.TestStart <= o.CalibrationEnd && o.CalibrationStart <= o.TestEnd) throw new ArgumentException(
            $"--test-period {o.TestStart:yyyy-MM-dd}:{o.TestEnd:yyyy-MM-dd} overlaps --calibration-period " +
            $"{o.CalibrationStart:yyyy-MM-dd}:{o.CalibrationEnd:yyyy-MM-dd}: the test years must be years no method " +
            "is fitted on");
    }

    /// <summary>The ensemble's options of <see cref="Options.Validate"/>.</summary>
    static void CheckEnsemble(Options o)
    {
        if (o.InverseRun is null && (o.Members < 10 || o.EnsembleYears < 2)) throw new ArgumentException(
            $"--members must be >= 10 and --ensemble-years >= 2, got {o.Members} and {o.EnsembleYears}");
        if (o.InverseRun is null && o.EnsembleStart < o.CalibrationStart) throw new ArgumentException(
            $"--ensemble-years {o.EnsembleYears}: longer than the calibration period");
    }

    /// <summary>The searches' options of <see cref="Options.Validate"/>.</summary>
    static void CheckRefinement(Options o)
    {
        if (o.Population < 4 || o.Generations < 0 || o.ReferencePopulation < 4 || o.ReferenceGenerations < 0)
            throw new ArgumentException("--population and --reference-population must be >= 4, generations >= 0");
        if (!(o.PriorWeight >= 0 && double.IsFinite(o.PriorWeight))) throw new ArgumentException(
            $"--prior-weight must be >= 0, got {o.PriorWeight}");
        if (!(o.SpreadScale > 0 && o.SpreadScale <= 100)) throw new ArgumentException(
            $"--prior-spread must be in (0, 100], got {o.SpreadScale}");
        if (!(o.Explore >= 0 && o.Explore < 1)) throw new ArgumentException(
            $"--explore must be in [0, 1), got {o.Explore}");
        if (o.Searches is < 1 or > 10) throw new ArgumentException($"--searches must be in 1..10, got {o.Searches}");
        if (!(o.RegionalWeight >= 0 && double.IsFinite(o.RegionalWeight))) throw new ArgumentException(
            $"--regional-prior must be >= 0, got {o.RegionalWeight}");
        if (o.Explore > 0 && o.Strategy == Choices.Refinement.Cmaes) throw new ArgumentException(
            "--explore: only for the DE strategies (best, rand); CMA-ES starts from the learned estimate");
        if (o.RegionalWeight > 0 && (o.Strategy == Choices.Refinement.Cmaes || o.Generations < 2))
            throw new ArgumentException("--regional-prior: only for the DE strategies (best, rand), with at " +
                "least 2 generations (a round each); add --regional-prior 0 for one round under the learned prior");
        if (!Choices.Refinement.All.Contains(o.Strategy)) throw new ArgumentException(
            $"--strategy: expected {string.Join(", ", Choices.Refinement.All)}, got '{o.Strategy}'");
    }

    /// <summary>One basin's parameters (on the inverse's column scales) by one method, their sd (learned: the
    /// inverse's error on its ensemble; refined and calibrated: <see cref="Evaluation.HbvUncertainty"/>), its fit on
    /// the calibration years, its simulated test-year flows (mm/day) and their scores, and what it cost.</summary>
    public sealed record Estimate(double[] Values, double[] Spread, double CalibrationObjective, double[] TestFlow,
        double Nse, double Kge, double LogNse, int Runs)
    {
        /// <summary>The 90 % band of the flows from these parameters' errors on the calibration years
        /// (<see cref="FlowBand"/>); null for the emulator, or with too few observed days.</summary>
        public FlowBand? Band { get; init; }

        /// <summary>The band's bounds around <see cref="TestFlow"/> (mm/day); empty without a band.</summary>
        public double[] TestLow { get; init; } = [];

        /// <inheritdoc cref="TestLow"/>
        public double[] TestHigh { get; init; } = [];

        /// <summary>The share of the observed test days inside the band (0.9 if it were exact); NaN without one.
        /// </summary>
        public double Coverage { get; init; } = double.NaN;

        /// <summary>The parameter sets whose flows these are: one (its values and sd are <see cref="Values"/> and
        /// <see cref="Spread"/>), or the refinement's searches, whose flows are averaged
        /// (<see cref="Options.Searches"/>; <see cref="Values"/> is then their mean, <see cref="Spread"/> the sd of
        /// their mixture); none for the emulator, which has no HBV parameters.</summary>
        public IReadOnlyList<ParameterSet> Sets { get; init; } = [];
    }

    /// <summary>One HBV parameter set of an <see cref="Estimate"/>: values and sd on the columns' scales, and HBV's
    /// storages at the end of the calibration years with it (from a year of spin-up before them, as it was fitted),
    /// where a simulation after the calibration years starts.</summary>
    public sealed record ParameterSet(double[] Values, double[] Spread, HbvStorages End);

    /// <param name="SecondReference">The second calibration from scratch's parameters on the columns' scales (two
    /// seeds: <see cref="Options.References"/>); null without.</param>
    public sealed record BasinResult(string Id, Dictionary<string, Estimate> ByMethod, double[]? SecondReference)
    {
        /// <summary>The second calibration's test NSE: how far the same method lands from itself with another seed
        /// (<see cref="CalibratedAgain"/>); NaN without it.</summary>
        public double SecondReferenceNse { get; init; } = double.NaN;
    }

    /// <summary>The row of <c>inversion_comparison.csv</c> for calibration from scratch with another seed against
    /// itself: the difference between two methods that chance alone makes.</summary>
    public const string CalibratedAgain = "calibrated_again";

    /// <param name="Seconds">Wall time per phase: ensemble and training of the inverse, learned (reading the
    /// basins' flows), refined, calibrated.</param>
    /// <param name="Regional">The refinement's regional prior (<see cref="Options.RegionalWeight"/>); null
    /// without.</param>
    public sealed record Outcome(IReadOnlyList<BasinResult> Basins, IReadOnlyList<HbvColumns.Column> Columns,
        IReadOnlyList<(string Id, string Reason)> Dropped, Dictionary<string, double> Seconds, string InverseRun,
        RegionalPrior? Regional = null)
    {
        /// <summary>Per basin, its true HBV parameters (physical units, range order), where the root's attributes hold
        /// all of them (a synthetic ensemble); empty otherwise.</summary>
        public IReadOnlyDictionary<string, double[]> Truth { get; init; } = new Dictionary<string, double[]>();
    }

    public static Outcome Run(RunDirectory run, Options o, IRunReporter reporter)
    {
        o.Validate();
        var seconds = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        var (observed, dropped, truth) = LoadObserved(o, reporter);
        string inverse = o.InverseRun ?? TrainInverse(run, observed, o, reporter);
        seconds["inverse"] = o.InverseRun is null ? clock.Elapsed.TotalSeconds : 0;
        clock.Restart();
        var learned = Learn(inverse, observed, o, reporter);
        foreach (var (id, reason) in learned.Dropped) dropped.Add((id, reason));
        seconds["learned"] = clock.Elapsed.TotalSeconds;
        var basins = learned.Predicted.Keys.OrderBy(id => id, StringComparer.Ordinal).ToList();
        if (o.MaxBasins > 0 && basins.Count > o.MaxBasins) basins = basins.Take(o.MaxBasins).ToList();
        if (basins.Count == 0) throw new InvalidDataException(
            $"{o.Root}: no basin can be inverted ({dropped.Count} dropped; see the log)");
        var (results, regional) = Solve(observed, basins, learned, o, seconds, reporter);
        var outcome = new Outcome(results, learned.Columns, dropped, seconds, inverse, regional) { Truth = truth };
        InversionFiles.Write(run, outcome, observed, o);
        run.Log($"invert: {results.Count} basins, {dropped.Count} dropped; " + string.Join(", ",
            seconds.Select(kv => $"{kv.Key} {kv.Value:F1} s")));
        return outcome;
    }

    /// <summary>The observed basins in HBV's layout, those that cannot be run over both periods named and left
    /// out.</summary>
    static (HydroDataset Data, List<(string, string)> Dropped, Dictionary<string, double[]> Truth) LoadObserved(
        Options o, IRunReporter reporter)
    {
        var raw = HbvForcing.Read(o.Root, o.Dataset, o.Source, HbvParameters.Ranges.Select(r => r.Name).ToList(),
            new Progress<double>(f => reporter.Progress("read basins", f)));
        var dropped = new List<(string, string)>();
        var kept = new List<BasinData>();
        foreach (var b in raw.Basins)
        {
            string? why = HbvForcing.LatitudeGap(b)
                ?? (HbvForcing.Gap(b, o.CalibrationStart, o.CalibrationEnd) is { } g ? $"calibration period: {g}"
                : HbvForcing.Gap(b, o.TestStart, o.TestEnd) is { } h ? $"test period: {h}"
                : HbvForcing.ObservedDays(b, o.CalibrationStart, o.CalibrationEnd) < ObservedDays.Minimum
                    ? $"fewer than {ObservedDays.Minimum} observed streamflow days in the calibration period"
                : HbvForcing.ObservedDays(b, o.TestStart, o.TestEnd) < ObservedDays.Minimum
                    ? $"fewer than {ObservedDays.Minimum} observed streamflow days in the test period"
                : !HbvForcing.Varies(b, o.CalibrationStart, o.CalibrationEnd)
                    ? "streamflow is constant over the calibration period: no NSE to fit"
                : !HbvForcing.Varies(b, o.TestStart, o.TestEnd)
                    ? "streamflow is constant over the test period: no NSE to score" : null);
            if (why is null) kept.Add(b); else dropped.Add((b.Id, why));
        }
        foreach (var id in raw.BasinsWithoutData) dropped.Add((id, "no time series"));
        if (kept.Count == 0) throw new InvalidDataException(
            $"{o.Root}: none of {raw.Basins.Count} basins covers both the calibration and the test period" +
            (dropped.Count > 0 ? $" (first: {dropped[0].Item1}: {dropped[0].Item2})" : "") + RecordSpan(raw.Basins));
        reporter.Info($"observed basins: {kept.Count} of {raw.Basins.Count} cover both periods");
        // only the Caravan reader was asked for the parameters as characteristics
        var truth = o.Dataset == "caravan"
            ? kept.Where(b => b.Characteristics.All(double.IsFinite)).ToDictionary(b => b.Id, b => b.Characteristics)
            : [];
        return (HbvForcing.Convert(raw with { Basins = kept }, []), dropped, truth);
    }

    /// <summary>Where the records lie, for a user whose years are not the default periods': "; the records span
    /// START:END: choose --calibration-period and --test-period inside them", or empty without records.</summary>
    static string RecordSpan(IReadOnlyList<BasinData> basins)
    {
        var spans = basins.Where(b => b.Days > 0).ToList();
        if (spans.Count == 0) return "";
        var (first, last) = (spans.Min(b => b.Dates[0]), spans.Max(b => b.Dates[^1]));
        return $"; the records span {first:yyyy-MM-dd}:{last:yyyy-MM-dd}: choose --calibration-period and " +
            "--test-period inside them";
    }

    /// <summary>The ensemble on the basins' forcing and the inverse trained on it, in <c>inverse/</c> of the run;
    /// returns that folder.</summary>
    static string TrainInverse(RunDirectory run, HydroDataset observed, Options o, IRunReporter reporter)
    {
        var forcing = observed with
        {
            Basins = observed.Basins.Where(b => HbvForcing.Gap(b, o.EnsembleStart.AddYears(-1), o.CalibrationEnd)
                is null).ToList(),
        };
        if (forcing.Basins.Count == 0) throw new InvalidDataException(
            $"{o.Root}: no basin has forcing over {o.EnsembleStart.AddYears(-1):yyyy-MM-dd}.." +
            $"{o.CalibrationEnd:yyyy-MM-dd} (the ensemble's years and a spin-up year)");
        var inverse = RunDirectory.Create("inverse", run.File("inverse"));
        string dataRoot = inverse.File("data");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(dataRoot, o.Members, o.EnsembleYears, o.Seed,
            o.Noise, Start: o.EnsembleStart, Forcing: forcing),
            new Progress<double>(f => reporter.Progress("ensemble", f)));
        reporter.Info($"ensemble: {o.Members} HBV parameter sets on the forcing of {forcing.Basins.Count} basins, " +
            $"{o.EnsembleStart:yyyy-MM-dd}..{o.CalibrationEnd:yyyy-MM-dd}");
        var trainEnd = o.EnsembleStart.AddYears(o.EnsembleYears - o.EnsembleYears / 2).AddDays(-1);
        static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var config = DemoPipeline.Build(dataRoot, new DemoPipeline.Options(o.Members, o.EnsembleYears, o.Seed, o.Noise),
            Iso(o.EnsembleStart), Iso(trainEnd), Iso(trainEnd.AddDays(1)), Iso(o.CalibrationEnd));
        inverse.Begin(config, "invert (the learned inverse on an HBV ensemble)");
        inverse.Tracked(() =>
        {
            var prepared = Workflow.Prepare(inverse, config, reporter, useCache: false);
            Workflow.Train(inverse, prepared, resume: false, reporter);
            return Workflow.Evaluate(inverse, prepared, "test", reporter);
        });
        if (!o.KeepEnsemble) DropEnsembleSeries(inverse, dataRoot, o);
        return inverse.Path;
    }

    /// <summary>The ensemble's daily series (most of a run's size: 0.6 GB for the default 12 000 members) once the
    /// inverse is trained and evaluated: reusing the inverse reads only its checkpoint, normalizer and predictions.
    /// The members' parameters and the manifest stay, and the series come back from the same options and seed.
    /// </summary>
    static void DropEnsembleSeries(RunDirectory inverse, string dataRoot, Options o)
    {
        string series = Path.Combine(dataRoot, "timeseries");
        if (!Directory.Exists(series)) return;
        long bytes = new DirectoryInfo(series).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Directory.Delete(series, recursive: true);
        inverse.Log($"the ensemble's series removed after training ({bytes / 1e6:F0} MB): --keep-ensemble keeps " +
            $"them; the same options (--members {o.Members}, --ensemble-years {o.EnsembleYears}, --seed {o.Seed}) " +
            "make them again");
    }

    /// <param name="Predicted">Per basin: the head's characteristics on their own scales (the run's characteristic
    /// order, as <see cref="HbvColumns.ToParameters"/> reads them).</param>
    /// <param name="SigmaUnit">The prior's spread per column in the unit cube (the head's RMSE on the ensemble's
    /// training members).</param>
    /// <param name="Sigma">The same on the columns' scales.</param>
    sealed record Learned(Dictionary<string, double[]> Predicted, IReadOnlyList<HbvColumns.Column> Columns,
        double[] SigmaUnit, double[] Sigma, List<(string, string)> Dropped, Dictionary<string, double[]> Emulated);

    /// <summary>The trained inverse applied to each basin's observed calibration years: the mean over its windows
    /// of the head's estimate, back on the characteristics' scales.</summary>
    static Learned Learn(string inverseDir, HydroDataset observed, Options o, IRunReporter reporter)
    {
        var run = RunDirectory.Open(inverseDir);
        var cfg = run.ReadConfig();
        var names = cfg.Data.Characteristics;
        var data = observed with
        {
            CharacteristicNames = names,
            Basins = observed.Basins.Select(b => b with
                { Characteristics = Enumerable.Repeat(double.NaN, names.Count).ToArray() }).ToList(),
        };
        var columns = HbvColumns.AllParameters(names, n => new InvalidDataException(
            $"{inverseDir}: the inverse does not estimate HBV's {n}; is it an invert run's inverse/?"));
        string path = run.File(RunFiles.Predictions);
        if (!File.Exists(path)) throw new FileNotFoundException(
            $"{path}: not found; the inverse was not evaluated (an unfinished invert?)");
        var train = LearnedRefinement.ReadPredictions(path, columns.Select(c => c.Name).ToList())
            .Where(r => r.BasinSet == "train").ToList();
        var (sigmaUnit, sigma) = LearnedRefinement.PriorSpread(columns, train);
        using var trained = TrainedRun.Open(run, cfg with { Data = cfg.Data with { Root = observed.Root } }, data);
        reporter.Progress("learned inverse", 0.1);
        var embeddings = Embedder.Embed(trained.Model, trained.Prepared.Store, data.Basins.Select(b => b.Id),
            o.CalibrationStart, o.CalibrationEnd, cfg.Data.WindowDays, cfg.Data.Stride, trained.Device, 0.5);
        reporter.Progress("learned inverse", 1);
        var norm = trained.Prepared.Normalizer;
        var emulated = Emulate(trained, embeddings, o);
        var predicted = new Dictionary<string, double[]>();
        var dropped = new List<(string, string)>();
        foreach (var e in embeddings)
        {
            if (e.PredictedZ.Length == 0) { dropped.Add((e.Id, $"no learned estimate: {e.Note}")); continue; }
            predicted[e.Id] = e.PredictedZ.Select((z, k) => norm.DenormalizeCharacteristic(k, z)).ToArray();
        }
        return new Learned(predicted, columns, sigmaUnit, sigma, dropped, emulated);
    }

    /// <summary>The test years' flows (mm/day) by the inverse's decoder conditioned on each basin's embedding, with
    /// the days before the test years as spin-up where the record has them; none without an emulating
    /// decoder.</summary>
    static Dictionary<string, double[]> Emulate(TrainedRun trained, IReadOnlyList<BasinEmbedding> embeddings,
        Options o)
    {
        if (trained.Model.Emulator is not { } decoder) return [];
        var p = trained.Prepared;
        var jobs = HydrographScorer.Jobs(p.Store, embeddings.Where(e => e.Windows > 0).Select(e => (e.Id, e.Mean)),
            o.TestStart, o.TestEnd, p.Config.Evaluation.EmulatorSpinupDays);
        return HydrographScorer.Run(p.Store, p.Normalizer, decoder.forward, jobs, trained.Device)
            .ToDictionary(s => s.Job.Id, s => s.Sim);
    }
}
