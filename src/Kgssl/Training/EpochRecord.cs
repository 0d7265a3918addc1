using System.Globalization;

namespace Kgssl.Training;

/// <summary>One row of epochs.csv: every loss term, train and validation, plus throughput.</summary>
public sealed record EpochRecord(
    int Epoch, double LearningRate,
    double Loss, double Reconstruction, double Guidance, double Supervision,
    double ValLoss, double ValReconstruction, double ValGuidance, double ValSupervision,
    int Anchors, double Seconds)
{
    public const string Header = "epoch,lr,loss,l1_reconstruction,l2_guidance,l3_supervision,val_loss,val_l1,val_l2,val_l3,anchors,seconds,anchor_windows_per_s";

    public double AnchorsPerSecond => Seconds > 0 ? Anchors / Seconds : 0;

    public string ToCsv() => string.Join(',', new object[] { Epoch, LearningRate, Loss, Reconstruction, Guidance, Supervision,
        ValLoss, ValReconstruction, ValGuidance, ValSupervision, Anchors, Seconds, AnchorsPerSecond }
        .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));

    public static EpochRecord Parse(string line)
    {
        var f = line.Split(',');
        double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
        return new EpochRecord(int.Parse(f[0], CultureInfo.InvariantCulture), D(1), D(2), D(3), D(4), D(5), D(6), D(7), D(8), D(9),
            int.Parse(f[10], CultureInfo.InvariantCulture), D(11));
    }

    public static List<EpochRecord> ReadAll(string path) =>
        File.Exists(path) ? File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(Parse).ToList() : [];
}
