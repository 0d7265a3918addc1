namespace Kgssl.Data;

/// <summary>
/// The least a series must hold to be read at all: with fewer observed days a basin gets no embedding, no signatures
/// and no hydrograph score (NSE, KGE, calibration), and says so, rather than a number from a few days.
/// </summary>
public static class ObservedDays
{
    public const int Minimum = 30;
}
