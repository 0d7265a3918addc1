using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>
/// A bidirectional minimal GRU (Feng et al. 2024, "Were RNNs all we needed?", arXiv:2410.01201): the gates read the
/// input alone, h_t = (1 - z_t) h_{t-1} + z_t g(h~_t), so the recurrence is linear in h and every step of a sequence
/// is computed at once by a cumulative sum in log space (log z, log(1 - z) and log g(h~) are exact; h_0 = 0),
/// instead of one small matrix product per step and direction as in <see cref="nn.GRU"/>. [B, T, in] -> [B, T, 2 hidden]
/// (forward and backward directions side by side, as a bidirectional GRU's output).
/// Only held Scalars are passed to libtorch (<see cref="Held"/>): softplus is written out for that reason.
/// </summary>
public sealed class MinGru : nn.Module<Tensor, Tensor>
{
    readonly Linear forwardGates, backwardGates;

    public MinGru(long input, long hidden) : base(nameof(MinGru))
    {
        forwardGates = nn.Linear(input, 2 * hidden);
        backwardGates = nn.Linear(input, 2 * hidden);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var ahead = Scan(forwardGates.forward(x));
        var behind = Scan(backwardGates.forward(x.flip(1))).flip(1);
        return cat([ahead, behind], 2).MoveToOuterDisposeScope();
    }

    /// <summary>The recurrence over dimension 1 of gate pre-activations [B, T, 2 H] (z's first, then h~'s) -> [B, T, H].</summary>
    public static Tensor Scan(Tensor gates)
    {
        var parts = gates.chunk(2, -1);
        Tensor k = parts[0], candidate = parts[1];
        var logKeep = Softplus(k).neg();                 // log(1 - sigmoid(k))
        var logGate = Softplus(k.neg()).neg();           // log sigmoid(k)
        var logValues = Held.Plus(logGate, LogG(candidate));
        var cumulative = logKeep.cumsum(1);
        var logH = Held.Plus(cumulative, (logValues - cumulative).logcumsumexp(1));
        return logH.exp();
    }

    /// <summary>log g(x), g(x) = x + 0.5 for x &gt;= 0, sigmoid(x) below: positive and continuous, so that log h exists.</summary>
    static Tensor LogG(Tensor x) => where(x.ge(Held.Zero), Held.Plus(x.relu(), 0.5).log(), Softplus(x.neg()).neg());

    /// <summary>log(1 + e^x), stable for large |x|.</summary>
    static Tensor Softplus(Tensor x) => Held.Plus(x.relu(), x.abs().neg().exp().log1p());
}
