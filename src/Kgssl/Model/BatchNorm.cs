using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>
/// Batch normalization over the channels of [B, C, T] (Ioffe and Szegedy 2015), as nn.BatchNorm1d (momentum 0.1,
/// eps 1e-5, affine, running statistics, the same parameter and buffer names, so its checkpoints load) but counting
/// its batches with a held Scalar: TorchSharp's own module adds a temporary 1 to num_batches_tracked on every
/// training call, which the GC may free while libtorch reads it (see <see cref="Held"/>).
/// </summary>
public sealed class BatchNorm : nn.Module<Tensor, Tensor>
{
    const double Momentum = 0.1, Eps = 1e-5;
    readonly Parameter weight, bias;
    readonly Tensor running_mean, running_var, num_batches_tracked;

    public BatchNorm(long channels) : base(nameof(BatchNorm))
    {
        weight = new Parameter(ones(channels));
        bias = new Parameter(zeros(channels));
        running_mean = zeros(channels);
        running_var = ones(channels);
        num_batches_tracked = zeros(1, dtype: ScalarType.Int64).squeeze();
        register_parameter("weight", weight);
        register_parameter("bias", bias);
        register_buffer("running_mean", running_mean);
        register_buffer("running_var", running_var);
        register_buffer("num_batches_tracked", num_batches_tracked);
    }

    public override Tensor forward(Tensor input)
    {
        if (training)
            using (no_grad()) num_batches_tracked.add_(Held.IntegerOne, Held.IntegerOne);
        return nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, Momentum, Eps);
    }
}
