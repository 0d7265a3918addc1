namespace Kgssl.Training;

/// <summary>
/// Skips the optimizer step of a batch whose gradient norm is not finite (one NaN would otherwise reach every weight
/// through the clipping and Adam) and counts the skips per epoch; more than 1% of an epoch's steps, and at least 3,
/// stops the run with an error: the model diverges, or libtorch's oneDNN convolutions return garbage for this shape
/// (<see cref="TorchSetup.OneDnn"/>).
/// </summary>
public sealed class GradientGuard
{
    public int Steps { get; private set; }
    public int Skipped { get; private set; }

    /// <summary>True when the step with this gradient norm may update the weights.</summary>
    public bool Admit(double gradientNorm)
    {
        Steps++;
        if (double.IsFinite(gradientNorm)) return true;
        Skipped++;
        return false;
    }

    /// <summary>Ends an epoch and counts afresh: the epoch's skipped steps, or an error when there were too
    /// many.</summary>
    public int EndEpoch(int epoch)
    {
        int steps = Steps, skipped = Skipped;
        Steps = Skipped = 0;
        if (skipped >= 3 && skipped * 100 > steps)
            throw new InvalidOperationException(
                $"epoch {epoch}: {skipped} of {steps} training steps had a non-finite gradient and were skipped; the " +
                    $"training diverges " +
                "(lower training.learning_rate) or libtorch's oneDNN convolutions fail for this model's channel " +
                    "counts (set training.onednn: false)");
        return skipped;
    }
}
