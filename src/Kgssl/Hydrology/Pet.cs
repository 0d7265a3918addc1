namespace Kgssl.Hydrology;

/// <summary>Potential evapotranspiration from temperature and day length.</summary>
public static class Pet
{
    /// <summary>Day length in hours from latitude and day of year (FAO-56, Allen et al. 1998, eqs. 24, 25,
    /// 34).</summary>
    public static double DayLengthHours(double latitudeDeg, int dayOfYear)
    {
        double phi = latitudeDeg * Math.PI / 180;
        double delta = 0.409 * Math.Sin(2 * Math.PI * dayOfYear / 365.0 - 1.39);
        double x = Math.Clamp(-Math.Tan(phi) * Math.Tan(delta), -1, 1);
        return 24 / Math.PI * Math.Acos(x);
    }

    /// <summary>
    /// Hamon (1961) PET in mm/day in the form of Haith and Shoemaker (1987):
    /// PET = 29.8 N e_s(T) / (T + 273.2), N day length in hours, e_s = 0.611 exp(17.27 T / (T + 237.3)) kPa.
    /// </summary>
    public static double Hamon(double temperatureC, double dayLengthHours)
    {
        double es = 0.611 * Math.Exp(17.27 * temperatureC / (temperatureC + 237.3));
        return Math.Max(0, 29.8 * dayLengthHours * es / (temperatureC + 273.2));
    }
}
