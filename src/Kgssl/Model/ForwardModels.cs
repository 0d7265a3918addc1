using Kgssl.Config;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>A streamflow model: drivers [B, T, D] and statics [B, S] -> response [B, T] (normalized units).</summary>
public abstract class ForwardModel(string name) : nn.Module<Tensor, Tensor, Tensor>(name)
{
    public static ForwardModel Create(string kind, long drivers, long statics, long hidden, double dropout = 0) =>
        kind switch
        {
            Choices.ForwardModel.Lstm => new StaticLstm(drivers, statics, hidden, dropout),
            Choices.ForwardModel.EaLstm => new EaLstm(drivers, statics, hidden),
            Choices.ForwardModel.Tcn => new StaticTcn(drivers, statics, hidden),
            _ => throw new ArgumentException($"unknown forward model '{kind}' (expected lstm, ealstm or tcn)",
                nameof(kind)),
        };
}

/// <summary>An LSTM with the static inputs concatenated to the drivers at every step (Kratzert et al. 2019,
/// HESS).</summary>
public sealed class StaticLstm : ForwardModel
{
    readonly LSTM lstm;
    readonly Dropout dropout;
    readonly Linear head;

    public StaticLstm(long drivers, long statics, long hidden, double dropout = 0) : base(nameof(StaticLstm))
    {
        lstm = nn.LSTM(drivers + statics, hidden, batchFirst: true);
        this.dropout = nn.Dropout(dropout);   // on the hidden states before the head, as neuralhydrology's cudalstm
        head = nn.Linear(hidden, 1);
        RegisterComponents();
        // forget-gate bias 3 (PyTorch orders the gates input, forget, cell, output): long memory from the start
        using (no_grad()) lstm.named_parameters().Single(p => p.name == "bias_ih_l0").parameter
            [(int)hidden..(2 * (int)hidden)].fill_(3.0);
    }

    // drivers [B, T, D], statics [B, S] -> [B, T]
    public override Tensor forward(Tensor drivers, Tensor statics)
    {
        using var scope = NewDisposeScope();
        var x = statics.shape[1] == 0 ? drivers : cat([drivers, statics.unsqueeze(1).expand(-1, drivers.shape[1], -1)],
            2);
        var (h, _, _) = lstm.forward(x);
        return head.forward(dropout.forward(h)).squeeze(-1).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The causal temporal-convolution model of <see cref="ConvDecoder"/> with the statics as its conditioning
/// vector (FiLM on every layer): all days run in parallel, so a step costs a fraction of a recurrent one on a
/// CPU. Receptive field <see cref="ConvDecoder.ReceptiveField"/> days: warm-up days at least that long see
/// the whole of it.
/// </summary>
public sealed class StaticTcn : ForwardModel
{
    readonly ConvDecoder tcn;

    public StaticTcn(long drivers, long statics, long hidden) : base(nameof(StaticTcn))
    {
        tcn = new ConvDecoder(drivers, Math.Max(statics, 1), hidden);
        RegisterComponents();
    }

    // drivers [B, T, D], statics [B, S] -> [B, T]; no statics: a constant zero conditioning vector
    public override Tensor forward(Tensor drivers, Tensor statics)
    {
        using var scope = NewDisposeScope();
        var s = statics.shape[1] == 0 ? zeros(drivers.shape[0], 1, device: drivers.device) : statics;
        return tcn.forward(drivers, s).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Entity-Aware LSTM (Kratzert et al. 2019, HESS 23, 5089-5110): the input gate i = sigma(W_s s + b_s) depends
/// on the statics only, the forget and output gates and the cell update on the drivers and the hidden state.
/// </summary>
public sealed class EaLstm : ForwardModel
{
    readonly Linear inputGate;   // statics -> H
    readonly Linear dynamic;     // drivers -> 3H (forget, output, cell)
    readonly Linear recurrent;   // hidden -> 3H
    readonly Linear head;
    readonly long hidden;

    public EaLstm(long drivers, long statics, long hidden) : base(nameof(EaLstm))
    {
        this.hidden = hidden;
        inputGate = nn.Linear(Math.Max(statics, 1), hidden);
        dynamic = nn.Linear(drivers, 3 * hidden);
        recurrent = nn.Linear(hidden, 3 * hidden, hasBias: false);
        head = nn.Linear(hidden, 1);
        RegisterComponents();
        using (no_grad()) dynamic.bias![..(int)hidden].fill_(3.0); // forget-gate bias 3, as in the paper's code
    }

    // drivers [B, T, D], statics [B, S] -> [B, T]
    public override Tensor forward(Tensor drivers, Tensor statics)
    {
        using var scope = NewDisposeScope();
        long b = drivers.shape[0], steps = drivers.shape[1];
        var s = statics.shape[1] == 0 ? zeros(b, 1, device: drivers.device) : statics;
        var i = inputGate.forward(s).sigmoid();                     // [B, H]
        var xProj = dynamic.forward(drivers);                       // [B, T, 3H]
        var h = zeros(b, hidden, device: drivers.device);
        var c = zeros(b, hidden, device: drivers.device);
        var outputs = new Tensor[steps];
        for (long t = 0; t < steps; t++)
        {
            var gates = Held.Plus(xProj[.., t], recurrent.forward(h));   // [B, 3H]
            var parts = gates.chunk(3, 1);
            c = Held.Plus(parts[0].sigmoid() * c, i * parts[2].tanh());
            h = parts[1].sigmoid() * c.tanh();
            outputs[t] = h;
        }
        return head.forward(stack(outputs, 1)).squeeze(-1).MoveToOuterDisposeScope();
    }
}
