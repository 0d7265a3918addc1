namespace Kgssl.Hydrology;

/// <summary>
/// Parameters of the HBV model (Bergström 1976; HBV-light as described by Seibert and Vis 2012, HESS 16,
/// 3315-3325). Units: TT degC, CFMAX mm/degC/day, FC mm, LP and BETA unitless, PERC mm/day, UZL mm,
/// K0/K1/K2 1/day, MAXBAS days.
/// </summary>
public sealed record HbvParameters(
    double TT, double CFMAX, double FC, double LP, double BETA,
    double PERC, double UZL, double K0, double K1, double K2, double MAXBAS)
{
    /// <summary>A parameter's documented sampling range; log-uniform ones are drawn uniformly in log space.</summary>
    public sealed record Range(string Name, double Min, double Max, bool Log, string Unit, string Meaning);

    /// <summary>Ranges after Seibert (1999) / HBV-light defaults, narrowed where the daily hydrograph is
    /// insensitive.</summary>
    public static readonly IReadOnlyList<Range> Ranges =
    [
        new("TT", -2.0, 2.0, false, "degC", "threshold temperature rain/snow"),
        new("CFMAX", 1.0, 6.0, false, "mm/degC/d", "degree-day melt factor"),
        new("FC", 50.0, 500.0, false, "mm", "field capacity of the soil box"),
        new("LP", 0.3, 1.0, false, "-", "fraction of FC above which ET is potential"),
        new("BETA", 1.0, 6.0, false, "-", "shape of the recharge curve"),
        new("PERC", 0.1, 4.0, false, "mm/d", "percolation upper to lower box"),
        new("UZL", 0.0, 70.0, false, "mm", "threshold of the quick outflow"),
        new("K0", 0.05, 0.5, true, "1/d", "quick recession coefficient"),
        new("K1", 0.01, 0.3, true, "1/d", "upper-box recession coefficient"),
        new("K2", 0.001, 0.1, true, "1/d", "baseflow recession coefficient"),
        new("MAXBAS", 1.0, 5.0, false, "d", "base of the triangular routing"),
    ];

    public double[] ToArray() => [TT, CFMAX, FC, LP, BETA, PERC, UZL, K0, K1, K2, MAXBAS];

    /// <summary>A point of the unit cube (one coordinate per range, in order) scaled into the ranges.</summary>
    public static HbvParameters FromUnit(double[] unit) => FromArray(
        Ranges.Select((r, k) => LatinHypercube.Scale(unit[k], r)).ToArray());

    /// <summary>The point of the unit cube these parameters scale from: the inverse of <see cref="FromUnit"/>.
    /// </summary>
    public double[] ToUnit() => ToArray().Select((v, k) => LatinHypercube.Unscale(v, Ranges[k])).ToArray();

    public static HbvParameters FromArray(double[] v) => new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
        v[9], v[10]);
}
