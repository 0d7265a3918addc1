using System.Globalization;
using Kgssl.Config;
using Kgssl.Data;

namespace Kgssl.Training;

/// <summary>
/// One row of epochs.csv: every loss term, train and validation, plus throughput and the steps the
/// <see cref="GradientGuard"/> skipped (non-finite gradient).
/// </summary>
public sealed record EpochRecord(
    int Epoch, double LearningRate,
    double Loss, double Reconstruction, double Guidance, double Supervision,
    double ValLoss, double ValReconstruction, double ValGuidance, double ValSupervision,
    int Anchors, double Seconds, int SkippedSteps = 0)
{
    public const string Header = "epoch,lr,loss,l1_reconstruction,l2_guidance,l3_supervision,val_loss,val_l1,val_l2," +
        "val_l3,anchors,seconds,anchor_windows_per_s,skipped_steps";

    // the columns before skipped_steps: what epochs.csv held before it was added (still read; it counts 0 there)
    const int OldColumns = 13;

    public double AnchorsPerSecond => Seconds > 0 ? Anchors / Seconds : 0;

    public string ToCsv() => string.Join(',', new object[] { Epoch, LearningRate, Loss, Reconstruction, Guidance,
        Supervision,
        ValLoss, ValReconstruction, ValGuidance, ValSupervision, Anchors, Seconds, AnchorsPerSecond, SkippedSteps }
        .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));

    /// <summary>Parses one data row; <paramref name="file"/> and <paramref name="lineNumber"/> name it in the
    /// error.</summary>
    public static EpochRecord Parse(string line, string file = RunFiles.Epochs, long lineNumber = 0)
    {
        var f = line.Split(',');
        if (f.Length != OldColumns && f.Length != OldColumns + 1)
            throw new DataFormatException(file, lineNumber,
                $"expected {OldColumns + 1} comma-separated values ({Header}), found {f.Length}");
        double D(int i) => double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new DataFormatException(file, lineNumber,
                $"column {i + 1} ({Header.Split(',')[i]}) expects a number, found '{f[i]}'");
        int I(int i) => int.TryParse(f[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
            : throw new DataFormatException(file, lineNumber,
                $"column {i + 1} ({Header.Split(',')[i]}) expects a whole number, found '{f[i]}'");
        return new EpochRecord(I(0), D(1), D(2), D(3), D(4), D(5), D(6), D(7), D(8), D(9), I(10), D(11),
            f.Length > OldColumns ? I(OldColumns) : 0);
    }

    public static List<EpochRecord> ReadAll(string path) =>
        File.Exists(path)
            ? File.ReadLines(path).Select((l, i) => (Line: l, Number: i + 1L)).Skip(1).Where(x => x.Line.Length > 0)
                .Select(x => Parse(x.Line, path, x.Number)).ToList()
            : [];
}
