using Kgssl.Model;
using static TorchSharp.torch;

namespace Kgssl.Tests.Model;

[Collection("torch")]
public class MinGruTests
{
    // the recurrence step by step, in plain doubles: h_t = (1 - z_t) h_{t-1} + z_t g(h~_t), h_0 = 0
    static double[,,] ByHand(float[] gates, int batch, int steps, int hidden)
    {
        var h = new double[batch, steps, hidden];
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < hidden; j++)
            {
                double state = 0;
                for (int t = 0; t < steps; t++)
                {
                    int at = (b * steps + t) * 2 * hidden;
                    double k = gates[at + j], c = gates[at + hidden + j];
                    double z = 1 / (1 + Math.Exp(-k)), g = c >= 0 ? c + 0.5 : 1 / (1 + Math.Exp(-c));
                    state = (1 - z) * state + z * g;
                    h[b, t, j] = state;
                }
            }
        return h;
    }

    [Fact]
    public void TheScanInLogSpaceIsTheRecurrenceStepByStep()
    {
        manual_seed(3);
        const int batch = 3, steps = 61, hidden = 5;
        // gate pre-activations up to +-12: gates near 0 and 1, long products that a plain cumulative product would underflow
        using var gates = Held.Times(randn(batch, steps, 2 * hidden), 4.0);
        using var scanned = MinGru.Scan(gates);
        Assert.Equal([batch, steps, hidden], scanned.shape);
        var expected = ByHand(gates.data<float>().ToArray(), batch, steps, hidden);
        var got = scanned.data<float>().ToArray();
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < steps; t++)
                for (int j = 0; j < hidden; j++)
                {
                    double e = expected[b, t, j], g = got[(b * steps + t) * hidden + j];
                    Assert.True(Math.Abs(g - e) <= 1e-4 * Math.Max(1, Math.Abs(e)), $"b {b} t {t} j {j}: {g} vs {e}");
                }
    }

    [Fact]
    public void BothDirectionsAreReturnedAndGradientsAreFinite()
    {
        manual_seed(4);
        using var gru = new MinGru(8, 4);
        using var x = randn(2, 30, 8, requires_grad: true);
        using var y = gru.forward(x);
        Assert.Equal([2, 30, 8], y.shape);
        // the forward half at step 0 sees step 0 only; the backward half at the last step sees that step only
        using var shifted = x.clone().detach();
        shifted[.., 29, ..] = randn(2, 8);
        using var y2 = gru.forward(shifted);
        Assert.Equal(y[.., 0, ..4].data<float>().ToArray(), y2[.., 0, ..4].data<float>().ToArray());
        Assert.NotEqual(y[.., 0, 4..].data<float>().ToArray(), y2[.., 0, 4..].data<float>().ToArray());
        (y * y).sum().backward();
        Assert.True(x.grad is not null && x.grad.isfinite().all().item<bool>());
        Assert.All(gru.parameters(), p => Assert.True(p.grad is not null && p.grad.isfinite().all().item<bool>()));
    }
}
