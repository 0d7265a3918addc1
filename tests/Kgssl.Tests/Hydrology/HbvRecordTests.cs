using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Hydrology;
using Kgssl.Synthetic;

namespace Kgssl.Tests.Hydrology;

public class HbvRecordTests
{
    static readonly string[] LogNames = [.. EnsembleGenerator.CharacteristicNames.Select(
        n => HbvParameters.Ranges.Any(r => r.Name == n && r.Log) ? $"log10({n})" : n)];

    [Fact]
    public void ParametersComeBackFromCharacteristicsOnTheirScalesClampedIntoTheirRanges()
    {
        var columns = HbvColumns.Parameters(LogNames);
        Assert.Equal(11, columns.Count);
        var truth = new HbvParameters(0.5, 3, 200, 0.6, 2, 1.5, 20, 0.2, 0.05, 0.01, 2.5);
        var values = new double[LogNames.Length];
        foreach (var c in columns) values[c.Index] = c.ToScale(truth.ToArray()[c.Parameter]);
        var back = HbvColumns.ToParameters(columns, values)!.ToArray();
        for (int k = 0; k < 11; k++) Assert.Equal(truth.ToArray()[k], back[k], 9);

        // a head's prediction past a range's end is taken to the end: FC 900 -> 500, log10(K2) -4 -> 0.001
        values[columns.Single(c => c.Name == "FC").Index] = 900;
        values[columns.Single(c => c.Name == "log10(K2)").Index] = -4;
        var clamped = HbvColumns.ToParameters(columns, values)!;
        Assert.Equal(500, clamped.FC);
        Assert.Equal(0.001, clamped.K2, 12);

        Assert.Equal([2, 0, 1], HbvColumns.TryDriverIndices(["temperature_2m_mean", "potential_evaporation_sum",
            "total_precipitation_sum"])!);
        // no PET: no physics emulator
        Assert.Null(HbvColumns.TryDriverIndices(["total_precipitation_sum", "temperature_2m_mean"]));

        values[columns[0].Index] = double.NaN;
        Assert.Null(HbvColumns.ToParameters(columns, values));
        Assert.Null(HbvColumns.ToParameters(columns.Skip(1).ToList(), values));   // a parameter without a column
    }

    // a small ensemble of 4-year records, loaded, and the indices of P, T and PET among its drivers
    static (HydroDataset Data, int[] Driver) Ensemble(TempDir dir, int basins, int seed)
    {
        string root = dir.Sub("ens");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(root, basins, 4, seed));
        var data = DatasetLoader.Load(new DataConfig { Dataset = "caravan", Root = root,
            Source = EnsembleGenerator.Source, Characteristics = [.. LogNames] }, useCache: false).Data;
        return (data, HbvColumns.DriverIndices(data.DriverNames, n => new InvalidOperationException(n)));
    }

    [Fact]
    public void TheTrueParametersReproduceTheGeneratorsStreamflow()
    {
        // what the physics emulator and the calibration run: the record's first year as spin-up, then the record.
        // The generator spun up on the year before the record (not written) and wrote 4 decimals, so the match is
        // close, not exact
        using var dir = new TempDir();
        var (data, driver) = Ensemble(dir, 12, 9);
        var columns = HbvColumns.Parameters(data.CharacteristicNames);
        var nses = new List<double>();
        foreach (var basin in data.Basins)
        {
            var record = HbvRecord.Of(basin, data.DriverCount, driver);
            Assert.Equal(365, record.SpinUp);
            Assert.Equal(365 + basin.Days, record.Precipitation.Length);
            // spin-up = day 0 on
            Assert.Equal(basin.Drivers[0 * data.DriverCount + driver[0]], record.Precipitation[0]);
            // record day 0
            Assert.Equal(basin.Drivers[0 * data.DriverCount + driver[0]], record.Precipitation[365]);
            Assert.Equal(basin.Drivers[(basin.Days - 1) * data.DriverCount + driver[2]], record.Pet[^1]);
            var q = record.Simulate(HbvColumns.ToParameters(columns, basin.Characteristics)!);
            var observed = record.Observed(basin);
            Assert.True(double.IsNaN(observed[364]) && observed[365] == basin.Response[0]);
            int half = basin.Days / 2;
            nses.Add(Metrics.Nse(q.AsSpan(365 + half), observed.AsSpan(365 + half)));
        }
        Assert.True(Metrics.Median(nses) > 0.999, $"median NSE {Metrics.Median(nses):F5}");
        Assert.All(nses, v => Assert.True(v > 0.95, $"NSE {v:F4}"));
    }

    [Fact]
    public void APeriodAloneIsLaidOutWithItsOwnFirstYearAsSpinUpAndNothingBeforeIt()
    {
        using var dir = new TempDir();
        var (data, driver) = Ensemble(dir, 3, 5);
        var basin = data.Basins[0];
        int from = 730, to = basin.Days;   // the last two years
        var own = HbvRecord.OfPeriod(basin, data.DriverCount, driver, from, to);
        Assert.Equal(365, own.SpinUp);
        Assert.Equal(from, own.Offset);
        Assert.Equal(365 + to - from, own.Precipitation.Length);
        // spin-up = the period's day 0 on
        Assert.Equal(basin.Drivers[from * data.DriverCount + driver[0]], own.Precipitation[0]);
        Assert.Equal(basin.Drivers[(from + 364) * data.DriverCount + driver[1]], own.Temperature[364]);
        // then the period itself
        Assert.Equal(basin.Drivers[from * data.DriverCount + driver[0]], own.Precipitation[365]);
        Assert.Equal(basin.Drivers[(to - 1) * data.DriverCount + driver[2]], own.Pet[^1]);
        var observed = own.Observed(basin);
        Assert.Equal(own.Precipitation.Length, observed.Length);
        Assert.True(double.IsNaN(observed[364]));
        Assert.Equal(basin.Response[from], observed[365]);
        Assert.Equal(basin.Response[to - 1], observed[^1]);

        // from the record's first day on, the period is laid out exactly as the whole record is
        var whole = HbvRecord.Of(basin, data.DriverCount, driver);
        var same = HbvRecord.OfPeriod(basin, data.DriverCount, driver, 0, basin.Days);
        Assert.Equal(whole.Precipitation, same.Precipitation);
        Assert.Equal(whole.Temperature, same.Temperature);
        Assert.Equal(whole.Pet, same.Pet);
        Assert.Equal(whole.Observed(basin), same.Observed(basin));
        var columns = HbvColumns.Parameters(data.CharacteristicNames);
        var truth = HbvColumns.ToParameters(columns, basin.Characteristics)!;
        Assert.Equal(whole.Simulate(truth), same.Simulate(truth));

        // a short period spins up on all of its days; a period outside the record is refused
        Assert.Equal(100, HbvRecord.OfPeriod(basin, data.DriverCount, driver, 10, 110).SpinUp);
        Assert.Throws<ArgumentOutOfRangeException>(() => HbvRecord.OfPeriod(basin, data.DriverCount, driver, from,
            basin.Days + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => HbvRecord.OfPeriod(basin, data.DriverCount, driver, 60, 50));
        Assert.Equal(365 + 1, own.IndexOf(from + 1));
    }
}
