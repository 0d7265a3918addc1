using Kgssl.Config;
using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>Encoder + decoder + characteristics head, built from the model config.</summary>
public sealed class KgsslModel : nn.Module
{
    /// <summary>The BiGRU + attention encoder (model.encoder: bigru, the authors') or the convolutional one
    /// (cnn).</summary>
    public nn.Module<Tensor, Tensor> Encoder { get; }
    public nn.Module Decoder { get; }
    /// <summary>z -> characteristics: linear (the authors') or an MLP with one hidden layer (model.head_hidden &gt;
    /// 0).</summary>
    public nn.Module<Tensor, Tensor> Head { get; }
    public int DriverCount { get; }

    /// <param name="physics">Units of the drivers and response, needed by the hbv decoder only.</param>
    /// <param name="channels">Encoder input channels (<see cref="Data.FeatureStore.Channels"/>); default drivers +
    /// response + missing flag.</param>
    public KgsslModel(ModelConfig c, int driverCount, int characteristics, HbvDecoder.Scaling? physics = null,
        int? channels = null) : base(nameof(KgsslModel))
    {
        DriverCount = driverCount;
        int inputs = channels ?? driverCount + 2;
        Encoder = c.Encoder switch
        {
            Choices.Encoder.BiGru => new Encoder(inputs, c.Hidden, c.Embedding, c.Directions == "concat"),
            Choices.Encoder.Cnn => new ConvEncoder(inputs, c.Hidden, c.Embedding, c.EncoderDepth, c.EncoderInputStride,
                c.EncoderContext),
            _ => throw new ConfigException($"model.encoder: unknown encoder '{c.Encoder}'"),
        };
        Decoder = c.Decoder switch
        {
            Choices.Decoder.Gru => new GruDecoder(driverCount, c.Embedding, c.DecoderHidden),
            Choices.Decoder.Tcn => new ConvDecoder(driverCount, c.Embedding, c.DecoderHidden),
            Choices.Decoder.Autoregressive => new AutoregressiveDecoder(driverCount + 1, c.Embedding),
            Choices.Decoder.Hbv => new HbvDecoder(c.Embedding, physics ?? throw new ConfigException(
                "model.decoder: hbv needs the data's units (internal: no scaling given)")),
            _ => throw new ConfigException($"model.decoder: unknown decoder '{c.Decoder}'"),
        };
        int k = Math.Max(1, characteristics);
        Head = c.HeadHidden > 0
            ? nn.Sequential(("fc1", nn.Linear(c.Embedding, c.HeadHidden)), ("act", nn.ReLU()),
                ("fc2", nn.Linear(c.HeadHidden, k)))
            : nn.Linear(c.Embedding, k);
        register_module("encoder", Encoder);
        register_module("decoder", Decoder);
        register_module("head", Head);
    }

    public IDecoder Reconstructor => (IDecoder)Decoder;

    /// <summary>The decoder as an emulator of F (forward and hbv decoders), else null.</summary>
    public IEmulator? Emulator => Decoder as IEmulator;

    /// <summary>The scaling the hbv decoder needs when the config asks for it, else null.</summary>
    public static HbvDecoder.Scaling? PhysicsFor(ModelConfig c, Data.Normalizer norm,
        IReadOnlyList<string> driverNames) =>
        c.Decoder == Choices.Decoder.Hbv ? HbvDecoder.ScalingFor(norm, driverNames) : null;

    // [B, T, C] -> [B, E]
    public Tensor Embed(Tensor window) => Encoder.forward(window);
}
