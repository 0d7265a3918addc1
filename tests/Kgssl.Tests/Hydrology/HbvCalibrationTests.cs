using Kgssl.Hydrology;
using Kgssl.Synthetic;

namespace Kgssl.Tests.Hydrology;

public class HbvCalibrationTests
{
    internal static (HbvCalibration.Series Series, HbvParameters Truth) Basin()
    {
        var truth = new HbvParameters(TT: 0.5, CFMAX: 3.5, FC: 220, LP: 0.6, BETA: 2.5, PERC: 1.2, UZL: 15, K0: 0.25,
            K1: 0.08, K2: 0.01, MAXBAS: 3.2);
        var w = WeatherGenerator.Generate(new Climate(42, 3.0, 0.2, 0.4, 7, 11), new DateOnly(1990, 10, 1), 365 * 5,
            new SeededRandom(5));
        var q = HbvModel.Run(truth, w.Precipitation, w.Temperature, w.Pet).Runoff;
        return (new HbvCalibration.Series(w.Precipitation, w.Temperature, w.Pet, q), truth);
    }

    [Fact]
    public void NseMatchesHandValuesAndSkipsMissingObservations()
    {
        // obs 1,2,3 (mean 2, SS 2), sim 1,2,4: 1 - 1/2 = 0.5; a NaN observation is not scored
        Assert.Equal(0.5, HbvCalibration.Nse([1, 2, 4, 9], [1, 2, 3, double.NaN], 0, 4, false), 12);
        Assert.Equal(1.0, HbvCalibration.Nse([1, 2, 3], [1, 2, 3], 0, 3, true), 12);
        double[] sim = [0.3, 1.9, 2.2, 5, 0.7], obs = [0.5, 2.0, double.NaN, 4, 1.1];
        Assert.Equal(Kgssl.Evaluation.Metrics.Nse(sim, obs), HbvCalibration.Nse(sim, obs, 0, 5, false), 12);
    }

    [Fact]
    public void CalibrationOnNoiseFreeSeriesRecoversTheFlowAndTheBaseflowRecession()
    {
        var (series, truth) = Basin();
        var fit = HbvCalibration.Calibrate(series, 365, series.Streamflow.Length,
            new HbvCalibration.Options(Population: 30, Generations: 80, Seed: 3));
        Assert.Equal(30 + 30 * 80, fit.Evaluations);
        Assert.True(fit.Objective > 0.98, $"objective {fit.Objective}");
        // the slow recession dominates dry spells: the best-identified parameter (see benchmarks/RESULTS.md)
        Assert.InRange(fit.Parameters.K2, truth.K2 / 1.5, truth.K2 * 1.5);
        Assert.InRange(fit.Parameters.MAXBAS, truth.MAXBAS - 0.7, truth.MAXBAS + 0.7);
    }

    [Fact]
    public void TheSameSeedGivesTheSameParameters()
    {
        var (series, _) = Basin();
        var o = new HbvCalibration.Options(Population: 12, Generations: 5, Seed: 9);
        Assert.Equal(HbvCalibration.Calibrate(series, 365, 900, o), HbvCalibration.Calibrate(series, 365, 900, o));
        Assert.Throws<ArgumentOutOfRangeException>(() => HbvCalibration.Calibrate(series, 365, 380, o));
    }

    static double[] UnitOf(HbvParameters p) => p.ToUnit();

    [Fact]
    public void AStrongPriorWithoutGenerationsReturnsItsCenter()
    {
        var (series, truth) = Basin();
        // the head's estimate is off: the center, not the truth, is what a prior this strong returns
        var center = UnitOf(truth with { PERC = 3.0, K1 = 0.02 });
        var prior = new HbvCalibration.Prior(center, Enumerable.Repeat(0.05, center.Length).ToArray(), 1e6);
        var fit = HbvCalibration.Calibrate(series, 365, series.Streamflow.Length,
            new HbvCalibration.Options(Population: 10, Generations: 0, Seed: 2, Prior: prior));
        Assert.Equal(10, fit.Evaluations);
        Assert.Equal(3.0, fit.Parameters.PERC, 9);
        Assert.Equal(0.02, fit.Parameters.K1, 9);
        // the reported objective is the data's alone (no penalty at the center): the series' fit of those parameters
        Assert.Equal(HbvCalibration.Objective(fit.Parameters, series, 365, series.Streamflow.Length), fit.Objective,
            12);
        Assert.Null(fit.Initial);
    }

    [Fact]
    public void ExploringDrawsThatShareOfTheStartOverTheWholeCubeAndKeepsThePriorsCenter()
    {
        var (series, truth) = Basin();
        var center = UnitOf(truth);
        var prior = new HbvCalibration.Prior(center, Enumerable.Repeat(0.01, center.Length).ToArray(), 0.001);
        int Near(double explore)
        {
            // no generations: the final population is the initial one
            var fit = HbvCalibration.Calibrate(series, 365, series.Streamflow.Length, new HbvCalibration.Options(
                Population: 12, Generations: 0, Seed: 6, Prior: prior, Best: true, Explore: explore));
            Assert.All(truth.ToArray().Zip(fit.Members![0]), v => Assert.Equal(v.First, v.Second, 9));
            return fit.Members.Count(m => UnitOf(HbvParameters.FromArray(m)).Zip(center).All(u => Math.Abs(u.First -
                u.Second) < 0.06));
        }
        Assert.Equal(12, Near(0));
        Assert.Equal(9, Near(0.25));
        Assert.Equal(6, Near(0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Near(1));
    }

    [Fact]
    public void ASearchGoesOnFromAnEarlierPopulationUnderAnotherPriorWithoutRunningItAgain()
    {
        var (series, truth) = Basin();
        int from = 365, to = series.Streamflow.Length;
        var center = UnitOf(truth with { PERC = 2.4, K2 = 0.025 });
        var wide = new HbvCalibration.Prior(center, Enumerable.Repeat(0.15, center.Length).ToArray(), 0.001);
        var first = HbvCalibration.Calibrate(series, from, to,
            new HbvCalibration.Options(Population: 12, Generations: 6, Seed: 4, Prior: wide, Best: true));
        Assert.Equal(12 * 7, first.Evaluations);
        Assert.All(first.Final!.Unit.Zip(first.Final.Objective), m => Assert.Equal(
            HbvCalibration.Objective(HbvParameters.FromUnit(m.First), series, from, to), m.Second, 12));
        // no generations: the same members under the new prior, none run again, the best now the prior's choice
        var strong = new HbvCalibration.Prior(first.Final.Unit[5], wide.Sigma, 1e6);
        var held = HbvCalibration.Calibrate(series, from, to,
            new HbvCalibration.Options(Population: 12, Generations: 0, Seed: 8, Prior: strong), first.Final);
        Assert.Equal(0, held.Evaluations);
        Assert.Equal(first.Final.Objective[5], held.Objective, 12);
        Assert.Equal(HbvParameters.FromUnit(first.Final.Unit[5]), held.Parameters);
        // going on under the first prior: only the new generations run, and the best fit never falls back
        var on = HbvCalibration.Calibrate(series, from, to,
            new HbvCalibration.Options(Population: 12, Generations: 10, Seed: 8, Prior: wide, Best: true), first.Final);
        Assert.Equal(12 * 10, on.Evaluations);
        Assert.True(on.Objective >= first.Objective - 0.001, $"{on.Objective} after {first.Objective}");
        Assert.Contains("expected 12 members", Assert.Throws<ArgumentException>(() => HbvCalibration.Calibrate(
            series, from, to, new HbvCalibration.Options(Population: 12, Generations: 1),
            first.Final with { Unit = first.Final.Unit[..11] })).Message);
    }

    [Fact]
    public void AWeakPriorLetsTheDataMoveTheSensitiveParametersBackToTheTruth()
    {
        var (series, truth) = Basin();
        var center = UnitOf(truth with { PERC = 2.4, K2 = 0.025 });
        var prior = new HbvCalibration.Prior(center, Enumerable.Repeat(0.15, center.Length).ToArray(), 0.001);
        var o = new HbvCalibration.Options(Population: 16, Generations: 60, Seed: 4, Prior: prior, Best: true);
        var fit = HbvCalibration.Calibrate(series, 365, series.Streamflow.Length, o);
        Assert.True(fit.Objective > 0.99, $"objective {fit.Objective}");
        Assert.InRange(fit.Parameters.K2, truth.K2 / 1.5, truth.K2 * 1.5);
        Assert.InRange(fit.Parameters.PERC, truth.PERC - 0.5, truth.PERC + 0.5);
        Assert.Equal(fit, HbvCalibration.Calibrate(series, 365, series.Streamflow.Length, o));
    }

    [Fact]
    public void APeriodCutFromALongerRecordIsFittedOnlyWithItsInitialStoragesSearched()
    {
        // slow groundwater (K2 0.002/day) filled over three wet years: the last two years alone start with a full lower
        // box
        var truth = new HbvParameters(TT: 0.5, CFMAX: 3.5, FC: 150, LP: 0.6, BETA: 2, PERC: 2.5, UZL: 15, K0: 0.25,
            K1: 0.08, K2: 0.002, MAXBAS: 2.5);
        var w = WeatherGenerator.Generate(new Climate(42, 4.0, 0.2, 0.4, 9, 11), new DateOnly(1990, 10, 1), 365 * 5,
            new SeededRandom(8));
        var q = HbvModel.Run(truth, w.Precipitation, w.Temperature, w.Pet).Runoff;
        int from = 365 * 3;
        var period = new HbvCalibration.Series(w.Precipitation[from..], w.Temperature[from..], w.Pet[from..],
            q[from..]);
        int n = period.Streamflow.Length, warm = 5;
        // the truth from the default storages misses the baseflow
        double atDefault = HbvCalibration.Objective(truth, period, warm, n);
        var prior = new HbvCalibration.Prior([.. UnitOf(truth),
            .. new double[HbvCalibration.StateCount].Select(_ => 0.5)],
            [.. Enumerable.Repeat(0.02, HbvParameters.Ranges.Count),
                .. Enumerable.Repeat(10.0, HbvCalibration.StateCount)], 0.01);
        var fit = HbvCalibration.Calibrate(period, warm, n, new HbvCalibration.Options(Population: 16, Generations: 40,
            Seed: 5, Prior: prior, FreeStates: true, Best: true));
        Assert.True(atDefault < 0.9, $"the truth from default storages: {atDefault}");
        Assert.True(fit.Objective > 0.99, $"with the storages searched: {fit.Objective}");
        Assert.NotNull(fit.Initial);
        Assert.True(fit.Initial!.LowerBox > 100, $"lower box {fit.Initial.LowerBox} mm");
        Assert.Equal(fit.Objective, HbvCalibration.Objective(fit.Parameters, period, warm, n, fit.Initial), 12);
    }

    [Fact]
    public void APriorOfTheWrongShapeOrOutsideTheCubeIsRefusedByName()
    {
        var (series, _) = Basin();
        var ok = Enumerable.Repeat(0.5, 11).ToArray();
        void Run(HbvCalibration.Prior p, bool states = false) =>
            HbvCalibration.Calibrate(series, 365, 900, new HbvCalibration.Options(Population: 4, Generations: 1,
                Prior: p, FreeStates: states));
        Assert.Contains("expected 15 centers", Assert.Throws<ArgumentException>(
            () => Run(new(ok, ok, 1), states: true)).Message);
        Assert.Contains("center of FC", Assert.Throws<ArgumentException>(
            () => Run(new([.. ok[..2], 1.5, .. ok[3..]], ok, 1))).Message);
        Assert.Contains("sigma of TT", Assert.Throws<ArgumentException>(
            () => Run(new(ok, [0, .. ok[1..]], 1))).Message);
        Assert.Contains("weight", Assert.Throws<ArgumentException>(() => Run(new(ok, ok, double.NaN))).Message);
    }
}

public class CmaesTests
{
    [Fact]
    public void JacobiGivesEigenpairsOfASymmetricMatrix()
    {
        var rng = new SeededRandom(3);
        int n = 6;
        var a = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) a[i, j] = a[j, i] = rng.Normal();
        var v = new double[n, n];
        var values = new double[n];
        Eigen.Symmetric(a, v, values);
        for (int k = 0; k < n; k++)
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int j = 0; j < n; j++) av += a[i, j] * v[j, k];
                Assert.Equal(values[k] * v[i, k], av, 9);
            }
    }

    [Fact]
    public void CmaesFromAnOffEstimateFitsANoiseFreeSeriesWithinItsBudgetAndRepeatsWithItsSeed()
    {
        var (series, truth) = HbvCalibrationTests.Basin();
        var q = series.Streamflow;
        var off = truth with { PERC = 2.4, K2 = 0.025, FC = 300 };
        var center = off.ToUnit();
        var prior = new HbvCalibration.Prior(center, Enumerable.Repeat(0.15, center.Length).ToArray(), 0.001);
        double start = HbvCalibration.Objective(off, series, 365, q.Length);
        var fit = HbvCalibration.Cmaes(series, 365, q.Length, prior, 600, 4);
        Assert.InRange(fit.Evaluations, 600 - 11, 600);
        Assert.True(fit.Objective > 0.99 && fit.Objective > start, $"objective {fit.Objective} from {start}");
        Assert.InRange(fit.Parameters.K2, truth.K2 / 1.5, truth.K2 * 1.5);
        Assert.Equal(fit, HbvCalibration.Cmaes(series, 365, q.Length, prior, 600, 4));
    }
}
