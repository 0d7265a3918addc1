namespace Kgssl.Hydrology;

/// <summary>Latin hypercube sampling (McKay et al. 1979): each dimension's n strata are each hit once.</summary>
public static class LatinHypercube
{
    /// <summary>n points in [0,1)^dims, as [point][dim].</summary>
    public static double[][] Sample(int n, int dims, SeededRandom rng)
    {
        var points = new double[n][];
        for (int i = 0; i < n; i++) points[i] = new double[dims];
        var strata = new int[n];
        for (int d = 0; d < dims; d++)
        {
            for (int i = 0; i < n; i++) strata[i] = i;
            rng.Shuffle(strata);
            for (int i = 0; i < n; i++) points[i][d] = (strata[i] + rng.Uniform()) / n;
        }
        return points;
    }

    public static double Scale(double u, HbvParameters.Range r) =>
        r.Log ? Math.Exp(Math.Log(r.Min) + u * (Math.Log(r.Max) - Math.Log(r.Min))) : r.Min + u * (r.Max - r.Min);

    /// <summary>The inverse of <see cref="Scale"/>: a value in the range's units as a coordinate in [0, 1], clamped
    /// into it.</summary>
    public static double Unscale(double x, HbvParameters.Range r) =>
        Math.Clamp(r.Log ? (Math.Log(x) - Math.Log(r.Min)) / (Math.Log(r.Max) - Math.Log(r.Min))
            : (x - r.Min) / (r.Max - r.Min), 0, 1);
}
