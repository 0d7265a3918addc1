namespace Kgssl.Data;

/// <summary>
/// A gauge's coordinates in degrees: the ranges the readers refuse a file outside of, and that Hamon PET and the
/// nearest gauges rely on. Longitudes are taken east or west (-180..180) or east only (0..360), as datasets write them.
/// </summary>
public static class GaugeCoordinates
{
    /// <summary>What is wrong with a coordinate (NaN: absent, not wrong), or null.</summary>
    public static string? Problem(bool latitude, double degrees)
    {
        bool inRange = latitude ? degrees is >= -90 and <= 90 : degrees is >= -180 and <= 360;
        if (double.IsNaN(degrees) || inRange) return null;
        string range = latitude ? "-90..90" : "-180..180 or 0..360";
        return $"expected a {(latitude ? "latitude" : "longitude")} in degrees ({range}), got {degrees}";
    }

    /// <summary>Both coordinates present and in range.</summary>
    public static bool Valid(double latitude, double longitude) =>
        double.IsFinite(latitude) && double.IsFinite(longitude) && Problem(true, latitude) is null
            && Problem(false, longitude) is null;
}
