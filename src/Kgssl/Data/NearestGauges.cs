namespace Kgssl.Data;

/// <summary>
/// Regionalization by spatial proximity, the hydrologist's simple tool for an ungauged basin: each characteristic is
/// the inverse-distance-weighted mean of the k nearest gauges (great-circle distance between gauge coordinates) that
/// know it (Oudin et al. 2008 compare this with other regionalizations). A basin never lends to itself, so the
/// estimate of a basin in the pool is leave-self-out and the training basins' priors leak nothing.
/// </summary>
public sealed class NearestGauges
{
    /// <summary>Mean earth radius (km), IUGG.</summary>
    public const double EarthRadiusKm = 6371.0088;

    /// <summary>Distances below this count as this (km): two gauges at one place share the weight instead of one taking
    /// all.</summary>
    public const double MinimumDistanceKm = 1.0;

    readonly string[] _ids;
    readonly double[] _lat, _lon;
    readonly double[][] _values;

    public int K { get; }

    /// <summary>The weights are 1 / distance^Power (1: the plain inverse distance; 2: Shepard's classic
    /// choice).</summary>
    public double Power { get; }

    /// <param name="pool">The gauges that lend their characteristics (known ones; NaN = unknown for that one).</param>
    /// <param name="values">Each pool basin's characteristics, in any units (z-scored or not): averaged as
    /// given.</param>
    public NearestGauges(IReadOnlyList<BasinData> pool, IReadOnlyList<double[]> values, int k, double power = 1)
    {
        if (!(power >= 0)) throw new ArgumentOutOfRangeException(nameof(power), power, "needs a power of 0 or more");
        Power = power;
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "needs at least one neighbour");
        if (pool.Count != values.Count) throw new ArgumentException("one row of values per pool basin", nameof(values));
        foreach (var b in pool) RequireCoordinates(b);
        K = k;
        _ids = pool.Select(b => b.Id).ToArray();
        _lat = pool.Select(b => b.Latitude).ToArray();
        _lon = pool.Select(b => b.Longitude).ToArray();
        _values = [.. values];
    }

    /// <summary>The pool basins' own characteristics (as read).</summary>
    public static NearestGauges Of(IReadOnlyList<BasinData> pool, int k, double power = 1) =>
        new(pool, pool.Select(b => b.Characteristics).ToArray(), k, power);

    /// <summary>Whether a gauge has coordinates in degrees that can take part.</summary>
    public static bool HasCoordinates(BasinData b) => GaugeCoordinates.Valid(b.Latitude, b.Longitude);

    /// <summary>A gauge without valid coordinates cannot take part: the error names the basin.</summary>
    public static void RequireCoordinates(BasinData b)
    {
        if (!HasCoordinates(b))
            throw new InvalidDataException(
                $"basin '{b.Id}' has no valid gauge coordinates (gauge_lat {b.Latitude}, gauge_lon {b.Longitude}): " +
                "the spatial knowledge needs gauge_lat and gauge_lon in degrees for every basin (Caravan " +
                    "attributes_other_*.csv, CAMELS-US camels_topo.txt)");
    }

    /// <summary>Haversine great-circle distance in km between two points given in degrees.</summary>
    public static double DistanceKm(double lat1, double lon1, double lat2, double lon2)
    {
        double p1 = lat1 * Math.PI / 180, p2 = lat2 * Math.PI / 180;
        double dp = p2 - p1, dl = (lon2 - lon1) * Math.PI / 180;
        double a = Math.Sin(dp / 2) * Math.Sin(dp / 2) + Math.Cos(p1) * Math.Cos(p2) * Math.Sin(dl / 2)
            * Math.Sin(dl / 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// <summary>
    /// The estimate for a basin at (lat, lon): per characteristic, the k nearest pool gauges that know it, each
    /// weighted by 1 / distance. The pool basin named <paramref name="selfId"/> (the target itself) is skipped. NaN
    /// where no pool gauge knows a characteristic.
    /// </summary>
    public double[] Estimate(double lat, double lon, string? selfId = null)
    {
        var distance = new double[_ids.Length];
        for (int i = 0; i < distance.Length; i++)
            distance[i] = Math.Max(MinimumDistanceKm, DistanceKm(lat, lon, _lat[i], _lon[i]));
        return InverseDistance.Mean(distance, _ids, _values, K, Power, selfId);
    }

    /// <summary>The estimate for <paramref name="basin"/>, never from itself (leave-self-out when it is in the
    /// pool).</summary>
    public double[] Estimate(BasinData basin)
    {
        RequireCoordinates(basin);
        return Estimate(basin.Latitude, basin.Longitude, basin.Id);
    }
}
