using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>Windows of per-day inputs to embeddings: [B, T, C] -> [B, E].</summary>
public interface IEncoder
{
    Tensor forward(Tensor x);

    /// <summary>The attention pooling's weights over the encoder's time steps, for inspection: [B, T, C] -> [B, T'].</summary>
    Tensor AttentionWeights(Tensor x);
}
