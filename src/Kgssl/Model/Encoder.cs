using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>
/// KGSSL encoder (Ghosh et al., KDD 2022): a bidirectional GRU over the per-day inputs (drivers, response,
/// missing indicator), directions summed (the authors' code) or concatenated, then attention pooling
/// (a learned score per day, softmax over time) and a linear map to the embedding z.
/// </summary>
public sealed class Encoder : nn.Module<Tensor, Tensor>
{
    readonly GRU gru;
    readonly Linear attention;
    readonly Linear project;
    readonly long hidden;
    readonly bool concat;

    public Encoder(long channels, long hidden, long embedding, bool concatDirections) : base(nameof(Encoder))
    {
        this.hidden = hidden;
        concat = concatDirections;
        long pooled = concat ? 2 * hidden : hidden;
        gru = nn.GRU(channels, hidden, batchFirst: true, bidirectional: true);
        attention = nn.Linear(pooled, 1);
        project = nn.Linear(pooled, embedding);
        RegisterComponents();
    }

    // [batch, time, channels] -> [batch, embedding]
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (h, _) = gru.forward(x);                                   // [B, T, 2H]
        var merged = concat ? h : Held.Plus(h[.., .., ..(int)hidden], h[.., .., (int)hidden..]); // [B, T, H or 2H]
        var weights = attention.forward(merged).softmax(1);            // [B, T, 1]
        var pooled = (weights * merged).sum(1);                        // [B, H or 2H]
        return project.forward(pooled).MoveToOuterDisposeScope();      // [B, E]
    }

    /// <summary>Attention weights over time, for inspection. [B, T, C] -> [B, T]</summary>
    public Tensor AttentionWeights(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (h, _) = gru.forward(x);
        var merged = concat ? h : Held.Plus(h[.., .., ..(int)hidden], h[.., .., (int)hidden..]);
        return attention.forward(merged).softmax(1).squeeze(-1).MoveToOuterDisposeScope();
    }
}
