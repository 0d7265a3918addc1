using Kgssl.Evaluation;

namespace Kgssl.Tests.Evaluation;

public class IdentifiabilityTests
{
    static RecoveryRow Row(string name, string set, double r) => new(name, set, "test", 20, r, r, 0, 0);

    [Fact]
    public void TheCalibrationDecidesWhatIsIdentifiableAndTheLearnedInverseIsJudgedOnThose()
    {
        var calibration = new[] { Row("K2", "heldout", 0.99), Row("UZL", "heldout", 0.64), Row("K2", "train", 0.1) };
        var learned = new[] { Row("K2", "heldout", 0.93), Row("UZL", "heldout", 0.95), Row("K2", "train", 0.2) };
        var rows = Identifiability.Compare(calibration, learned, "heldout");
        Assert.Equal(["K2", "UZL"], rows.Select(r => r.Parameter));
        Assert.True(rows[0].Identifiable && rows[0].LearnedMeetsBar(0.9));
        Assert.False(rows[1].Identifiable);
        Assert.False(rows[1].LearnedMeetsBar(0.9));     // high r on an unidentifiable parameter does not count
        Assert.Equal(0.93, rows[0].LearnedR);
        Assert.True(double.IsNaN(Identifiability.Compare(calibration, [Row("UZL", "heldout", 0.5)],
            "heldout")[0].LearnedR));   // not learned: NaN
        Assert.False(Identifiability.Compare(calibration, learned, "heldout", bar: 0.995)[0].Identifiable);
    }
}
