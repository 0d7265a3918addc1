namespace Kgssl.Evaluation;

/// <summary>One parameter: how well the exact-model calibration and the learned inverses recover it on the same
/// basins.</summary>
public sealed record IdentifiabilityRow(string Parameter, double CalibrationR, bool Identifiable, double LearnedR)
{
    /// <summary>The learned inverse reaches the bar on a parameter the data identifies.</summary>
    public bool LearnedMeetsBar(double bar) => Identifiable && LearnedR >= bar;
}

/// <summary>
/// Which parameters the data identify, judged by the calibration reference (the true forward model fitted per basin:
/// if even that cannot recover a parameter at r &gt;= bar, the series do not identify it), and how the learned
/// inverse compares on the same basin set.
/// </summary>
public static class Identifiability
{
    public const double Bar = 0.9;

    public static List<IdentifiabilityRow> Compare(IEnumerable<RecoveryRow> calibration,
        IEnumerable<RecoveryRow> learned,
        string basinSet, double bar = Bar)
    {
        var head = learned.Where(r => r.BasinSet == basinSet).ToDictionary(r => r.Characteristic, r => r.PearsonR);
        return calibration.Where(r => r.BasinSet == basinSet)
            .Select(r => new IdentifiabilityRow(r.Characteristic, r.PearsonR, r.PearsonR >= bar,
                head.GetValueOrDefault(r.Characteristic, double.NaN)))
            .ToList();
    }
}
