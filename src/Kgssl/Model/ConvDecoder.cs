using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>
/// A causal temporal-convolution forward model F(x_{..t}, z) -> y_t (<c>model.decoder: tcn</c>), the parallel
/// counterpart of <see cref="GruDecoder"/>: a 1x1 convolution lifts the drivers to <c>hidden</c> channels,
/// then residual width-3 convolutions dilated 1, 2, 4, ..., 128 (receptive field 511 days, so a year of
/// spin-up covers it) each padded on the left only, so day t never sees later days (tested). The embedding
/// conditions every layer by FiLM (Perez et al. 2018): h += relu(conv(h) * (1 + gamma_l(z)) + beta_l(z)).
/// A 1x1 read-out gives the response. All days run in parallel, unlike the GRU.
/// </summary>
public sealed class ConvDecoder : nn.Module<Tensor, Tensor, Tensor>, IDecoder, IEmulator
{
    public static readonly int[] Dilations = [1, 2, 4, 8, 16, 32, 64, 128];

    /// <summary>Days of the past that day t's prediction depends on, itself included.</summary>
    public static int ReceptiveField => 1 + 2 * Dilations.Sum();

    readonly Conv1d lift;
    readonly Linear film;
    readonly ModuleList<Conv1d> layers;
    readonly Conv1d readout;
    readonly long hidden;

    public ConvDecoder(long drivers, long embedding, long hidden) : base(nameof(ConvDecoder))
    {
        this.hidden = hidden;
        lift = nn.Conv1d(drivers, hidden, 1);
        film = nn.Linear(embedding, 2 * hidden * Dilations.Length);
        layers = nn.ModuleList(Dilations.Select(d => nn.Conv1d(hidden, hidden, 3, dilation: d)).ToArray());
        readout = nn.Conv1d(hidden, 1, 1);
        RegisterComponents();
    }

    // drivers [B, T, D], z [B, E] -> response [B, T]
    public override Tensor forward(Tensor drivers, Tensor z)
    {
        using var scope = NewDisposeScope();
        var h = lift.forward(drivers.transpose(1, 2));                              // [B, H, T]
        var f = film.forward(z).view(z.shape[0], Dilations.Length, 2, hidden, 1);   // [B, L, 2, H, 1]
        for (int i = 0; i < Dilations.Length; i++)
        {
            var a = layers[i].forward(nn.functional.pad(h, [2L * Dilations[i], 0L]));  // causal: left padding only
            var gamma = f[.., i, 0];
            var beta = f[.., i, 1];
            h = Held.Plus(h, nn.functional.relu(Held.Plus(Held.Plus(a, a * gamma), beta)));   // a * (1 + gamma) + beta
        }
        return readout.forward(h).squeeze(1).MoveToOuterDisposeScope();           // [B, T]
    }

    public (Tensor Prediction, Tensor Target, Tensor Mask) Reconstruct(Tensor window, Tensor z, int driverCount) =>
        IEmulator.ReconstructResponse(this, window, z, driverCount);
}
