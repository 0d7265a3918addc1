using Kgssl.Config;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>Encoder + decoder + characteristics head, built from the model config.</summary>
public sealed class KgsslModel : nn.Module
{
    public Encoder Encoder { get; }
    public nn.Module Decoder { get; }
    public Linear Head { get; }
    public int DriverCount { get; }

    public KgsslModel(ModelConfig c, int driverCount, int characteristics) : base(nameof(KgsslModel))
    {
        DriverCount = driverCount;
        int channels = driverCount + 2;
        Encoder = new Encoder(channels, c.Hidden, c.Embedding, c.Directions == "concat");
        Decoder = c.Decoder switch
        {
            "forward" => new ForwardDecoder(driverCount, c.Embedding, c.DecoderHidden),
            "autoregressive" => new AutoregressiveDecoder(driverCount + 1, c.Embedding),
            _ => throw new ConfigException($"model.decoder: unknown decoder '{c.Decoder}'"),
        };
        Head = nn.Linear(c.Embedding, Math.Max(1, characteristics));
        register_module("encoder", Encoder);
        register_module("decoder", Decoder);
        register_module("head", Head);
    }

    public IDecoder Reconstructor => (IDecoder)Decoder;

    // [B, T, C] -> [B, E]
    public Tensor Embed(Tensor window) => Encoder.forward(window);
}
