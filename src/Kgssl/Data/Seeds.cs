namespace Kgssl.Data;

/// <summary>
/// Derived seeds that are the same in every process. (HashCode.Combine is randomized per process in .NET, so
/// seeding a Random with it silently breaks run-to-run reproducibility.) SplitMix64 finalizer (Steele et al. 2014).
/// </summary>
public static class Seeds
{
    public static int Mix(params int[] parts)
    {
        ulong x = 0x9E3779B97F4A7C15UL;
        foreach (int p in parts)
        {
            x ^= (uint)p;
            x += 0x9E3779B97F4A7C15UL;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            x ^= x >> 31;
        }
        return (int)(x & 0x7FFFFFFF);
    }
}
