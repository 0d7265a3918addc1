using Kgssl.Training;

namespace Kgssl.Tests.Training;

public class GradientGuardTests
{
    [Fact]
    public void SkipsNonFiniteNormsAndCountsThem()
    {
        var guard = new GradientGuard();
        Assert.True(guard.Admit(0.5));
        Assert.True(guard.Admit(0));
        Assert.False(guard.Admit(double.NaN));
        Assert.False(guard.Admit(double.PositiveInfinity));
        Assert.Equal((4, 2), (guard.Steps, guard.Skipped));
    }

    [Fact]
    public void StopsTheRunWhenMoreThanOnePercentAndAtLeastThreeStepsOfAnEpochWereSkipped()
    {
        var guard = new GradientGuard();
        void Epoch(int steps, int skipped)
        {
            for (int i = 0; i < steps; i++) guard.Admit(i < skipped ? double.NaN : 1);
        }
        Epoch(10, 2);                 // 20%, but two: a glitch, not a pattern
        Assert.Equal(2, guard.EndEpoch(1));
        Assert.Equal((0, 0), (guard.Steps, guard.Skipped));   // counted afresh
        Epoch(300, 3);                // exactly 1%
        Assert.Equal(3, guard.EndEpoch(2));
        Epoch(299, 3);                // just over 1%
        var e = Assert.Throws<InvalidOperationException>(() => guard.EndEpoch(3));
        Assert.Contains("epoch 3: 3 of 299 training steps", e.Message);
        Assert.Contains("training.onednn: false", e.Message);
    }
}
