namespace Kgssl.Hydrology;

/// <summary>
/// A local search from a learned estimate: CMA-ES (Hansen 2016, "The CMA Evolution Strategy: A Tutorial",
/// arXiv:1604.00772, default settings) started at the prior's center with the prior's spread per coordinate, which
/// learns the correlations between parameters (the ridges of HBV's objective, e.g. FC against BETA) that a
/// coordinate-wise search keeps falling off.
/// </summary>
public static partial class HbvCalibration
{
    /// <summary>Maximizes objective - prior penalty with at most <paramref name="budget"/> runs of HBV, from the
    /// prior's center (its first run). Points outside the unit cube are folded back in before they are run, and the
    /// step that led there is taken as the folded one. Final: the last generation.</summary>
    public static Result Cmaes(Series s, int scoreFrom, int scoreTo, Prior prior, int budget, int seed)
    {
        int n = HbvParameters.Ranges.Count;
        prior.Validate(n);
        if (budget < 2) throw new ArgumentOutOfRangeException(nameof(budget), $"budget must be >= 2, got {budget}");
        var scorer = new Scorer(s, scoreFrom, scoreTo);
        var rng = new SeededRandom(seed);
        var es = new CmaState(n, prior.Center, prior.Sigma.Select(x => Math.Min(x, 0.3)).ToArray());
        var best = (double[])prior.Center.Clone();
        double bestData = scorer.Objective(best, false), bestFit = bestData - prior.Penalty(best);
        int evaluations = 1;
        var last = new Population([], []);
        while (evaluations + es.Lambda <= budget)
        {
            var (xs, ys) = es.Sample(rng);
            var fit = new double[es.Lambda];
            var objective = new double[es.Lambda];
            for (int k = 0; k < es.Lambda; k++)
            {
                objective[k] = scorer.Objective(xs[k], false);
                fit[k] = objective[k] - prior.Penalty(xs[k]);
                if (fit[k] > bestFit) (bestFit, bestData, best) = (fit[k], objective[k], (double[])xs[k].Clone());
            }
            evaluations += es.Lambda;
            es.Update(ys, fit);
            last = new Population(xs, objective);
        }
        return new Result(HbvParameters.FromUnit(best), bestData, evaluations, null, last);
    }

    /// <summary>The strategy's state: mean, step size, covariance and its eigen decomposition, evolution
    /// paths.</summary>
    sealed class CmaState
    {
        readonly int _n, _mu;
        readonly double[] _weights;
        readonly double _muEff, _cc, _cs, _c1, _cmu, _damps, _chiN;
        readonly double[] _mean, _pc, _ps, _d;
        readonly double[,] _c, _b;
        double _sigma = 1;
        int _generation;

        public int Lambda { get; }

        public CmaState(int n, double[] mean, double[] spread)
        {
            (_n, _mean) = (n, (double[])mean.Clone());
            Lambda = 4 + (int)(3 * Math.Log(n));
            _mu = Lambda / 2;
            _weights = Enumerable.Range(1, _mu).Select(i => Math.Log(_mu + 0.5) - Math.Log(i)).ToArray();
            double sum = _weights.Sum();
            for (int i = 0; i < _mu; i++) _weights[i] /= sum;
            _muEff = 1 / _weights.Sum(w => w * w);
            _cc = (4 + _muEff / n) / (n + 4 + 2 * _muEff / n);
            _cs = (_muEff + 2) / (n + _muEff + 5);
            _c1 = 2 / ((n + 1.3) * (n + 1.3) + _muEff);
            _cmu = Math.Min(1 - _c1, 2 * (_muEff - 2 + 1 / _muEff) / ((n + 2) * (n + 2) + _muEff));
            _damps = 1 + 2 * Math.Max(0, Math.Sqrt((_muEff - 1) / (n + 1)) - 1) + _cs;
            _chiN = Math.Sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21 * n * n));
            (_pc, _ps, _d) = (new double[n], new double[n], new double[n]);
            (_c, _b) = (new double[n, n], new double[n, n]);
            for (int i = 0; i < n; i++) { _c[i, i] = spread[i] * spread[i]; _b[i, i] = 1; _d[i] = spread[i]; }
        }

        /// <summary>Lambda points folded into the cube, and the steps (x - mean) / sigma that reach them.</summary>
        public (double[][] X, double[][] Y) Sample(SeededRandom rng)
        {
            var xs = new double[Lambda][];
            var ys = new double[Lambda][];
            var z = new double[_n];
            for (int k = 0; k < Lambda; k++)
            {
                for (int j = 0; j < _n; j++) z[j] = _d[j] * rng.Normal();
                (xs[k], ys[k]) = (new double[_n], new double[_n]);
                for (int i = 0; i < _n; i++)
                {
                    double y = 0;
                    for (int j = 0; j < _n; j++) y += _b[i, j] * z[j];
                    double v = Math.Abs(_mean[i] + _sigma * y) % 2;
                    xs[k][i] = Math.Clamp(v > 1 ? 2 - v : v, 0, 1);
                    ys[k][i] = (xs[k][i] - _mean[i]) / _sigma;
                }
            }
            return (xs, ys);
        }

        /// <summary>One generation's update from the points' fitness (larger is better).</summary>
        public void Update(double[][] ys, double[] fit)
        {
            _generation++;
            var order = Enumerable.Range(0, Lambda).OrderByDescending(k => fit[k]).Take(_mu).ToArray();
            var yw = new double[_n];
            for (int i = 0; i < _mu; i++)
                for (int j = 0; j < _n; j++) yw[j] += _weights[i] * ys[order[i]][j];
            for (int j = 0; j < _n; j++) _mean[j] = Math.Clamp(_mean[j] + _sigma * yw[j], 0, 1);
            var invSqrt = InverseSqrtTimes(yw);
            double psNorm = 0;
            for (int j = 0; j < _n; j++)
            {
                _ps[j] = (1 - _cs) * _ps[j] + Math.Sqrt(_cs * (2 - _cs) * _muEff) * invSqrt[j];
                psNorm += _ps[j] * _ps[j];
            }
            psNorm = Math.Sqrt(psNorm);
            bool hsig = psNorm / Math.Sqrt(1 - Math.Pow(1 - _cs, 2 * _generation)) / _chiN < 1.4 + 2.0 / (_n + 1);
            for (int j = 0; j < _n; j++)
                _pc[j] = (1 - _cc) * _pc[j] + (hsig ? Math.Sqrt(_cc * (2 - _cc) * _muEff) * yw[j] : 0);
            UpdateCovariance(ys, order, hsig);
            _sigma *= Math.Exp(_cs / _damps * (psNorm / _chiN - 1));
            _sigma = Math.Min(_sigma, 10);
            Eigen.Symmetric(_c, _b, _d);
            for (int j = 0; j < _n; j++) _d[j] = Math.Sqrt(Math.Max(_d[j], 1e-20));
        }

        void UpdateCovariance(double[][] ys, int[] order, bool hsig)
        {
            double keep = 1 - _c1 - _cmu + (hsig ? 0 : _c1 * _cc * (2 - _cc));
            for (int i = 0; i < _n; i++)
                for (int j = 0; j <= i; j++)
                {
                    double rankMu = 0;
                    for (int k = 0; k < _mu; k++) rankMu += _weights[k] * ys[order[k]][i] * ys[order[k]][j];
                    double v = keep * _c[i, j] + _c1 * _pc[i] * _pc[j] + _cmu * rankMu;
                    _c[i, j] = _c[j, i] = v;
                }
        }

        /// <summary>C^(-1/2) v = B D^-1 B' v.</summary>
        double[] InverseSqrtTimes(double[] v)
        {
            var t = new double[_n];
            for (int j = 0; j < _n; j++)
            {
                double s = 0;
                for (int i = 0; i < _n; i++) s += _b[i, j] * v[i];
                t[j] = s / _d[j];
            }
            var r = new double[_n];
            for (int i = 0; i < _n; i++)
                for (int j = 0; j < _n; j++) r[i] += _b[i, j] * t[j];
            return r;
        }
    }
}

/// <summary>Eigen decomposition of small symmetric matrices.</summary>
public static class Eigen
{
    /// <summary>Cyclic Jacobi rotations: <paramref name="vectors"/> gets the eigenvectors as columns,
    /// <paramref name="values"/> the eigenvalues; <paramref name="a"/> is left as it was.</summary>
    public static void Symmetric(double[,] a, double[,] vectors, double[] values)
    {
        int n = values.Length;
        var m = (double[,])a.Clone();
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) vectors[i, j] = i == j ? 1 : 0;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++) for (int q = p + 1; q < n; q++) off += m[p, q] * m[p, q];
            if (off < 1e-30) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                {
                    if (Math.Abs(m[p, q]) < 1e-300) continue;
                    double theta = (m[q, q] - m[p, p]) / (2 * m[p, q]);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    Rotate(m, vectors, n, p, q, c, s);
                }
        }
        for (int i = 0; i < n; i++) values[i] = m[i, i];
    }

    static void Rotate(double[,] m, double[,] v, int n, int p, int q, double c, double s)
    {
        for (int k = 0; k < n; k++)
        {
            double mkp = m[k, p], mkq = m[k, q];
            m[k, p] = c * mkp - s * mkq;
            m[k, q] = s * mkp + c * mkq;
        }
        for (int k = 0; k < n; k++)
        {
            double mpk = m[p, k], mqk = m[q, k];
            m[p, k] = c * mpk - s * mqk;
            m[q, k] = s * mpk + c * mqk;
        }
        for (int k = 0; k < n; k++)
        {
            double vkp = v[k, p], vkq = v[k, q];
            v[k, p] = c * vkp - s * vkq;
            v[k, q] = s * vkp + c * vkq;
        }
    }
}
