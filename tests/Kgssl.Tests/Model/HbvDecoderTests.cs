using Kgssl.Config;
using Kgssl.Hydrology;
using Kgssl.Model;
using Kgssl.Synthetic;
using static TorchSharp.torch;

namespace Kgssl.Tests.Model;

public class HbvDecoderTests
{
    static readonly HbvDecoder.Scaling Identity = new(0, 1, 2, [0, 0, 0], [1, 1, 1], 0, 1, false);

    [Fact]
    public void TheTorchEquationsReproduceTheCSharpForwardModel()
    {
        // two parameter sets, one snowy climate: every routine is exercised (snow, refreezing, overflow, quick flow)
        var w = WeatherGenerator.Generate(new Climate(45, 3.5, 0.3, 0.45, 3, 12), new DateOnly(1990, 10, 1), 730,
            new SeededRandom(4));
        HbvParameters[] sets =
        [
            new(TT: 0.5, CFMAX: 3.5, FC: 220, LP: 0.6, BETA: 2.5, PERC: 1.2, UZL: 15, K0: 0.25, K1: 0.08, K2: 0.01,
                MAXBAS: 3.2),
            new(TT: -1.2, CFMAX: 5, FC: 80, LP: 0.9, BETA: 1.3, PERC: 3.5, UZL: 2, K0: 0.45, K1: 0.2, K2: 0.002,
                MAXBAS: 1.4),
        ];
        using var decoder = new HbvDecoder(4, Identity);
        var theta = tensor(sets.SelectMany(s => s.ToArray()).Select(v => (float)v).ToArray(), [2, 11]);
        Tensor Series(double[] v) => tensor(v.Select(x => (float)x).ToArray(), [1, v.Length]).expand(2,
            -1).contiguous();
        var q = decoder.Simulate(theta, Series(w.Precipitation), Series(w.Temperature), Series(w.Pet), spinUp: false);
        for (int b = 0; b < 2; b++)
        {
            var expected = HbvModel.Run(sets[b], w.Precipitation, w.Temperature, w.Pet).Runoff;
            var got = q[b].data<float>().ToArray();
            double maxErr = expected.Select((e, t) => Math.Abs(e - got[t])).Max();
            Assert.True(maxErr < 1e-3 * expected.Max() + 1e-4,
                $"set {b}: max |torch - C#| {maxErr} mm/day (peak {expected.Max():F2})");
        }
    }

    [Fact]
    public void ParametersStayInsideTheDocumentedRangesAndGradientsReachTheEmbedding()
    {
        manual_seed(1);
        using var decoder = new HbvDecoder(4, Identity);
        var z = (randn(5, 4) * 10).requires_grad_(true);
        var theta = decoder.Parameters(z).detach();
        for (int k = 0; k < 11; k++)
        {
            var r = HbvParameters.Ranges[k];
            Assert.True(theta[.., k].min().item<float>() >= r.Min - 1e-5
                && theta[.., k].max().item<float>() <= r.Max + 1e-4, r.Name);
        }
        var drivers = stack([rand(5, 60) * 8, randn(5, 60) * 5 + 5, rand(5, 60) * 3], 2);
        var y = decoder.forward(drivers, z);
        Assert.Equal(new long[] { 5, 60 }, y.shape);
        y.sum().backward();
        Assert.True(z.grad is not null && z.grad.abs().sum().item<float>() > 0);
        Assert.False(z.grad!.isnan().any().item<bool>());
    }

    [Fact]
    public void TheDecoderNeedsPrecipitationTemperatureAndPet()
    {
        var norm = new Kgssl.Data.Normalizer([0, 0], [1, 1], 0, 1, true, [0], [1]);
        var e = Assert.Throws<ConfigException>(() => HbvDecoder.ScalingFor(norm,
            ["total_precipitation_sum", "temperature_2m_mean"]));
        Assert.Contains("potential_evaporation_sum", e.Message);
    }
}
