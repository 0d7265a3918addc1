using TorchSharp;
using static TorchSharp.torch;

namespace Kgssl.Tests.Build;

public class TorchLoadTests
{
    [Fact]
    public void TorchLoadsAndTrainsATinyLstm()
    {
        torch.manual_seed(1);
        using var lstm = nn.LSTM(3, 4, batchFirst: true);
        using var x = torch.randn(2, 5, 3);
        var (y, _, _) = lstm.forward(x);
        using var loss = y.pow(2).mean();
        loss.backward();
        var grads = lstm.parameters().Select(p => p.grad).ToList();
        Assert.All(grads, g => Assert.NotNull(g));
        Assert.Contains(grads, g => g!.abs().sum().item<float>() > 0f);
        Assert.Equal(new long[] { 2, 5, 4 }, y.shape);
    }
}
