namespace Kgssl.Data;

/// <summary>
/// One basin's daily series and static characteristics. Drivers are row-major [day, driver];
/// the response (streamflow, mm/day) holds NaN where it is missing; characteristics hold NaN where unknown.
/// </summary>
public sealed record BasinData(
    string Id,
    DateOnly[] Dates,
    float[] Drivers,
    float[] Response,
    double[] Characteristics,
    double Latitude,
    double Longitude,
    string Product)
{
    public int Days => Dates.Length;

    /// <summary>Index of the first day on or after <paramref name="date"/> (Days when none).</summary>
    public int IndexOnOrAfter(DateOnly date)
    {
        int i = Array.BinarySearch(Dates, date);
        return i >= 0 ? i : ~i;
    }

    /// <summary>Half-open day range [from, to) of the period [start, end] (inclusive dates).</summary>
    public (int From, int To) PeriodRange(DateOnly start, DateOnly end) =>
        (IndexOnOrAfter(start), IndexOnOrAfter(end.AddDays(1)));
}
