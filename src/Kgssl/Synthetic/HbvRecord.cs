using Kgssl.Data;

namespace Kgssl.Synthetic;

/// <summary>
/// One basin's drivers laid out as the generator runs HBV on them: the record's first year (at most) once from
/// default storages as spin-up, then the whole record, so that day t of the record is day <see cref="SpinUp"/> + t of
/// the series. Shared by the calibration reference and the physics emulator, so both see the generator's states.
/// </summary>
public sealed record HbvRecord(double[] Precipitation, double[] Temperature, double[] Pet, int SpinUp)
{
    /// <param name="driver">Indices of precipitation, temperature and PET among the basin's drivers (<see cref="HbvColumns.DriverIndices"/>).</param>
    public static HbvRecord Of(BasinData basin, int driverCount, IReadOnlyList<int> driver)
    {
        if (driver.Count != 3) throw new ArgumentException($"expected 3 driver indices (P, T, PET), got {driver.Count}", nameof(driver));
        int n = basin.Days, spin = Math.Min(365, n);
        double[] Column(int k)
        {
            var a = new double[spin + n];
            for (int t = 0; t < spin + n; t++) a[t] = basin.Drivers[(t < spin ? t : t - spin) * driverCount + k];
            return a;
        }
        return new HbvRecord(Column(driver[0]), Column(driver[1]), Column(driver[2]), spin);
    }

    /// <summary>Streamflow in mm/day over the series (spin-up days first).</summary>
    public double[] Simulate(HbvParameters p) => HbvModel.Run(p, Precipitation, Temperature, Pet).Runoff;

    /// <summary>The basin's streamflow on the series' days (NaN over the spin-up and where missing).</summary>
    public double[] Observed(BasinData basin)
    {
        var flow = new double[SpinUp + basin.Days];
        for (int t = 0; t < flow.Length; t++) flow[t] = t < SpinUp ? double.NaN : basin.Response[t - SpinUp];
        return flow;
    }
}
