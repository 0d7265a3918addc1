using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>A decoder that predicts the response from drivers alone given an embedding: usable as an emulator of
/// F.</summary>
public interface IEmulator
{
    // drivers [B, T, D] (normalized), z [B, E] -> response [B, T] (normalized)
    Tensor forward(Tensor drivers, Tensor z);

    /// <summary>
    /// L1 for an emulator (its <see cref="IDecoder.Reconstruct"/>): the response predicted from the window's drivers,
    /// the window's response channel as target, and 1 - the missing indicator as mask. All [B, T, 1]. Given
    /// <paramref name="contextDrivers"/> ([B, C + T, D]: C days before the window, then the window's), the emulator
    /// runs over those instead and only its last T days are scored.
    /// </summary>
    static (Tensor Prediction, Tensor Target, Tensor Mask) ReconstructResponse(IEmulator emulator, Tensor window,
        Tensor z, int driverCount,
        Tensor? contextDrivers = null)
    {
        var prediction = contextDrivers is null
            ? emulator.forward(window[.., .., ..driverCount], z).unsqueeze(-1)
            : emulator.forward(contextDrivers, z)[.., (int)(contextDrivers.shape[1] - window.shape[1])..].unsqueeze(-1);
        var target = window[.., .., driverCount..(driverCount + 1)];
        var mask = Held.From(1, window[.., .., (driverCount + 1)..(driverCount + 2)]);
        return (prediction, target, mask);
    }
}
