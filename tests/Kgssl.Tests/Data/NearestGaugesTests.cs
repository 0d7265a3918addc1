using Kgssl.Data;

namespace Kgssl.Tests.Data;

public class NearestGaugesTests
{
    static BasinData Gauge(string id, double lat, double lon, params double[] values) =>
        new(id, [new DateOnly(2000, 1, 1)], [0f], [1f], values, lat, lon, "test");

    [Fact]
    public void OneDegreeOfLatitudeIsAHundredAndElevenKilometres()
    {
        // 2 pi R / 360 with R = 6371.0088 km
        Assert.Equal(2 * Math.PI * 6371.0088 / 360, NearestGauges.DistanceKm(10, 20, 11, 20), 6);
        // along the equator a degree of longitude is the same; at 60 degrees N (near) half of it
        Assert.Equal(2 * Math.PI * 6371.0088 / 360, NearestGauges.DistanceKm(0, 0, 0, 1), 6);
        Assert.Equal(0.5, NearestGauges.DistanceKm(60, 0, 60, 0.01) / NearestGauges.DistanceKm(0, 0, 0, 0.01), 4);
        // across the date line
        Assert.Equal(NearestGauges.DistanceKm(0, 179.5, 0, -179.5), NearestGauges.DistanceKm(0, 0, 0, 1), 6);
    }

    [Fact]
    public void TheEstimateIsTheInverseDistanceMeanOfTheKNearestThatKnowTheValue()
    {
        double km = NearestGauges.DistanceKm(0, 0, 0, 1);
        var pool = new[]
        {
            Gauge("a", 0, 1, 10, 1), Gauge("b", 0, 2, 20, double.NaN), Gauge("c", 0, 4, 40, 4), Gauge("d", 0, 8, 80, 8),
        };
        var near = NearestGauges.Of(pool, 2);
        var e = near.Estimate(0, 0);
        // column 0: a (1 degree) and b (2 degrees): weights 1 and 1/2
        Assert.Equal((10 / km + 20 / (2 * km)) / (1 / km + 1 / (2 * km)), e[0], 9);
        // column 1: b does not know it, so a and c
        Assert.Equal((1 / km + 4 / (4 * km)) / (1 / km + 1 / (4 * km)), e[1], 9);
    }

    [Fact]
    public void WithPowerTwoTheWeightsAreOneOverTheSquaredDistance()
    {
        double km = NearestGauges.DistanceKm(0, 0, 0, 1);
        var near = NearestGauges.Of([Gauge("a", 0, 1, 10), Gauge("b", 0, 2, 20)], 2, power: 2);
        double wa = 1 / (km * km), wb = 1 / (2 * km * 2 * km);
        Assert.Equal((10 * wa + 20 * wb) / (wa + wb), near.Estimate(0, 0)[0], 9);   // 12: a weighs four times b
    }

    [Fact]
    public void ABasinNeverLendsToItself()
    {
        var pool = new[] { Gauge("a", 0, 0, 100), Gauge("b", 0, 1, 1), Gauge("c", 0, 2, 2) };
        var near = NearestGauges.Of(pool, 1);
        Assert.Equal(1, near.Estimate(pool[0])[0], 12);   // a's own 100 at distance 0 is skipped
        // another basin at a's place gets a's value
        Assert.Equal(100, near.Estimate(Gauge("x", 0, 0, double.NaN))[0], 12);
    }

    [Fact]
    public void AGaugeWithoutCoordinatesIsAnErrorNamingTheBasin()
    {
        var e = Assert.Throws<InvalidDataException>(() => NearestGauges.Of(
            [Gauge("a", 0, 0, 1), Gauge("camels_0123", double.NaN, 5, 2)], 1));
        Assert.Contains("camels_0123", e.Message);
        Assert.Contains("gauge_lat", e.Message);
    }

    [Fact]
    public void WhatNoNeighbourKnowsIsNaN()
    {
        var near = NearestGauges.Of([Gauge("a", 0, 1, double.NaN)], 3);
        Assert.True(double.IsNaN(near.Estimate(0, 0)[0]));
    }
}
