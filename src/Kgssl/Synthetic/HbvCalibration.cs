namespace Kgssl.Synthetic;

/// <summary>
/// Per-basin calibration of <see cref="HbvModel"/> against observed streamflow: the classical inverse, used as the
/// reference for what the data can identify when the model structure is known exactly. Differential evolution
/// DE/rand/1/bin (Storn and Price 1997, J. Global Optim. 11, 341-359) over the unit cube of
/// <see cref="HbvParameters.Ranges"/> (log-uniform parameters searched in log space). The objective is the mean of
/// NSE on q and NSE on log(q + 0.01), so that both peaks and recessions count (cf. Oudin et al. 2006).
/// </summary>
public static class HbvCalibration
{
    public sealed record Options(int Population = 40, int Generations = 150, double Mutation = 0.7, double Crossover = 0.9, int Seed = 1);

    public sealed record Result(HbvParameters Parameters, double Objective, int Evaluations);

    /// <summary>The daily series of one basin; streamflow may hold NaN (not scored).</summary>
    public sealed record Series(double[] Precipitation, double[] Temperature, double[] Pet, double[] Streamflow);

    /// <summary>Calibrates on days [scoreFrom, scoreTo) of the series; the model runs from day 0 (earlier days warm it up).</summary>
    public static Result Calibrate(Series s, int scoreFrom, int scoreTo, Options o)
    {
        int dims = HbvParameters.Ranges.Count;
        if (o.Population < 4) throw new ArgumentOutOfRangeException(nameof(o), $"population must be at least 4, got {o.Population}");
        if (scoreFrom < 0 || scoreTo > s.Streamflow.Length || scoreTo - scoreFrom < 30)
            throw new ArgumentOutOfRangeException(nameof(scoreFrom), $"need at least 30 scored days inside the series, got [{scoreFrom}, {scoreTo})");
        var rng = new SeededRandom(o.Seed);
        var pop = LatinHypercube.Sample(o.Population, dims, rng);
        var fit = new double[o.Population];
        for (int i = 0; i < o.Population; i++) fit[i] = Objective(HbvParameters.FromUnit(pop[i]), s, scoreFrom, scoreTo);
        int evaluations = o.Population;
        var trial = new double[dims];
        for (int g = 0; g < o.Generations; g++)
        {
            for (int i = 0; i < o.Population; i++)
            {
                int a, b, c;
                do a = rng.Next(o.Population); while (a == i);
                do b = rng.Next(o.Population); while (b == i || b == a);
                do c = rng.Next(o.Population); while (c == i || c == a || c == b);
                int forced = rng.Next(dims);
                for (int d = 0; d < dims; d++)
                {
                    double v = d == forced || rng.Uniform() < o.Crossover ? pop[a][d] + o.Mutation * (pop[b][d] - pop[c][d]) : pop[i][d];
                    // bounce back into the cube so that the edges are reachable without piling up on them
                    if (v < 0) v = rng.Uniform() * pop[i][d];
                    if (v > 1) v = pop[i][d] + rng.Uniform() * (1 - pop[i][d]);
                    trial[d] = v;
                }
                double f = Objective(HbvParameters.FromUnit(trial), s, scoreFrom, scoreTo);
                evaluations++;
                if (f >= fit[i]) { fit[i] = f; Array.Copy(trial, pop[i], dims); }
            }
        }
        int best = 0;
        for (int i = 1; i < o.Population; i++) if (fit[i] > fit[best]) best = i;
        return new Result(HbvParameters.FromUnit(pop[best]), fit[best], evaluations);
    }

    /// <summary>Mean of NSE(q) and NSE(log(q + 0.01)) over the scored days with an observation.</summary>
    public static double Objective(HbvParameters p, Series s, int scoreFrom, int scoreTo)
    {
        var q = HbvModel.Run(p, s.Precipitation, s.Temperature, s.Pet).Runoff;
        return (Nse(q, s.Streamflow, scoreFrom, scoreTo, false) + Nse(q, s.Streamflow, scoreFrom, scoreTo, true)) / 2;
    }

    /// <summary>
    /// Nash-Sutcliffe efficiency of sim against obs over [from, to), skipping NaN observations; on log(q + 0.01) when
    /// <paramref name="log"/>. The objective's hot path (thousands of calls per basin): no slices, no allocation,
    /// unlike <see cref="Evaluation.Metrics.Nse"/>, which it matches on whole arrays.
    /// </summary>
    public static double Nse(double[] sim, double[] obs, int from, int to, bool log)
    {
        double mean = 0; int n = 0;
        for (int t = from; t < to; t++)
            if (!double.IsNaN(obs[t])) { mean += log ? Math.Log(obs[t] + 0.01) : obs[t]; n++; }
        if (n == 0) return double.NaN;
        mean /= n;
        double num = 0, den = 0;
        for (int t = from; t < to; t++)
        {
            if (double.IsNaN(obs[t])) continue;
            double o = log ? Math.Log(obs[t] + 0.01) : obs[t], m = log ? Math.Log(sim[t] + 0.01) : sim[t];
            num += (m - o) * (m - o);
            den += (o - mean) * (o - mean);
        }
        return den > 0 ? 1 - num / den : double.NaN;
    }
}
