using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Runs;

namespace Kgssl.Tests.Evaluation;

public class KnowledgeGuidedTests
{
    static readonly string[] Names = ["elev", "soil", "area"];

    /// <summary>20 basins on a line of longitude, two years of a simple series each; characteristics that vary smoothly
    /// in space.</summary>
    static HydroDataset Data(Func<int, double[]>? characteristics = null, double? latitudeOf3 = null)
    {
        var dates = Enumerable.Range(0, 730).Select(i => new DateOnly(2000, 1, 1).AddDays(i)).ToArray();
        var basins = Enumerable.Range(0, 20).Select(i =>
        {
            var rng = new Random(i);
            var drivers = dates.SelectMany(_ => new[] { (float)(rng.NextDouble() * 10), 10f, 2f }).ToArray();
            var q = dates.Select(_ => (float)(0.5 + rng.NextDouble() * (1 + i % 4))).ToArray();
            double lat = i == 3 && latitudeOf3 is { } l ? l : 30 + i * 0.5;
            return new BasinData($"b{i:D2}", dates, drivers, q, characteristics?.Invoke(i)
                ?? [100 * i, Math.Sin(i), 10 + i % 3], lat, -100, "t");
        }).ToArray();
        return new HydroDataset("caravan", "/x", ["total_precipitation_sum", "temperature_2m_mean",
            "potential_evaporation_sum"],
            "streamflow", Names, basins, [], []);
    }

    static KnowledgeGuided.Setup Setup(HydroDataset data, IReadOnlyList<string> pool, IReadOnlyList<int>? known = null)
    {
        var year1 = (new DateOnly(2000, 1, 1), new DateOnly(2000, 12, 31));
        var year2 = (new DateOnly(2001, 1, 1), new DateOnly(2001, 12, 30));
        return new KnowledgeGuided.Setup(data, pool, year1, year2, 3, known ?? []);
    }

    static readonly string[] Pool = [.. Enumerable.Range(0, 15).Select(i => $"b{i:D2}")];
    static readonly string[] Targets = [.. Enumerable.Range(15, 5).Select(i => $"b{i:D2}")];

    [Fact]
    public void AHeldOutBasinsCharacteristicsNeverReachTheEstimatesOfOthers()
    {
        // change every held-out basin's characteristics wildly: nothing else may move, not even another held-out basin
        var a = KnowledgeGuided.Estimate(Setup(Data(), Pool), [.. Pool, .. Targets], _ => [0, 0, 0]);
        var b = KnowledgeGuided.Estimate(Setup(Data(i => i >= 15 ? [1e6, -1e6, 1e6]
            : [100 * i, Math.Sin(i), 10 + i % 3]), Pool),
            [.. Pool, .. Targets], _ => [0, 0, 0]);
        foreach (var id in a.Keys) Assert.Equal(a[id], b[id]);
    }

    [Fact]
    public void AValidationBasinIsEstimatedFromTheTrainingBasinsAloneAndLendsToTheHeldOut()
    {
        // b00-b11 train, b12-b14 validate, b15-b19 held out: a validation basin's own characteristics may not reach
        // its estimate (its score is what choices are made on), but they lend to the held-out basins
        var split = new BasinSplit([.. Pool.Take(12)], [.. Pool.Skip(12)], Targets);
        var sets = Pool.Skip(12).Select(id => (id, "validation")).Concat(Targets.Select(id => (id, "heldout")))
            .ToList();
        Dictionary<string, double[]> Run(HydroDataset d) =>
            Workflow.EstimateBySet(Setup(d, Pool), split, sets, _ => [0, 0, 0]);
        var a = Run(Data());
        var b = Run(Data(i => i == 13 ? [1e6, -1e6, 1e6] : [100 * i, Math.Sin(i), 10 + i % 3]));
        foreach (var id in Pool.Skip(12)) Assert.Equal(a[id], b[id]);
        Assert.Contains(Targets, id => !a[id].SequenceEqual(b[id]));
        Assert.Equal(8, a.Count);
    }

    [Fact]
    public void ATrainingBasinsOwnCharacteristicsNeverReachItsNeighboursEstimate()
    {
        var data = Data();
        var near = NearestGauges.Of(Pool.Select(data.Basin).ToList(), 3);
        var changed = Data(i => i == 7 ? [-5e5, 9, 9] : [100 * i, Math.Sin(i), 10 + i % 3]);
        var nearChanged = NearestGauges.Of(Pool.Select(changed.Basin).ToList(), 3);
        Assert.Equal(near.Estimate(data.Basin("b07")), nearChanged.Estimate(changed.Basin("b07")));
    }

    [Fact]
    public void TheEstimateIsTheMeanOfThePureInverseTheNeighboursAndTheRidge()
    {
        var data = Data();
        var setup = Setup(data, Pool);
        var zero = KnowledgeGuided.Estimate(setup, Targets, _ => [0, 0, 0]);
        var shifted = KnowledgeGuided.Estimate(setup, Targets, _ => [30, 3, 3]);
        foreach (var id in Targets)
            // a third of the shift
            Assert.Equal(new[] { 10.0, 1, 1 }, shifted[id].Zip(zero[id], (x, y) => Math.Round(x - y, 9)));
        // elev grows 50 per 0.25 degree north: the neighbours of the northernmost target are all south of it, the ridge
        // on signatures knows nothing of elev (the series do not depend on it): the mean lies below the truth
        Assert.True(zero["b19"][0] < data.Basin("b19").Characteristics[0]);
    }

    [Fact]
    public void TheWeightsSetEachEstimatesShare()
    {
        var data = Data();
        var weighted = Setup(data, Pool) with { Weights = [1, 0, 2] };
        var zero = KnowledgeGuided.Estimate(weighted, Targets, _ => [0, 0, 0]);
        var shifted = KnowledgeGuided.Estimate(weighted, Targets, _ => [30, 3, 3]);
        foreach (var id in Targets)
            // 1 / (1 + 0 + 2)
            Assert.Equal(new[] { 10.0, 1, 1 }, shifted[id].Zip(zero[id], (x, y) => Math.Round(x - y, 9)));
        var pureOnly = KnowledgeGuided.Estimate(Setup(data, Pool)
            with { Weights = [1, 0, 0] }, Targets, _ => [7, 8, 9]);
        foreach (var id in Targets) Assert.Equal(new[] { 7.0, 8, 9 }, pureOnly[id]);
        Assert.Throws<ArgumentException>(() => KnowledgeGuided.Estimate(Setup(data, Pool)
            with { Weights = [0, 0, 0] }, Targets,
            _ => [0, 0, 0]));
    }

    [Fact]
    public void KnownCharacteristicsAreGivenBackAndHelpTheRidge()
    {
        // soil is a function of area, which is known: with it known the ridge learns soil from it
        var data = Data(i => [100 * i, 3 * (i % 5), 10 + i % 5]);
        var plain = KnowledgeGuided.Estimate(Setup(data, Pool), Targets,
            id => data.Basin(id).Characteristics.Select(_ => 0.0).ToArray());
        var known = KnowledgeGuided.Estimate(Setup(data, Pool, [2]), Targets,
            id => data.Basin(id).Characteristics.Select(_ => 0.0).ToArray());
        foreach (var id in Targets) Assert.Equal(data.Basin(id).Characteristics[2], known[id][2]);
        double Error(Dictionary<string, double[]> e) => Targets.Sum(
            id => Math.Abs(e[id][1] - data.Basin(id).Characteristics[1]));
        Assert.True(Error(known) < 0.8 * Error(plain), $"soil error {Error(plain):F2} -> {Error(known):F2}");
    }

    [Fact]
    public void ABasinWithoutCoordinatesOrAKnownValueIsAnErrorNamingIt()
    {
        var e = Assert.Throws<InvalidDataException>(() => KnowledgeGuided.Estimate(
            Setup(Data(latitudeOf3: double.NaN), Pool), Targets, _ => [0, 0, 0]));
        Assert.Contains("b03", e.Message);
        var missing = Data(i => i == 16 ? [1, 1, double.NaN] : [1, 1, 1]);
        var e2 = Assert.Throws<InvalidDataException>(() => KnowledgeGuided.Estimate(Setup(missing, Pool, [2]), Targets,
            _ => [0, 0, 0]));
        Assert.Equal("basin 'b16': characteristic 'area' is given as known but has no value in the attributes",
            e2.Message);
    }

    [Fact]
    public void AnUnknownNameInKnownIsAConfigErrorListingTheNames()
    {
        var e = Assert.Throws<ConfigException>(() => Workflow.KnownIndices(Names, ["elev", "aera"], "--known"));
        Assert.Contains("'aera' is not a characteristic", e.Message);
        Assert.Contains("elev, soil, area", e.Message);
        Assert.Equal([2, 0], Workflow.KnownIndices(Names, ["area", "elev", "area"], "--known"));
    }
}
