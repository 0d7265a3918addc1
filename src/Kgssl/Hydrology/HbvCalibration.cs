namespace Kgssl.Hydrology;

/// <summary>
/// Per-basin calibration of <see cref="HbvModel"/> against observed streamflow: the classical inverse, used as the
/// reference for what the data can identify when the model structure is known exactly. Differential evolution
/// DE/rand/1/bin (Storn and Price 1997, J. Global Optim. 11, 341-359) over the unit cube of
/// <see cref="HbvParameters.Ranges"/> (log-uniform parameters searched in log space). The objective is the mean of
/// NSE on q and NSE on log(q + 0.01), so that both peaks and recessions count (cf. Oudin et al. 2006). With a
/// <see cref="Prior"/> (a learned inverse's estimate and its spread) the search starts around that estimate and
/// maximizes the objective minus the prior's penalty: a maximum a posteriori estimate, where the data decide the
/// parameters they are sensitive to and the prior keeps the others where the estimate put them.
/// </summary>
public static partial class HbvCalibration
{
    /// <param name="Prior">null: a Latin hypercube over the whole cube and the objective alone.</param>
    /// <param name="FreeStates">Search the storages the series starts with too (<see cref="StateCount"/> more
    /// coordinates after the parameters; <see cref="States"/>): a series cut out of a longer record starts wet or dry,
    /// with a snowpack or groundwater that no spin-up on its own days rebuilds (a slow baseflow recession, K2
    /// 0.001/day, remembers 1000 days). Run the series without a spin-up then.</param>
    /// <param name="Best">DE/best/1/bin (mutations around the best member: converges in fewer runs, for a search that
    /// starts near the answer) instead of DE/rand/1/bin.</param>
    /// <param name="Explore">With a <see cref="Prior"/>: the fraction of the initial population drawn as a Latin
    /// hypercube over the whole cube instead of around the prior, so that a prior centred in the wrong optimum does
    /// not hold the search there (the differences between far and near members make long steps).</param>
    public sealed record Options(int Population = 40, int Generations = 150, double Mutation = 0.7,
        double Crossover = 0.9, int Seed = 1, Prior? Prior = null,
        bool FreeStates = false, bool Best = false, double Explore = 0)
    {
        /// <summary>Initial members drawn over the whole cube rather than around the prior.</summary>
        public int Explorers => Prior is null ? 0 : Math.Min(Population - 1, (int)Math.Round(Explore * Population));

        public int Dimensions => HbvParameters.Ranges.Count + (FreeStates ? StateCount : 0);
    }

    /// <summary>Coordinates of the initial storages: soil moisture, upper box, lower box, snow.</summary>
    public const int StateCount = 4;

    /// <summary>The longest triangular routing of the ranges, in days: not scored after searched storages, whose
    /// routing starts empty.</summary>
    public static readonly int RoutingDays = (int)Math.Ceiling(
        HbvParameters.Ranges.Single(r => r.Name == "MAXBAS").Max);

    /// <summary>The largest initial storages searched (mm): upper box (beyond UZL and a few days of K1), lower box
    /// (mean percolation over the slowest K2 of the ranges), snowpack (a winter's precipitation).</summary>
    public const double MaxUpperBox = 200, MaxLowerBox = 2000, MaxSnow = 1000;

    /// <summary>
    /// The initial storages of the coordinates after the parameters: the soil's fraction of FC as it is, the boxes and
    /// the snow squared (so that small storages get as much of the cube as large ones).
    /// </summary>
    public static HbvStates States(ReadOnlySpan<double> unit) =>
        new(unit[0], MaxUpperBox * unit[1] * unit[1], MaxLowerBox * unit[2] * unit[2], MaxSnow * unit[3] * unit[3]);

    /// <summary>
    /// An independent Gaussian over the unit cube of <see cref="HbvParameters.Ranges"/>: <paramref name="Center"/> and
    /// <paramref name="Sigma"/> per coordinate (the parameters, then the initial storages when they are searched), in
    /// unit-cube coordinates. The search maximizes objective - <paramref name="Weight"/> x mean over the coordinates of
    /// ((u - center) / sigma)^2; the initial population is the center and draws from the Gaussian.
    /// </summary>
    public sealed record Prior(double[] Center, double[] Sigma, double Weight)
    {
        public double Penalty(double[] unit)
        {
            double sum = 0;
            for (int d = 0; d < unit.Length; d++) { double z = (unit[d] - Center[d]) / Sigma[d]; sum += z * z; }
            return Weight * sum / unit.Length;
        }

        /// <summary>Throws a one-line ArgumentException unless the prior has one finite center in [0, 1] and one
        /// positive sigma per parameter.</summary>
        public void Validate(int dims)
        {
            if (Center.Length != dims || Sigma.Length != dims) throw new ArgumentException(
                $"prior: expected {dims} centers and sigmas, got {Center.Length} and {Sigma.Length}");
            for (int d = 0; d < dims; d++)
            {
                string name = d < HbvParameters.Ranges.Count ? HbvParameters.Ranges[d].Name
                    : $"initial storage {d - HbvParameters.Ranges.Count}";
                if (!(Center[d] >= 0 && Center[d] <= 1)) throw new ArgumentException(
                    $"prior: center of {name} must be in [0, 1] (unit cube), got {Center[d]}");
                if (!(Sigma[d] > 0 && double.IsFinite(Sigma[d]))) throw new ArgumentException(
                    $"prior: sigma of {name} must be positive, got {Sigma[d]}");
            }
            if (!(Weight >= 0 && double.IsFinite(Weight))) throw new ArgumentException(
                $"prior: weight must be >= 0, got {Weight}");
        }
    }

    /// <param name="Objective">The objective of <see cref="Parameters"/> on the scored days, without the prior's
    /// penalty.</param>
    /// <param name="Initial">The storages at the series' start: searched with <see cref="Options.FreeStates"/>, else
    /// the model's default (null).</param>
    /// <param name="Final">The final population in the unit cube with each member's objective: where a later search
    /// under another prior goes on from (<see cref="Calibrate(Series, int, int, Options, Population)"/>).</param>
    public sealed record Result(HbvParameters Parameters, double Objective, int Evaluations, HbvStates? Initial = null,
        Population? Final = null)
    {
        /// <summary>The final population's parameters in physical units (its spread: how tightly the search closed
        /// in on each parameter); null without a final population.</summary>
        public IReadOnlyList<double[]>? Members =>
            Final?.Unit.Select(u => HbvParameters.FromUnit(u).ToArray()).ToArray();

        /// <summary>Equal results: the same search outcome, the final population compared value by value.</summary>
        public bool Equals(Result? other)
        {
            if (other is null || Parameters != other.Parameters || !Objective.Equals(other.Objective)
                || Evaluations != other.Evaluations || Initial != other.Initial) return false;
            IReadOnlyList<double[]> mine = Members ?? [], theirs = other.Members ?? [];
            return mine.Count == theirs.Count && mine.Zip(theirs).All(m => m.First.SequenceEqual(m.Second));
        }

        public override int GetHashCode() => HashCode.Combine(Parameters, Objective, Evaluations, Initial);
    }

    /// <summary>Points of the unit cube and their objectives (without a prior's penalty), one per member.</summary>
    public sealed record Population(double[][] Unit, double[] Objective);

    /// <summary>The daily series of one basin; streamflow may hold NaN (not scored).</summary>
    public sealed record Series(double[] Precipitation, double[] Temperature, double[] Pet, double[] Streamflow);

    static void Check(Series s, int scoreFrom, int scoreTo, Options o)
    {
        if (o.Population < 4) throw new ArgumentOutOfRangeException(nameof(o),
            $"population must be at least 4, got {o.Population}");
        if (!(o.Explore >= 0 && o.Explore < 1)) throw new ArgumentOutOfRangeException(nameof(o),
            $"explore must be in [0, 1): the prior's center is always a member, got {o.Explore}");
        if (scoreFrom < 0 || scoreTo > s.Streamflow.Length || scoreTo - scoreFrom < Data.ObservedDays.Minimum)
            throw new ArgumentOutOfRangeException(nameof(scoreFrom),
                $"need at least {Data.ObservedDays.Minimum} scored days inside the series, got " +
                $"[{scoreFrom}, {scoreTo})");
        o.Prior?.Validate(o.Dimensions);
    }

    /// <summary>Calibrates on days [scoreFrom, scoreTo) of the series; the model runs from day 0 (earlier days warm it
    /// up).</summary>
    /// <param name="start">null: a fresh initial population (<see cref="Options.Prior"/>,
    /// <see cref="Options.Explore"/>). Else the search goes on from this population (an earlier search's
    /// <see cref="Result.Final"/>, of <see cref="Options.Population"/> members) under this search's prior, without
    /// running its members again: <see cref="Options.Generations"/> more generations, and only their runs counted.
    /// </param>
    public static Result Calibrate(Series s, int scoreFrom, int scoreTo, Options o, Population? start = null)
    {
        int dims = o.Dimensions;
        Check(s, scoreFrom, scoreTo, o);
        var scorer = new Scorer(s, scoreFrom, scoreTo);
        var rng = new SeededRandom(o.Seed);
        var (pop, data) = start is null ? Initial(scorer, o, rng) : Resumed(start, o);
        // fit: the objective minus the prior's penalty, what selection compares; data: the objective alone
        var fit = new double[o.Population];
        for (int i = 0; i < o.Population; i++) fit[i] = data[i] - (o.Prior?.Penalty(pop[i]) ?? 0);
        int evaluations = start is null ? o.Population : 0;
        var trial = new double[dims];
        int best = 0;
        for (int i = 1; i < o.Population; i++) if (fit[i] > fit[best]) best = i;
        for (int g = 0; g < o.Generations; g++)
        {
            for (int i = 0; i < o.Population; i++)
            {
                int a, b, c;
                if (o.Best && best != i) a = best;
                else do a = rng.Next(o.Population); while (a == i);
                do b = rng.Next(o.Population); while (b == i || b == a);
                do c = rng.Next(o.Population); while (c == i || c == a || c == b);
                int forced = rng.Next(dims);
                for (int d = 0; d < dims; d++)
                {
                    double v = d == forced || rng.Uniform() < o.Crossover
                        ? pop[a][d] + o.Mutation * (pop[b][d] - pop[c][d]) : pop[i][d];
                    // bounce back into the cube so that the edges are reachable without piling up on them
                    if (v < 0) v = rng.Uniform() * pop[i][d];
                    if (v > 1) v = pop[i][d] + rng.Uniform() * (1 - pop[i][d]);
                    trial[d] = v;
                }
                double objective = scorer.Objective(trial, o.FreeStates);
                double f = objective - (o.Prior?.Penalty(trial) ?? 0);
                evaluations++;
                if (f >= fit[i])
                {
                    fit[i] = f; data[i] = objective; Array.Copy(trial, pop[i], dims);
                    if (f > fit[best]) best = i;
                }
            }
        }
        // the first of the best (the running best above may be a later one of equal fitness)
        best = 0;
        for (int i = 1; i < o.Population; i++) if (fit[i] > fit[best]) best = i;
        return new Result(HbvParameters.FromUnit(pop[best]), data[best], evaluations, o.FreeStates
            ? States(pop[best].AsSpan(HbvParameters.Ranges.Count)) : null, new Population(pop, data));
    }

    /// <summary>A fresh population, scored: around the prior (and explorers over the cube), else over the cube.
    /// </summary>
    static (double[][] Pop, double[] Data) Initial(Scorer scorer, Options o, SeededRandom rng)
    {
        int dims = o.Dimensions;
        var pop = o.Prior is { } prior ? AroundPrior(prior, o.Population - o.Explorers, rng)
                .Concat(LatinHypercube.Sample(o.Explorers, dims, rng)).ToArray()
            : LatinHypercube.Sample(o.Population, dims, rng);
        return (pop, pop.Select(u => scorer.Objective(u, o.FreeStates)).ToArray());
    }

    /// <summary>A copy of an earlier search's population and its objectives, checked against the options.</summary>
    static (double[][] Pop, double[] Data) Resumed(Population start, Options o)
    {
        if (start.Unit.Length != o.Population || start.Objective.Length != o.Population
            || start.Unit.Any(u => u.Length != o.Dimensions)) throw new ArgumentException(
            $"start: expected {o.Population} members of {o.Dimensions} coordinates with an objective each, got " +
            $"{start.Unit.Length} members and {start.Objective.Length} objectives", nameof(start));
        return (start.Unit.Select(u => (double[])u.Clone()).ToArray(), (double[])start.Objective.Clone());
    }

    /// <summary>The prior's center, then draws from its Gaussian, folded back into the cube at its faces.</summary>
    static double[][] AroundPrior(Prior prior, int n, SeededRandom rng)
    {
        int dims = prior.Center.Length;
        var points = new double[n][];
        for (int i = 0; i < n; i++)
        {
            points[i] = new double[dims];
            for (int d = 0; d < dims; d++)
            {
                double v = i == 0 ? prior.Center[d] : prior.Center[d] + prior.Sigma[d] * rng.Normal();
                // fold (a sigma larger than the cube could fold more than once), then pin what rounding leaves outside
                v = Math.Abs(v) % 2;
                points[i][d] = Math.Clamp(v > 1 ? 2 - v : v, 0, 1);
            }
        }
        return points;
    }

    /// <summary>
    /// <see cref="HbvCalibration.Objective(HbvParameters, Series, int, int, HbvStates)"/> for many parameter sets on
    /// one series: the observations' logs, means and spreads once, the model run into reused buffers. The same numbers
    /// to the last bit.
    /// </summary>
    sealed class Scorer
    {
        readonly Series _s;
        readonly int _from, _to;
        readonly double[] _logObs, _runoff, _et;
        readonly double _den, _denLog;

        public Scorer(Series s, int from, int to)
        {
            (_s, _from, _to) = (s, from, to);
            int n = s.Precipitation.Length;
            (_runoff, _et, _logObs) = (new double[n], new double[n], new double[n]);
            double mean = 0, meanLog = 0; int count = 0;
            for (int t = from; t < to; t++)
                if (!double.IsNaN(s.Streamflow[t]))
                {
                    _logObs[t] = LogFlow(s.Streamflow[t]);
                    mean += s.Streamflow[t]; meanLog += _logObs[t]; count++;
                }
            if (count == 0) { _den = _denLog = double.NaN; return; }
            mean /= count; meanLog /= count;
            for (int t = from; t < to; t++)
                if (!double.IsNaN(s.Streamflow[t]))
                {
                    _den += (s.Streamflow[t] - mean) * (s.Streamflow[t] - mean);
                    _denLog += (_logObs[t] - meanLog) * (_logObs[t] - meanLog);
                }
        }

        public double Objective(double[] unit, bool freeStates)
        {
            var p = HbvParameters.FromUnit(unit);
            HbvModel.Run(p, _s.Precipitation, _s.Temperature, _s.Pet, freeStates
                ? States(unit.AsSpan(HbvParameters.Ranges.Count)) : HbvStates.Default, _runoff, _et);
            double num = 0, numLog = 0;
            var obs = _s.Streamflow;
            for (int t = _from; t < _to; t++)
            {
                if (double.IsNaN(obs[t])) continue;
                double d = _runoff[t] - obs[t], dl = LogFlow(_runoff[t]) - _logObs[t];
                num += d * d;
                numLog += dl * dl;
            }
            return ((_den > 0 ? 1 - num / _den : double.NaN) + (_denLog > 0 ? 1 - numLog / _denLog : double.NaN)) / 2;
        }
    }

    /// <summary>The offset of <see cref="LogFlow"/> (mm/day): it keeps a dry day finite.</summary>
    public const double LogOffset = 0.01;

    /// <summary>log(q + <see cref="LogOffset"/>) of a flow in mm/day: the scale of the objective's second NSE, of
    /// log NSE and of the flow bands.</summary>
    public static double LogFlow(double q) => Math.Log(q + LogOffset);

    /// <summary>Mean of NSE(q) and NSE(log(q + 0.01)) over the scored days with an observation; from the model's
    /// default storages unless <paramref name="initial"/>.</summary>
    public static double Objective(HbvParameters p, Series s, int scoreFrom, int scoreTo, HbvStates? initial = null)
        => Objective(HbvModel.Run(p, s.Precipitation, s.Temperature, s.Pet, initial ?? HbvStates.Default).Runoff, s,
            scoreFrom, scoreTo);

    /// <summary>The same objective of a run's streamflow <paramref name="q"/> over the series' days.</summary>
    public static double Objective(double[] q, Series s, int scoreFrom, int scoreTo) =>
        (Nse(q, s.Streamflow, scoreFrom, scoreTo, false) + Nse(q, s.Streamflow, scoreFrom, scoreTo, true)) / 2;

    /// <summary>
    /// Nash-Sutcliffe efficiency of sim against obs over [from, to), skipping NaN observations; on log(q + 0.01) when
    /// <paramref name="log"/>. The objective's hot path (thousands of calls per basin): no slices, no allocation,
    /// unlike <see cref="Evaluation.Metrics.Nse"/>, which it matches on whole arrays.
    /// </summary>
    public static double Nse(double[] sim, double[] obs, int from, int to, bool log)
    {
        double mean = 0; int n = 0;
        for (int t = from; t < to; t++)
            if (!double.IsNaN(obs[t])) { mean += log ? LogFlow(obs[t]) : obs[t]; n++; }
        if (n == 0) return double.NaN;
        mean /= n;
        double num = 0, den = 0;
        for (int t = from; t < to; t++)
        {
            if (double.IsNaN(obs[t])) continue;
            double o = log ? LogFlow(obs[t]) : obs[t], m = log ? LogFlow(sim[t]) : sim[t];
            num += (m - o) * (m - o);
            den += (o - mean) * (o - mean);
        }
        return den > 0 ? 1 - num / den : double.NaN;
    }
}
