using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>
/// A convolutional alternative to the BiGRU encoder (<c>model.encoder: cnn</c>): a width-7 convolution over the
/// per-day inputs (stride 1, or <c>inputStride</c>), then <c>depth</c> width-5 convolutions of stride 2 (365 days -> 46
/// steps at depth 3, each step seeing 35 days; with input stride 3, 16 steps seeing 91 days), batch normalization and
/// ReLU after each (normalization: measured faster convergence); optionally a bidirectional GRU over the steps for
/// the context of the whole window; then attention pooling (as in KGSSL) beside mean pooling, and a linear map to the
/// embedding. All days are processed in parallel: with the tcn decoder it trains about four times
/// as many windows per second as the BiGRU + GRU pair on a CPU (benchmarks/RESULTS.md), which the demo needs.
/// </summary>
public sealed class ConvEncoder : nn.Module<Tensor, Tensor>
{
    readonly Sequential body;
    readonly GRU? context;
    readonly Linear attention;
    readonly Linear project;

    /// <param name="inputStride">Stride of the first convolution (1: every day; 3: 365 days -> 122 steps).</param>
    /// <param name="context">none, or gru: a bidirectional GRU (hidden/2 per direction) over the downsampled steps,
    /// added to them, so that every step also sees the whole window in order (the strided convolutions see 35-91
    /// days). Measured: three residual dilated convolutions in its place did worse than none.</param>
    public ConvEncoder(long channels, long hidden, long embedding, int depth, int inputStride = 1,
        string context = "none") : base(nameof(ConvEncoder))
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("conv0", nn.Conv1d(channels, hidden, 7, stride: inputStride, padding: 3)),
            ("norm0", new BatchNorm(hidden)),
            ("act0", nn.ReLU()),
        };
        for (int i = 1; i <= depth; i++)
        {
            layers.Add(($"conv{i}", nn.Conv1d(hidden, hidden, 5, stride: 2, padding: 2)));
            layers.Add(($"norm{i}", new BatchNorm(hidden)));
            layers.Add(($"act{i}", nn.ReLU()));
        }
        body = nn.Sequential(layers);
        if (context == "gru") this.context = nn.GRU(hidden, hidden / 2, batchFirst: true, bidirectional: true);
        attention = nn.Linear(hidden, 1);
        project = nn.Linear(2 * hidden, embedding);
        RegisterComponents();
    }

    // [batch, time, channels] -> [batch, embedding]
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = Steps(x);                                              // [B, T', H]
        var weights = attention.forward(h).softmax(1);                 // [B, T', 1]
        var pooled = cat([(weights * h).sum(1), h.mean([1])], 1);      // [B, 2H]
        return project.forward(pooled).MoveToOuterDisposeScope();      // [B, E]
    }

    /// <summary>Attention weights over the downsampled steps, for inspection. [B, T, C] -> [B, T']</summary>
    public Tensor AttentionWeights(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = Steps(x);
        return attention.forward(h).softmax(1).squeeze(-1).MoveToOuterDisposeScope();
    }

    /// <summary>The features of the downsampled steps before the pooling, for inspection and tests. [B, T, C] -> [B,
    /// T', H]</summary>
    public Tensor StepFeatures(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Steps(x).MoveToOuterDisposeScope();
    }

    // [B, T, C] -> the convolutions' downsampled steps (with the GRU's context when asked) [B, T', H]
    Tensor Steps(Tensor x)
    {
        var h = body.forward(x.transpose(1, 2)).transpose(1, 2);
        if (context is null) return h;
        var (c, _) = context.forward(h);                                // [B, T', 2 (H/2)]
        return Held.Plus(h, c);
    }
}
