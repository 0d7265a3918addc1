using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>
/// The KGSSL authors' decoder: a GRU with initial state z and a zero first input; each step's output
/// Linear(h_t * z) is fed back as the next input, reconstructing all input channels (drivers and response).
/// Needs hidden size == embedding size. Slow on CPU (one GRU cell call per day), kept for fidelity.
/// </summary>
public sealed class AutoregressiveDecoder : nn.Module<Tensor, long, Tensor>, IDecoder
{
    readonly GRUCell cell;
    readonly Linear output;
    readonly long channels;

    public AutoregressiveDecoder(long channels, long embedding) : base(nameof(AutoregressiveDecoder))
    {
        this.channels = channels;
        cell = nn.GRUCell(channels, embedding);
        output = nn.Linear(embedding, channels);
        RegisterComponents();
    }

    // z [B, E], steps -> [B, T, channels]
    public override Tensor forward(Tensor z, long steps)
    {
        using var scope = NewDisposeScope();
        var h = z;
        var input = zeros(z.shape[0], channels, dtype: z.dtype, device: z.device);
        var outputs = new Tensor[steps];
        for (long t = 0; t < steps; t++)
        {
            h = cell.forward(input, h);
            input = output.forward(h * z);
            outputs[t] = input;
        }
        return stack(outputs, 1).MoveToOuterDisposeScope();
    }

    public (Tensor Prediction, Tensor Target, Tensor Mask) Reconstruct(Tensor window, Tensor z, int driverCount)
    {
        var prediction = forward(z, window.shape[1]);                          // [B, T, D+1]
        var target = window[.., .., ..(driverCount + 1)];
        var responseObserved = Held.From(1, window[.., .., (driverCount + 1)..(driverCount + 2)]);
        var mask = cat([ones_like(window[.., .., ..driverCount]), responseObserved], 2);
        return (prediction, target, mask);
    }
}
