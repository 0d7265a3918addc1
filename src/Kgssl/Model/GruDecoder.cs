using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>
/// The seed's framing of L1: a recurrent forward model F(x_t, z) -> y_t. A GRU reads the drivers with z
/// concatenated at each step, its initial state is tanh(W z), and a linear read-out predicts the response.
/// </summary>
public sealed class GruDecoder : nn.Module<Tensor, Tensor, Tensor>, IDecoder, IEmulator
{
    readonly GRU gru;
    readonly Linear init;
    readonly Linear readout;

    public GruDecoder(long drivers, long embedding, long hidden) : base(nameof(GruDecoder))
    {
        gru = nn.GRU(drivers + embedding, hidden, batchFirst: true);
        init = nn.Linear(embedding, hidden);
        readout = nn.Linear(hidden, 1);
        RegisterComponents();
    }

    // drivers [B, T, D], z [B, E] -> response [B, T]
    public override Tensor forward(Tensor drivers, Tensor z)
    {
        using var scope = NewDisposeScope();
        long t = drivers.shape[1];
        var zSeq = z.unsqueeze(1).expand(-1, t, -1);                   // [B, T, E]
        var h0 = init.forward(z).tanh().unsqueeze(0);                   // [1, B, H]
        var (h, _) = gru.forward(cat([drivers, zSeq], 2), h0);         // [B, T, H]
        return readout.forward(h).squeeze(-1).MoveToOuterDisposeScope();
    }

    public (Tensor Prediction, Tensor Target, Tensor Mask) Reconstruct(Tensor window, Tensor z, int driverCount) =>
        IEmulator.ReconstructResponse(this, window, z, driverCount);
}
