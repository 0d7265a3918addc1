namespace Kgssl.Hydrology;

/// <summary>Normal and gamma draws on top of a seeded <see cref="Random"/> (same seed, same sequence).</summary>
public sealed class SeededRandom(int seed)
{
    readonly Random _rng = new(seed);

    public double Uniform() => _rng.NextDouble();

    public double Uniform(double min, double max) => min + (max - min) * _rng.NextDouble();

    public int Next(int max) => _rng.Next(max);

    /// <summary>Standard normal by Box-Muller.</summary>
    public double Normal()
    {
        double u1 = 1.0 - _rng.NextDouble(), u2 = _rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Gamma(shape, scale) by Marsaglia and Tsang (2000); shape &lt; 1 via the u^(1/shape) boost.</summary>
    public double Gamma(double shape, double scale)
    {
        if (shape < 1) return Gamma(shape + 1, scale) * Math.Pow(1.0 - _rng.NextDouble(), 1 / shape);
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do { x = Normal(); v = 1 + c * x; } while (v <= 0);
            v = v * v * v;
            double u = 1.0 - _rng.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v * scale;
        }
    }

    public void Shuffle<T>(T[] items) => _rng.Shuffle(items);
}
