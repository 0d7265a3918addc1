namespace Kgssl.Evaluation;

/// <summary>
/// Classic hydro-climatic signatures of a basin's series over a period (Addor et al. 2018 style; Sawicz et al.
/// 2011): climate from precipitation, temperature and PET, flow statistics, runoff ratio, baseflow index,
/// flow-duration-curve slope, autocorrelations of log flow. NaN where a driver is absent or data are missing.
/// </summary>
public static class Signatures
{
    public static readonly string[] Names =
    [
        "p_mean", "p_std", "p_q95", "p_high_freq", "p_high_dur", "p_low_freq", "p_low_dur", "p_seasonality",
        "t_mean", "t_std", "snow_frac", "pet_mean", "aridity",
        "q_mean", "q_std", "q_05", "q_50", "q_95", "runoff_ratio", "baseflow_index", "fdc_slope",
        "q_high_freq", "q_low_freq", "q_zero_frac", "q_seasonality", "logq_std", "logq_ac1", "logq_ac7", "logq_ac30",
    ];

    /// <summary>Signatures from daily P, T, PET (any may be null) and Q (NaN = missing) with their dates.</summary>
    public static double[] Compute(DateOnly[] dates, double[]? p, double[]? t, double[]? pet, double[] q)
    {
        var s = new List<double>(Names.Length);
        // precipitation
        if (p is not null)
        {
            double pm = p.Average();
            s.Add(pm); s.Add(Std(p)); s.Add(Quantile(p, 0.95));
            var high = p.Select(v => v >= 5 * pm).ToArray();
            var low = p.Select(v => v < 1).ToArray();
            s.Add(high.Count(x => x) * 365.25 / p.Length); s.Add(MeanRun(high));
            s.Add(low.Count(x => x) * 365.25 / p.Length); s.Add(MeanRun(low));
            s.Add(HalfYearContrast(dates, p));
        }
        else s.AddRange(Enumerable.Repeat(double.NaN, 8));
        // temperature and PET
        if (t is not null)
        {
            s.Add(t.Average()); s.Add(Std(t));
            s.Add(p is null ? double.NaN : Enumerable.Range(0, p.Length).Where(i => t[i] < 0)
                .Sum(i => p[i]) / Math.Max(p.Sum(), 1e-9));
        }
        else s.AddRange(Enumerable.Repeat(double.NaN, 3));
        if (pet is not null) { double e = pet.Average(); s.Add(e);
            s.Add(p is null ? double.NaN : e / Math.Max(p.Average(), 1e-9)); }
        else s.AddRange(Enumerable.Repeat(double.NaN, 2));

        // streamflow (observed days only)
        var obs = Enumerable.Range(0, q.Length).Where(i => double.IsFinite(q[i])).ToArray();
        if (obs.Length < Data.ObservedDays.Minimum) { s.AddRange(
            Enumerable.Repeat(double.NaN, Names.Length - s.Count)); return s.ToArray(); }
        var qv = obs.Select(i => q[i]).ToArray();
        double qm = qv.Average(), qmed = Quantile(qv, 0.5);
        s.Add(qm); s.Add(Std(qv)); s.Add(Quantile(qv, 0.05)); s.Add(qmed); s.Add(Quantile(qv, 0.95));
        s.Add(p is null ? double.NaN : qm / Math.Max(obs.Average(i => p[i]), 1e-9));
        s.Add(BaseflowIndex(q));
        double q33 = Quantile(qv, 0.67), q66 = Quantile(qv, 0.34); // exceedance 33 % and 66 %
        s.Add((Math.Log(q33 + 1e-3) - Math.Log(q66 + 1e-3)) / 0.33);
        s.Add(qv.Count(v => v > 9 * qmed) * 365.25 / qv.Length);
        s.Add(qv.Count(v => v <= 0.2 * qm) * 365.25 / qv.Length);
        s.Add(qv.Count(v => v <= 0) / (double)qv.Length);
        s.Add(HalfYearContrast(obs.Select(i => dates[i]).ToArray(), qv));
        var lq = q.Select(v => double.IsFinite(v) ? Math.Log(Math.Max(v, 0) + 0.01) : double.NaN).ToArray();
        s.Add(Std(lq.Where(double.IsFinite).ToArray()));
        s.Add(AutoCorrelation(lq, 1)); s.Add(AutoCorrelation(lq, 7)); s.Add(AutoCorrelation(lq, 30));
        return s.ToArray();
    }

    static double Std(double[] v)
    {
        if (v.Length < 2) return double.NaN;
        double m = v.Average();
        return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1));
    }

    /// <summary>Linear-interpolated quantile (type 7).</summary>
    public static double Quantile(double[] values, double prob)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        double h = (sorted.Length - 1) * prob;
        int lo = (int)Math.Floor(h);
        return lo + 1 < sorted.Length ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
    }

    static double MeanRun(bool[] flags)
    {
        int runs = 0, total = 0, current = 0;
        foreach (var f in flags)
        {
            if (f) { current++; total++; }
            else if (current > 0) { runs++; current = 0; }
        }
        if (current > 0) runs++;
        return runs > 0 ? total / (double)runs : 0;
    }

    /// <summary>(Oct-Mar sum - Apr-Sep sum) / total: positive for winter-dominated series.</summary>
    static double HalfYearContrast(DateOnly[] dates, double[] v)
    {
        double winter = 0, total = 0;
        for (int i = 0; i < v.Length; i++) { total += v[i]; if (dates[i].Month is >= 10 or <= 3) winter += v[i]; }
        return total > 0 ? (2 * winter - total) / total : 0;
    }

    /// <summary>Baseflow index with the Lyne and Hollick (1979) one-pass digital filter, alpha 0.925.</summary>
    public static double BaseflowIndex(double[] q)
    {
        const double a = 0.925;
        double quick = 0, prev = double.NaN, baseSum = 0, total = 0;
        foreach (var v in q)
        {
            if (!double.IsFinite(v)) { prev = double.NaN; quick = 0; continue; }
            if (double.IsFinite(prev)) quick = Math.Max(0, a * quick + (1 + a) / 2 * (v - prev));
            double b = Math.Min(v, Math.Max(0, v - quick));
            baseSum += b; total += v; prev = v;
        }
        return total > 0 ? baseSum / total : double.NaN;
    }

    static double AutoCorrelation(double[] v, int lag)
    {
        var x = new List<double>(); var y = new List<double>();
        for (int i = 0; i + lag < v.Length; i++)
            if (double.IsFinite(v[i]) && double.IsFinite(v[i + lag])) { x.Add(v[i]); y.Add(v[i + lag]); }
        return Metrics.Pearson(x.ToArray(), y.ToArray());
    }
}
