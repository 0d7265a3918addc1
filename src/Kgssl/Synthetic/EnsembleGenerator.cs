using System.Globalization;
using System.Text;
using System.Text.Json;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Hydrology;

namespace Kgssl.Synthetic;

/// <summary>
/// A perturbed-parameter ensemble with a known truth: per basin a climate (or a real basin's forcing) and
/// HBV parameters drawn by Latin hypercube from <see cref="HbvParameters.Ranges"/>, run through
/// <see cref="HbvModel"/> after a one-year spin-up, written in the Caravan layout. Same seed, same bytes.
/// </summary>
public static class EnsembleGenerator
{
    public const string Source = "synthetic";

    /// <summary>Climate descriptors written beside the parameters (computed from the written period).</summary>
    public static readonly string[] ClimateDescriptors = ["p_mean", "pet_mean", "aridity", "t_mean", "p_seasonality",
        "frac_snow"];

    public static readonly string[] Columns = [.. HbvColumns.Drivers, "streamflow"];

    /// <param name="Forcing">Real basins whose precipitation and temperature (their first two drivers) drive the
    /// members, basin i % count for member i; read from <paramref name="ForcingRoot"/> when null.</param>
    public sealed record Options(string Out, int Basins, int Years, int Seed, double NoiseSd = 0.0,
        string? ForcingRoot = null, string ForcingSource = "camels", DateOnly? Start = null,
        HydroDataset? Forcing = null);

    public static IReadOnlyList<string> CharacteristicNames =>
        [.. HbvParameters.Ranges.Select(r => r.Name), .. ClimateDescriptors];

    public static void Generate(Options o, IProgress<double>? progress = null)
    {
        if (o.Basins < 2) throw new ArgumentOutOfRangeException(nameof(o),
            $"--basins must be at least 2, got {o.Basins}");
        if (o.Years < 1 || o.Years > 200) throw new ArgumentOutOfRangeException(nameof(o),
            $"--years must be in 1..200, got {o.Years}");
        var start = o.Start ?? new DateOnly(2009 - o.Years, 10, 1);
        int days = start.AddYears(o.Years).DayNumber - start.DayNumber;
        int spinUp = 365;

        HydroDataset? forcing = o.Forcing;
        if (forcing is null && o.ForcingRoot is not null)
        {
            forcing = CaravanReader.Read(new CaravanReader.Options(o.ForcingRoot, o.ForcingSource,
                ["total_precipitation_sum", "temperature_2m_mean"], "streamflow", [], null, false));
            if (forcing.Basins.Count == 0) throw new InvalidDataException(
                $"{o.ForcingRoot}: no basins to take forcing from");
        }

        var master = new SeededRandom(o.Seed);
        var unit = LatinHypercube.Sample(o.Basins, HbvParameters.Ranges.Count, master);
        var basinSeeds = Enumerable.Range(0, o.Basins).Select(_ => master.Next(int.MaxValue)).ToArray();

        string tsDir = CaravanReader.TimeseriesFolder(o.Out, Source),
            attrDir = CaravanReader.AttributesFolder(o.Out, Source);
        Directory.CreateDirectory(tsDir);
        Directory.CreateDirectory(attrDir);
        var rows = new string[o.Basins];
        int done = 0;
        Parallelism.For(o.Basins, i =>
        {
            rows[i] = Basin(o, i, basinSeeds[i], HbvParameters.FromUnit(unit[i]), forcing, start, days, spinUp, tsDir);
            progress?.Report(Interlocked.Increment(ref done) / (double)o.Basins);
        });
        File.WriteAllText(Path.Combine(attrDir, $"attributes_{Source}.csv"),
            string.Join(',', ["gauge_id", .. CharacteristicNames, "gauge_lat", "gauge_lon"]) + "\n"
                + string.Join('\n', rows) + "\n");
        WriteManifest(o, start, spinUp);
    }

    /// <summary>One basin: its weather (generated, or real forcing), HBV run with its parameters, the series
    /// written to the time-series folder; returns its attribute row.</summary>
    static string Basin(Options o, int i, int seed, HbvParameters p, HydroDataset? forcing, DateOnly start, int days,
        int spinUp, string tsDir)
    {
        var rng = new SeededRandom(seed);
        Weather weather;
        double lat, lon;
        if (forcing is null)
        {
            var climate = Climate.Draw(rng);
            lat = climate.Latitude; lon = rng.Uniform(-120, -70);
            weather = WeatherGenerator.Generate(climate, start.AddDays(-spinUp), days + spinUp, rng);
        }
        else
        {
            var real = forcing.Basins[i % forcing.Basins.Count];
            lat = real.Latitude; lon = real.Longitude;
            weather = RealWeather(real, forcing.DriverCount, start.AddDays(-spinUp), days + spinUp,
                o.ForcingRoot ?? forcing.Root);
        }
        var run = HbvModel.Run(p, weather.Precipitation, weather.Temperature, weather.Pet);
        var noise = new SeededRandom(seed ^ 0x5eed);
        string id = $"{Source}_{i + 1:D4}";
        var sb = new StringBuilder(days * 40);
        sb.Append("date,").Append(string.Join(',', Columns)).Append('\n');
        double pSum = 0, petSum = 0, tSum = 0, snowP = 0;
        for (int d = spinUp; d < spinUp + days; d++)
        {
            double q = run.Runoff[d];
            if (o.NoiseSd > 0) q *= Math.Exp(o.NoiseSd * noise.Normal() - 0.5 * o.NoiseSd * o.NoiseSd);
            sb.Append(weather.Dates[d].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
              .Append(F(weather.Precipitation[d])).Append(',').Append(F(weather.Temperature[d])).Append(',')
              .Append(F(weather.Pet[d])).Append(',').Append(F(q)).Append('\n');
            pSum += weather.Precipitation[d]; petSum += weather.Pet[d]; tSum += weather.Temperature[d];
            if (weather.Temperature[d] <= 0) snowP += weather.Precipitation[d];
        }
        File.WriteAllText(Path.Combine(tsDir, id + ".csv"), sb.ToString());
        double seasonality = Seasonality(weather, spinUp);
        double[] descriptors = [pSum / days, petSum / days, petSum / Math.Max(pSum, 1e-9), tSum / days,
            seasonality, snowP / Math.Max(pSum, 1e-9)];
        return string.Join(',', [id, .. p.ToArray().Select(F), .. descriptors.Select(F), F(lat), F(lon)]);
    }

    /// <summary>ensemble.json: how the ensemble was made (seed, sizes, forcing, model, parameter ranges).</summary>
    static void WriteManifest(Options o, DateOnly start, int spinUp)
    {
        var manifest = new
        {
            generator = "kgssl synth",
            seed = o.Seed,
            basins = o.Basins,
            years = o.Years,
            start = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            spin_up_days = spinUp,
            noise_sd = o.NoiseSd,
            forcing = (o.ForcingRoot ?? o.Forcing?.Root) is not { } root ? "weather generator"
                : $"real forcing from {Path.GetFileName(Path.TrimEndingDirectorySeparator(root))} (P, T; " +
                $"PET by Hamon)",
            model = "HBV-light (Seibert and Vis 2012) without snowfall correction; PET Hamon (1961)",
            parameters = HbvParameters.Ranges.Select(r => new { name = r.Name, min = r.Min, max = r.Max,
                log_uniform = r.Log, unit = r.Unit, meaning = r.Meaning }),
            descriptors = ClimateDescriptors,
        };
        File.WriteAllText(Path.Combine(o.Out, RunFiles.EnsembleManifest),
            JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>Seasonality of precipitation: (winter half-year P - summer half-year P) / total, in [-1, 1].</summary>
    static double Seasonality(Weather w, int from)
    {
        double winter = 0, total = 0;
        for (int d = from; d < w.Dates.Length; d++)
        {
            int m = w.Dates[d].Month;
            total += w.Precipitation[d];
            if (m is >= 10 or <= 3) winter += w.Precipitation[d];
        }
        return total > 0 ? (2 * winter - total) / total : 0;
    }

    static Weather RealWeather(BasinData real, int driverCount, DateOnly start, int days, string root)
    {
        var (from, to) = real.PeriodRange(start, start.AddDays(days - 1));
        if (to - from != days)
            throw new InvalidDataException(
                $"{root}: basin {real.Id} covers {to - from} of the {days} days from {start:yyyy-MM-dd} (spin-up " +
                $"year included); use fewer --years");
        var p = new double[days]; var t = new double[days]; var pet = new double[days]; var dates = new DateOnly[days];
        for (int i = 0; i < days; i++)
        {
            dates[i] = real.Dates[from + i];
            p[i] = real.Drivers[(from + i) * driverCount];
            t[i] = real.Drivers[(from + i) * driverCount + 1];
            pet[i] = Pet.Hamon(t[i], Pet.DayLengthHours(real.Latitude, dates[i].DayOfYear));
        }
        return new Weather(dates, p, t, pet);
    }
}
