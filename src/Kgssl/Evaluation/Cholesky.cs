namespace Kgssl.Evaluation;

/// <summary>Cholesky factor and triangular solves for the small symmetric systems of the ridge regressions and the
/// parameters' linearized uncertainty.</summary>
public static class Cholesky
{
    /// <summary>The lower factor L of a + lambda I = L L' (a symmetric positive semi-definite, lambda &gt; 0).
    /// </summary>
    public static double[,] Factor(double[,] a, double lambda)
    {
        int n = a.GetLength(0);
        var l = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = a[i, j] + (i == j ? lambda : 0);
                for (int k = 0; k < j; k++) s -= l[i, k] * l[j, k];
                l[i, j] = i == j ? Math.Sqrt(Math.Max(s, 1e-300)) : s / l[j, j];
            }
        return l;
    }

    /// <summary>Solves L v = b.</summary>
    public static double[] Forward(double[,] l, double[] b)
    {
        var v = new double[b.Length];
        for (int i = 0; i < b.Length; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i, k] * v[k];
            v[i] = s / l[i, i];
        }
        return v;
    }

    /// <summary>Solves L' x = v.</summary>
    public static double[] Back(double[,] l, double[] v)
    {
        var x = new double[v.Length];
        for (int i = v.Length - 1; i >= 0; i--)
        {
            double s = v[i];
            for (int k = i + 1; k < v.Length; k++) s -= l[k, i] * x[k];
            x[i] = s / l[i, i];
        }
        return x;
    }

    /// <summary>The diagonal of (a + lambda I)^-1: the variances of a Gaussian whose precision that is.</summary>
    public static double[] InverseDiagonal(double[,] a, double lambda)
    {
        var l = Factor(a, lambda);
        int n = a.GetLength(0);
        var diagonal = new double[n];
        for (int i = 0; i < n; i++)
        {
            var e = new double[n];
            e[i] = 1;
            diagonal[i] = Back(l, Forward(l, e))[i];
        }
        return diagonal;
    }
}
