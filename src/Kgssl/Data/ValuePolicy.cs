namespace Kgssl.Data;

/// <summary>
/// What every reader accepts as a value, the same for Caravan and CAMELS-US:
/// - the known missing-value codes -999 and -9999 (and an empty field, NaN, NA) in the response are missing days;
/// - any other negative response is an error (streamflow cannot be negative);
/// - drivers must be complete: a missing-value code or an empty field in a driver is an error;
/// - precipitation below 0 and air temperatures outside -90..60 °C are errors (found by the column's name);
/// - a value that is not finite (1e300 as a float, Infinity) is an error.
/// Each error names the file, the line and the column.
/// </summary>
public static class ValuePolicy
{
    public static readonly double[] MissingCodes = [-999, -9999];

    public const double MinTemperatureC = -90, MaxTemperatureC = 60;

    public static bool IsMissingCode(double v) => Array.IndexOf(MissingCodes, v) >= 0;

    /// <summary>The response value as kept: NaN for a missing day; an error for a negative value that is not a missing
    /// code.</summary>
    public static float Response(float v, string file, int line, string column)
    {
        if (float.IsNaN(v) || IsMissingCode(v)) return float.NaN;
        if (v < 0) throw new DataFormatException(file, line,
            $"column '{column}': negative streamflow {v} (missing days are empty, NaN, -999 or -9999)");
        return v;
    }

    /// <summary>Checks one driver value against what its column name says it is.</summary>
    public static void Driver(double v, string file, int line, string column)
    {
        if (double.IsNaN(v) || IsMissingCode(v))
            throw new DataFormatException(file, line,
                $"driver '{column}' is missing " +
                $"({(double.IsNaN(v) ? "empty" : v.ToString(System.Globalization.CultureInfo.InvariantCulture))}): " +
                $"drivers must be complete (only the response may have gaps)");
        string name = column.ToLowerInvariant();
        if ((name.Contains("prec") || name.Contains("prcp")) && v < 0)
            throw new DataFormatException(file, line, $"driver '{column}': negative precipitation {v}");
        if (IsTemperature(name) && (v < MinTemperatureC || v > MaxTemperatureC))
            throw new DataFormatException(file, line,
                $"driver '{column}': air temperature {v} °C outside {MinTemperatureC}..{MaxTemperatureC}");
    }

    static bool IsTemperature(string name) =>
        name.Contains("temperature") || name.StartsWith("tmax", StringComparison.Ordinal)
            || name.StartsWith("tmin", StringComparison.Ordinal);
}
