using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>
/// A decoder reconstructs a window from the encoder input and an embedding. Output and target have the same
/// shape; the mask (1 = count it) excludes missing response days. All three: [batch, time, channels_out].
/// </summary>
public interface IDecoder
{
    (Tensor Prediction, Tensor Target, Tensor Mask) Reconstruct(Tensor window, Tensor z, int driverCount);
}
