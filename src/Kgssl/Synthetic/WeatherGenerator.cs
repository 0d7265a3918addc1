using Kgssl.Hydrology;
namespace Kgssl.Synthetic;

/// <summary>A basin's climate: what the weather generator draws per basin (and writes as descriptors).</summary>
public sealed record Climate(
    double Latitude, double MeanPrecipitation, double PrecipitationSeasonality, double WetDayProbability,
    double MeanTemperature, double TemperatureAmplitude)
{
    public static Climate Draw(SeededRandom rng) => new(
        Latitude: rng.Uniform(30, 50),
        MeanPrecipitation: rng.Uniform(1.0, 6.0),
        PrecipitationSeasonality: rng.Uniform(-0.6, 0.6),
        WetDayProbability: rng.Uniform(0.2, 0.6),
        MeanTemperature: rng.Uniform(-1, 18),
        TemperatureAmplitude: rng.Uniform(4, 14));
}

/// <summary>Daily precipitation (mm/day), temperature (degC) and Hamon PET (mm/day).</summary>
public sealed record Weather(DateOnly[] Dates, double[] Precipitation, double[] Temperature, double[] Pet);

/// <summary>
/// A seeded stochastic weather generator in the Richardson (1981) tradition: precipitation occurrence as a
/// two-state Markov chain whose wet-day probability follows a seasonal cycle, gamma-distributed wet-day amounts
/// (shape 0.75) scaled to the basin's seasonal mean; temperature as a seasonal cycle plus AR(1) noise
/// (lag-1 0.7, sd 3 degC); PET from temperature and day length (Hamon).
/// </summary>
public static class WeatherGenerator
{
    const double GammaShape = 0.75;
    const double WetPersistence = 0.35; // p11 - p01: wet days cluster

    public static Weather Generate(Climate c, DateOnly start, int days, SeededRandom rng)
    {
        var dates = new DateOnly[days];
        var p = new double[days]; var t = new double[days]; var pet = new double[days];
        bool wet = false;
        double noise = 0;
        for (int i = 0; i < days; i++)
        {
            var date = start.AddDays(i);
            dates[i] = date;
            int doy = date.DayOfYear;
            // seasonality > 0: winter-wet (peak around day 15), < 0: summer-wet
            double season = 1 + c.PrecipitationSeasonality * Math.Cos(2 * Math.PI * (doy - 15) / 365.25);
            double pi = Math.Clamp(c.WetDayProbability * season, 0.02, 0.95);
            // Markov chain with stationary wet fraction pi: p11 = pi + d(1 - pi), p01 = pi(1 - d)
            double pWet = wet ? pi + WetPersistence * (1 - pi) : pi * (1 - WetPersistence);
            wet = rng.Uniform() < pWet;
            double meanWet = c.MeanPrecipitation * season / pi;
            p[i] = wet ? rng.Gamma(GammaShape, meanWet / GammaShape) : 0;
            noise = 0.7 * noise + Math.Sqrt(1 - 0.49) * 3.0 * rng.Normal();
            t[i] = c.MeanTemperature - c.TemperatureAmplitude * Math.Cos(2 * Math.PI * (doy - 20) / 365.25) + noise;
            pet[i] = Pet.Hamon(t[i], Pet.DayLengthHours(c.Latitude, doy));
        }
        return new Weather(dates, p, t, pet);
    }
}
