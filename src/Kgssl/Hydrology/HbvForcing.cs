using Kgssl.Data;

namespace Kgssl.Hydrology;

/// <summary>
/// Real basins laid out as HBV reads them: precipitation, daily mean temperature and Hamon PET (from temperature and
/// the gauge's latitude, as the ensemble generator computes it) under <see cref="HbvColumns.Drivers"/>, the observed
/// streamflow as the response. A data set's own PET is not used: ERA5-Land's is biased high several-fold, and the
/// learned inverse and the refinement must see the PET the ensemble was made with.
/// </summary>
public static class HbvForcing
{
    /// <summary>The drivers read from each layout: precipitation and temperature (CAMELS-US: daily maximum and
    /// minimum, averaged).</summary>
    public static IReadOnlyList<string> DriversOf(string dataset) => dataset switch
    {
        "caravan" => ["total_precipitation_sum", "temperature_2m_mean"],
        "camels-us" => ["prcp(mm/day)", "tmax(C)", "tmin(C)"],
        _ => throw new ArgumentException($"--dataset: expected caravan or camels-us, got '{dataset}'"),
    };

    /// <summary>The basins under <paramref name="root"/> with the drivers HBV needs (<see cref="DriversOf"/>) and the
    /// streamflow (Caravan: the <paramref name="source"/> subfolder; CAMELS-US: NLDAS, else Daymet, else Maurer
    /// forcing), as the layout's reader reads them; <paramref name="characteristics"/> from the attributes where
    /// present (Caravan only), unknown elsewhere.</summary>
    /// <param name="basins">Only these basins, each of which the root must hold (<see cref="Held"/>); null: all.
    /// </param>
    public static HydroDataset Read(string root, string dataset, string source, IReadOnlyList<string> characteristics,
        IProgress<double>? progress, IReadOnlyList<string>? basins = null)
    {
        if (basins is { Count: 0 }) throw new ArgumentException("basins: an empty list would read every basin");
        var drivers = DriversOf(dataset);
        return dataset == "caravan"
            ? CaravanReader.Read(new CaravanReader.Options(root, source, drivers, "streamflow", characteristics, basins,
                false, true), progress)
            : CamelsUsReader.Read(new CamelsUsReader.Options(root, Products, drivers, [], basins, false), progress);
    }

    /// <summary>The forcing products of the CAMELS-US layout, in the order the first present one is taken.</summary>
    static readonly string[] Products = ["nldas", "daymet", "maurer"];

    /// <summary>Those of <paramref name="ids"/> whose forcing the root holds (a Caravan time-series file, a CAMELS-US
    /// forcing file of one of the products), in their order: what <see cref="Read"/> can be asked for without
    /// reading the whole root.</summary>
    public static List<string> Held(string root, string dataset, string source, IEnumerable<string> ids)
    {
        if (dataset == "caravan")
        {
            string folder = CaravanReader.TimeseriesFolder(root, source);
            return ids.Where(id => File.Exists(Path.Combine(folder, id + ".csv"))).ToList();
        }
        var files = Products.SelectMany(p => CamelsUsReader.IndexForcing(root, p).Keys)
            .ToHashSet(StringComparer.Ordinal);
        return ids.Where(files.Contains).ToList();
    }

    /// <param name="data">Read with <see cref="DriversOf"/>.</param>
    /// <param name="characteristics">Names the result carries, every value unknown (NaN): a trained inverse's
    /// characteristics, so that its feature store opens on these basins.</param>
    public static HydroDataset Convert(HydroDataset data, IReadOnlyList<string> characteristics)
    {
        bool minMax = data.DriverCount == 3;
        if (data.DriverCount is not (2 or 3)) throw new ArgumentException(
            $"expected precipitation and temperature (or tmax, tmin), got {string.Join(", ", data.DriverNames)}");
        var basins = data.Basins.Select(b => Basin(b, data.DriverCount, minMax, characteristics.Count)).ToList();
        return data with
        {
            DriverNames = HbvColumns.Drivers,
            CharacteristicNames = characteristics,
            Basins = basins,
        };
    }

    static BasinData Basin(BasinData b, int count, bool minMax, int characteristics)
    {
        var drivers = new float[b.Days * 3];
        for (int t = 0; t < b.Days; t++)
        {
            float p = b.Drivers[t * count];
            float temp = minMax ? (b.Drivers[t * count + 1] + b.Drivers[t * count + 2]) / 2 : b.Drivers[t * count + 1];
            drivers[t * 3] = p;
            drivers[t * 3 + 1] = temp;
            drivers[t * 3 + 2] = (float)Pet.Hamon(temp, Pet.DayLengthHours(b.Latitude, b.Dates[t].DayOfYear));
        }
        return b with { Drivers = drivers, Characteristics = Enumerable.Repeat(double.NaN, characteristics).ToArray() };
    }

    /// <summary>Why a basin cannot be run over [start, end] (inclusive), or null when it can: every day present,
    /// every driver finite.</summary>
    public static string? Gap(BasinData b, DateOnly start, DateOnly end)
    {
        var (from, to) = b.PeriodRange(start, end);
        int expected = end.DayNumber - start.DayNumber + 1;
        if (to - from != expected)
            return $"covers {to - from} of the {expected} days {start:yyyy-MM-dd}..{end:yyyy-MM-dd}";
        int count = b.Drivers.Length / b.Days;
        for (int i = from * count; i < to * count; i++)
            if (!float.IsFinite(b.Drivers[i]))
                return $"a missing driver value on {b.Dates[i / count]:yyyy-MM-dd}";
        return null;
    }

    /// <summary>Why a basin's PET cannot be computed (Hamon's day length needs the gauge's latitude), or
    /// null.</summary>
    public static string? LatitudeGap(BasinData b) =>
        double.IsNaN(b.Latitude) ? "no gauge latitude (gauge_lat), which Hamon PET needs"
        : GaugeCoordinates.Problem(true, b.Latitude) is { } problem ? $"gauge_lat: {problem}"
        : null;

    /// <summary>Observed days of the response in [start, end].</summary>
    public static int ObservedDays(BasinData b, DateOnly start, DateOnly end)
    {
        var (from, to) = b.PeriodRange(start, end);
        int n = 0;
        for (int t = from; t < to; t++) if (!float.IsNaN(b.Response[t])) n++;
        return n;
    }

    /// <summary>Whether the observed response over [start, end] varies at all (a river dry throughout does not, and
    /// has no NSE to fit or score).</summary>
    public static bool Varies(BasinData b, DateOnly start, DateOnly end)
    {
        var (from, to) = b.PeriodRange(start, end);
        float first = float.NaN;
        for (int t = from; t < to; t++)
        {
            float v = b.Response[t];
            if (float.IsNaN(v)) continue;
            if (float.IsNaN(first)) first = v;
            else if (v != first) return true;
        }
        return false;
    }
}
