namespace Kgssl.Training;

/// <summary>What the trainer reports after each batch, for a progress bar.</summary>
public sealed record TrainProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double L1, double L2,
    double L3, double AnchorsPerSecond);
