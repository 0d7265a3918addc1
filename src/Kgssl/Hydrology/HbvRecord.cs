using Kgssl.Data;

namespace Kgssl.Hydrology;

/// <summary>
/// One basin's drivers laid out as the generator runs HBV on them: the record's first year (at most) once from
/// default storages as spin-up, then the whole record, so that day t of the record is day <see cref="SpinUp"/> + t of
/// the series. Shared by the calibration reference and the physics emulator, so both see the generator's states.
/// </summary>
public sealed record HbvRecord(double[] Precipitation, double[] Temperature, double[] Pet, int SpinUp)
{
    /// <param name="driver">Indices of precipitation, temperature and PET among the basin's drivers
    /// (<see cref="HbvColumns.DriverIndices"/>).</param>
    public static HbvRecord Of(BasinData basin, int driverCount, IReadOnlyList<int> driver)
        => OfPeriod(basin, driverCount, driver, 0, basin.Days);

    /// <summary>
    /// Days [<paramref name="from"/>, <paramref name="to"/>) of the record alone, laid out as <see cref="Of"/> lays out
    /// the whole record: their first year (at most) once from default storages as spin-up, then the days themselves.
    /// Nothing before <paramref name="from"/> is used: the series a learned inverse that reads only those days could
    /// know.
    /// </summary>
    public static HbvRecord OfPeriod(BasinData basin, int driverCount, IReadOnlyList<int> driver, int from, int to)
    {
        if (driver.Count != 3) throw new ArgumentException(
            $"expected 3 driver indices (P, T, PET), got {driver.Count}", nameof(driver));
        if (from < 0 || to > basin.Days || to < from) throw new ArgumentOutOfRangeException(nameof(from),
            $"days [{from}, {to}) are not inside the record's {basin.Days} days");
        int n = to - from, spin = Math.Min(365, n);
        double[] Column(int k)
        {
            var a = new double[spin + n];
            for (int t = 0; t < spin + n; t++) a[t] = basin.Drivers[(from + (t < spin ? t : t - spin)) * driverCount
                + k];
            return a;
        }
        return new HbvRecord(Column(driver[0]), Column(driver[1]), Column(driver[2]), spin) { Offset = from };
    }

    /// <summary>The index in the series of day <paramref name="recordDay"/> of the record.</summary>
    public int IndexOf(int recordDay) => SpinUp + recordDay - Offset;

    /// <summary>Day of the record that day <see cref="SpinUp"/> of the series is (0 for <see cref="Of"/>).</summary>
    public int Offset { get; init; }

    /// <summary>
    /// What <see cref="HbvCalibration.Calibrate"/> fits for days [<paramref name="from"/>, <paramref name="to"/>) of
    /// the record: this layout, spin-up included, scored on those days; or, with <paramref name="freeStates"/>
    /// (<see cref="HbvCalibration.Options.FreeStates"/>), the series after the spin-up alone, from searched storages,
    /// its routing's first <see cref="HbvCalibration.RoutingDays"/> days not scored (the routing starts empty).
    /// </summary>
    public (HbvCalibration.Series Series, int ScoreFrom, int ScoreTo) CalibrationSeries(BasinData basin, int from,
        int to, bool freeStates)
    {
        var observed = Observed(basin);
        if (!freeStates) return (new(Precipitation, Temperature, Pet, observed), IndexOf(from), IndexOf(to));
        int skip = SpinUp;
        return (new(Precipitation[skip..], Temperature[skip..], Pet[skip..], observed[skip..]),
            IndexOf(from) - skip + HbvCalibration.RoutingDays, IndexOf(to) - skip);
    }

    /// <summary>Streamflow in mm/day over the series (spin-up days first).</summary>
    public double[] Simulate(HbvParameters p) => HbvModel.Run(p, Precipitation, Temperature, Pet).Runoff;

    /// <summary>The basin's streamflow on the series' days (NaN over the spin-up and where missing).</summary>
    public double[] Observed(BasinData basin)
    {
        var flow = new double[Precipitation.Length];
        for (int t = 0; t < flow.Length; t++) flow[t] = t < SpinUp ? double.NaN : basin.Response[Offset + t - SpinUp];
        return flow;
    }
}
