using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>A decoder that predicts the response from drivers alone given an embedding: usable as an emulator of F.</summary>
public interface IEmulator
{
    // drivers [B, T, D] (normalized), z [B, E] -> response [B, T] (normalized)
    Tensor forward(Tensor drivers, Tensor z);
}
