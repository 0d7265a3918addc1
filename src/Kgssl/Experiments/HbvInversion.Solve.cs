using System.Diagnostics;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Hydrology;
using Kgssl.Runs;

namespace Kgssl.Experiments;

/// <summary>The per-basin work of <see cref="HbvInversion"/>: refinement, calibration from scratch, scoring.</summary>
public static partial class HbvInversion
{
    /// <summary>One basin's series: the calibration years laid out as the calibration reads them (their first year
    /// once as spin-up), and the test years likewise, with their observed streamflow.</summary>
    sealed record Problem(HbvCalibration.Series Series, int From, int To, HbvRecord Test, double[] TestObserved,
        int BandClasses)
    {
        static readonly int[] Driver = [0, 1, 2];

        public static Problem Of(BasinData b, Options o)
        {
            var (cf, ct) = b.PeriodRange(o.CalibrationStart, o.CalibrationEnd);
            var (series, from, to) = HbvRecord.OfPeriod(b, 3, Driver, cf, ct).CalibrationSeries(b, cf, ct, false);
            var (tf, tt) = b.PeriodRange(o.TestStart, o.TestEnd);
            var observed = new double[tt - tf];
            for (int t = 0; t < observed.Length; t++) observed[t] = b.Response[tf + t];
            return new Problem(series, from, to, HbvRecord.OfPeriod(b, 3, Driver, tf, tt), observed, o.BandClasses);
        }

        /// <summary>Streamflow on the test days (mm/day).</summary>
        public double[] SimulateTest(HbvParameters p) => Test.Simulate(p)[Test.SpinUp..];
    }

    static (List<BasinResult> Basins, RegionalPrior? Regional) Solve(HydroDataset observed, List<string> ids,
        Learned learned, Options o, Dictionary<string, double> seconds, IRunReporter reporter)
    {
        int n = ids.Count;
        var problems = ids.Select(id => Problem.Of(observed.Basin(id), o)).ToArray();
        var columns = learned.Columns;
        var byMethod = Enumerable.Range(0, n).Select(_ => new Dictionary<string, Estimate>()).ToArray();
        var second = new double[]?[n];
        var secondNse = Enumerable.Repeat(double.NaN, n).ToArray();
        var clock = Stopwatch.StartNew();
        Phase("score learned", n, reporter, i =>
        {
            var physical = HbvColumns.ToParameters(columns, learned.Predicted[ids[i]])
                ?? throw new InvalidDataException($"{ids[i]}: the inverse's estimate is not finite");
            var p = problems[i];
            byMethod[i]["learned"] = Score(p, [(physical, learned.Sigma)], columns, objective: null, 0);
            if (learned.Emulated.TryGetValue(ids[i], out var sim))
                byMethod[i][Emulator] = ScoreFlows(sim, p.TestObserved, [], [], double.NaN, 0);
        });
        seconds["learned"] += clock.Elapsed.TotalSeconds;
        clock.Restart();
        var centers = ids.Select(id => columns.Select(c => LearnedRefinement.Unit(c,
            HbvParameters.Ranges[c.Parameter], learned.Predicted[id][c.Index])).ToArray()).ToArray();
        var (fits, regional) = Refine(problems, centers, learned.SigmaUnit, o, reporter);
        Phase("score refined", n, reporter, i => byMethod[i]["refined"] = Scored(problems[i], fits[i], columns));
        seconds["refined"] = clock.Elapsed.TotalSeconds;
        clock.Restart();
        if (o.References > 0) Phase("calibrate from scratch", n, reporter, i =>
            byMethod[i]["calibrated"] = Scored(problems[i], Reference(problems[i], o, o.Seed + i), columns));
        seconds["calibrated"] = clock.Elapsed.TotalSeconds;
        if (o.References > 1) Phase("calibrate again (another seed)", n, reporter, i =>
        {
            var fit = Reference(problems[i], o, o.Seed + 100_003 + i).Parameters;
            var p = fit.ToArray();
            second[i] = columns.Select(c => c.ToScale(p[c.Parameter])).ToArray();
            secondNse[i] = Metrics.Nse(problems[i].SimulateTest(fit), problems[i].TestObserved);
        });
        return (ids.Select((id, i) => new BasinResult(id, byMethod[i], second[i])
            { SecondReferenceNse = secondNse[i] }).ToList(), regional);
    }

    /// <summary>Every basin's refinement: <see cref="Options.Searches"/> independent searches, each in one round
    /// under the learned prior or in two (<see cref="Options.RegionalWeight"/>), the second under a regional prior
    /// fitted on the search's own first round. Returns per basin its searches' results, and the first search's
    /// regional prior.</summary>
    /// <param name="centers">Per basin, the learned estimate in the unit cube.</param>
    static (HbvCalibration.Result[][] Fits, RegionalPrior? Regional) Refine(Problem[] problems, double[][] centers,
        double[] sigmaUnit, Options o, IRunReporter reporter)
    {
        int n = problems.Length;
        bool regionally = o.RegionalWeight > 0 && n >= RegionalMinimumBasins;
        if (o.RegionalWeight > 0 && !regionally) reporter.Info($"regional prior: {n} basins, fewer than the " +
            $"{RegionalMinimumBasins} it is fitted on; refined in one round under the learned prior");
        var fits = Enumerable.Range(0, n).Select(_ => new HbvCalibration.Result[o.Searches]).ToArray();
        RegionalPrior? first = null;
        for (int search = 0; search < o.Searches; search++)
        {
            string of = o.Searches > 1 ? $" (search {search + 1} of {o.Searches})" : "";
            var (results, regional) = RefineOnce(problems, centers, sigmaUnit, o, regionally, search, of, reporter);
            for (int i = 0; i < n; i++) fits[i][search] = results[i];
            first ??= regional;
        }
        return (fits, first);
    }

    /// <summary>One search per basin (<see cref="Refine"/>); its seeds are the first search's shifted by
    /// <see cref="SearchSeedStep"/> per search.</summary>
    static (HbvCalibration.Result[] Fits, RegionalPrior? Regional) RefineOnce(Problem[] problems, double[][] centers,
        double[] sigmaUnit, Options o, bool regionally, int search, string of, IRunReporter reporter)
    {
        int n = problems.Length, seed = o.Seed + search * SearchSeedStep;
        var sigma = sigmaUnit.Select(v => v * o.SpreadScale).ToArray();
        int first = regionally ? o.Generations / 2 : o.Generations;
        var fits = new HbvCalibration.Result[n];
        Phase("refine" + of, n, reporter, i =>
        {
            var prior = new HbvCalibration.Prior(centers[i], sigma, o.PriorWeight);
            var p = problems[i];
            fits[i] = o.Strategy == Choices.Refinement.Cmaes
                ? HbvCalibration.Cmaes(p.Series, p.From, p.To, prior, o.SearchRuns, seed + i)
                : HbvCalibration.Calibrate(p.Series, p.From, p.To, Search(o, first, prior, seed + i));
        });
        if (!regionally) return (fits, null);
        var regional = RegionalPrior.Fit(centers, fits.Select(f => f.Parameters.ToUnit()).ToArray(), o.RegionalWeight);
        Phase("refine under the regional prior" + of, n, reporter, i =>
        {
            var p = problems[i];
            var next = HbvCalibration.Calibrate(p.Series, p.From, p.To, Search(o, o.Generations - first,
                regional.For(centers[i]), seed + 300_007 + i), fits[i].Final);
            fits[i] = next with { Evaluations = fits[i].Evaluations + next.Evaluations };
        });
        return (fits, regional);
    }

    /// <summary>How far apart the seeds of two searches of one basin are: more than any basin's offset, so that no
    /// two searches of a run share a seed.</summary>
    const int SearchSeedStep = 1_000_003;

    static HbvCalibration.Options Search(Options o, int generations, HbvCalibration.Prior prior, int seed) =>
        new(o.Population, generations, Seed: seed, Prior: prior, Best: o.Strategy == Choices.Refinement.Best,
            Explore: o.Explore);

    static HbvCalibration.Result Reference(Problem p, Options o, int seed) =>
        HbvCalibration.Calibrate(p.Series, p.From, p.To,
            new HbvCalibration.Options(o.ReferencePopulation, o.ReferenceGenerations, Seed: seed));

    static void Phase(string name, int n, IRunReporter reporter, Action<int> body)
    {
        int done = 0;
        Parallelism.For(n, i =>
        {
            body(i);
            reporter.Progress(name, Interlocked.Increment(ref done) / (double)n);
        });
    }

    /// <summary>The searches' best parameters, scored together (their flows averaged), each with its linearized
    /// posterior sd per column (<see cref="HbvUncertainty"/>).</summary>
    static Estimate Scored(Problem p, HbvCalibration.Result[] fits, IReadOnlyList<HbvColumns.Column> columns)
    {
        var sets = fits.Select(fit =>
        {
            var unit = fit.Parameters.ToUnit();
            var sd = HbvUncertainty.UnitSd(fit.Parameters, p.Series, p.From, p.To);
            return (fit.Parameters, columns.Select(c => HbvUncertainty.OnScale(c, unit[c.Parameter], sd[c.Parameter]))
                .ToArray());
        }).ToList();
        // one search's objective is the one its best parameters score on the calibration years: no run again
        return Score(p, sets, columns, fits.Length == 1 ? fits[0].Objective : null, fits.Sum(f => f.Evaluations));
    }

    /// <inheritdoc cref="Scored(Problem, HbvCalibration.Result[], IReadOnlyList{HbvColumns.Column})"/>
    static Estimate Scored(Problem p, HbvCalibration.Result fit, IReadOnlyList<HbvColumns.Column> columns) =>
        Scored(p, [fit], columns);

    /// <summary>One or more parameter sets of a basin scored: each run over the calibration years (its storages at
    /// their end) and the test years; the flows are the sets' mean, its band fitted on the mean's errors on the
    /// calibration years.</summary>
    /// <param name="objective">The flows' objective on the calibration years; null: from the runs over them.</param>
    static Estimate Score(Problem p, IReadOnlyList<(HbvParameters Parameters, double[] Spread)> sets,
        IReadOnlyList<HbvColumns.Column> columns, double? objective, int runs)
    {
        var s = p.Series;
        double[] calibration = new double[s.Precipitation.Length], test = new double[p.TestObserved.Length];
        var made = new List<ParameterSet>(sets.Count);
        foreach (var (parameters, spread) in sets)
        {
            var run = HbvModel.Run(parameters, s.Precipitation, s.Temperature, s.Pet, HbvStates.Default);
            HbvSimulation.AddShare(calibration, run.Runoff, sets.Count);
            HbvSimulation.AddShare(test, p.SimulateTest(parameters), sets.Count);
            var physical = parameters.ToArray();
            made.Add(new ParameterSet(columns.Select(c => c.ToScale(physical[c.Parameter])).ToArray(), spread,
                run.End));
        }
        var band = FlowBand.Fit(calibration[p.From..p.To], s.Streamflow[p.From..p.To], p.BandClasses);
        var (low, high, coverage) = band?.Cover(test, p.TestObserved) ?? ([], [], double.NaN);
        var (values, sd) = Mixture(made);
        return ScoreFlows(test, p.TestObserved, values, sd,
            objective ?? HbvCalibration.Objective(calibration, s, p.From, p.To), runs) with
        {
            Sets = made,
            Band = band,
            TestLow = low,
            TestHigh = high,
            Coverage = coverage,
        };
    }

    /// <summary>The sets' mean and the sd of their equal mixture (within-set variance plus the spread between the
    /// sets), per column; one set: its own values and sd.</summary>
    static (double[] Values, double[] Spread) Mixture(IReadOnlyList<ParameterSet> sets)
    {
        if (sets.Count == 1) return (sets[0].Values, sets[0].Spread);
        int columns = sets[0].Values.Length;
        var values = new double[columns];
        var spread = new double[columns];
        for (int k = 0; k < columns; k++)
        {
            double mean = sets.Average(x => x.Values[k]);
            values[k] = mean;
            spread[k] = Math.Sqrt(sets.Average(x => x.Spread[k] * x.Spread[k] + (x.Values[k] - mean) *
                (x.Values[k] - mean)));
        }
        return (values, spread);
    }

    static Estimate ScoreFlows(double[] sim, double[] obs, double[] values, double[] spread, double objective,
        int runs) =>
        new(values, spread, objective, sim, Metrics.Nse(sim, obs), Metrics.Kge(sim, obs), Metrics.LogNse(sim, obs),
            runs);
}
