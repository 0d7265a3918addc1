namespace Kgssl.Data;

/// <summary>
/// A gauge's coordinates in degrees: the ranges the readers refuse a file outside of, and that Hamon PET and the
/// nearest gauges rely on. Longitudes are taken east or west (-180..180) or east only (0..360), as datasets write them.
/// </summary>
public static class GaugeCoordinates
{
    public const double MaxLatitude = 90, MaxLongitude = 360;

    /// <summary>What is wrong with a coordinate (NaN: absent, not wrong), or null.</summary>
    public static string? Problem(bool latitude, double degrees)
    {
        double max = latitude ? MaxLatitude : MaxLongitude;
        if (double.IsNaN(degrees) || Math.Abs(degrees) <= max) return null;
        string range = latitude ? "-90..90" : "-180..180 or 0..360";
        return $"expected a {(latitude ? "latitude" : "longitude")} in degrees ({range}), got {degrees}";
    }

    /// <summary>Both coordinates present and in range.</summary>
    public static bool Valid(double latitude, double longitude) =>
        double.IsFinite(latitude) && double.IsFinite(longitude) && Problem(true, latitude) is null
            && Problem(false, longitude) is null;
}
