using Kgssl.Config;
using Kgssl.Experiments;
using Kgssl.Model;
using static TorchSharp.torch;

namespace Kgssl.Tests.Experiments;

public class ForwardModelTests
{
    [Theory]
    [InlineData("lstm", 5)]
    [InlineData("ealstm", 5)]
    [InlineData("tcn", 5)]
    [InlineData("lstm", 0)]
    [InlineData("ealstm", 0)]
    [InlineData("tcn", 0)]
    public void EveryForwardModelMapsDriversAndStaticsToOneResponsePerDay(string kind, int statics)
    {
        using var model = ForwardModel.Create(kind, 3, statics, 8, dropout: 0.2);
        model.eval();
        using var y = model.forward(randn(2, 40, 3), randn(2, statics));
        Assert.Equal([2L, 40L], y.shape);
        Assert.True(y.isfinite().all().item<bool>());
    }

    [Fact]
    public void TheLstmStartsWithItsForgetGateOpen()
    {
        using var model = (StaticLstm)ForwardModel.Create("lstm", 3, 2, 4);
        var bias = model.parameters().First(p => p.dim() == 1).data<float>().ToArray();
        Assert.Equal(16, bias.Length);   // input, forget, cell, output gates of 4 units
        Assert.All(bias[4..8], b => Assert.Equal(3f, b));
    }

    [Fact]
    public void TheLearningRateFallsAlongAHalfCosineToItsFinalValue()
    {
        var f = new ForwardConfig { Epochs = 10, LearningRate = 0.01, LearningRateFinal = 0.001 };
        Assert.Equal(0.01, ForwardExperiment.LearningRate(f, 0), 12);
        Assert.Equal(0.0055, ForwardExperiment.LearningRate(f, 5), 12);
        Assert.Equal(0.001, ForwardExperiment.LearningRate(f, 10), 12);
        Assert.True(ForwardExperiment.LearningRate(f, 2) > ForwardExperiment.LearningRate(f, 3));
        var constant = f with { LearningRateFinal = 0 };
        Assert.Equal(0.01, ForwardExperiment.LearningRate(constant, 7), 12);
    }
}
