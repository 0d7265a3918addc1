namespace Kgssl.Training;

/// <summary>Learning-rate schedules shared by the KGSSL trainer and the forward-model experiment.</summary>
public static class Schedules
{
    /// <summary>A half cosine from <paramref name="start"/> (nothing done) down to <paramref name="end"/> (all of
    /// <paramref name="total"/> done); <paramref name="done"/> is clamped into [0, total].</summary>
    public static double Cosine(double start, double end, double done, double total) =>
        end + (start - end) * 0.5 * (1 + Math.Cos(Math.PI * Math.Clamp(done, 0, total) / total));
}
