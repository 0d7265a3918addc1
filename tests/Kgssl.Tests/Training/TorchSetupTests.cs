using Kgssl.Training;
using static TorchSharp.torch;

namespace Kgssl.Tests.Training;

[Collection("torch")]
public class TorchSetupTests
{
    [Fact]
    public void TheOneDnnSwitchReachesLibtorchAndTheConfigurationSetsIt()
    {
        bool before = TorchSetup.OneDnn;
        using (TorchSetup.OneDnnScope(false))
        {
            Assert.False(TorchSetup.OneDnn);
            TorchSetup.Configure(new Kgssl.Config.TrainingConfig { Onednn = true });
            Assert.True(TorchSetup.OneDnn);
            TorchSetup.Configure(new Kgssl.Config.TrainingConfig { Onednn = false });
            Assert.False(TorchSetup.OneDnn);
            using (TorchSetup.OneDnnScope(true)) Assert.True(TorchSetup.OneDnn);
            Assert.False(TorchSetup.OneDnn);
        }
        Assert.Equal(before, TorchSetup.OneDnn);
    }

    [Fact]
    public void TheConfigurationTurnsNnpackOffAndSmallConvolutionsStillRun()
    {
        TorchSetup.Configure(new Kgssl.Config.TrainingConfig());
        Assert.False(TorchSetup.Nnpack);
        // a case oneDNN leaves to libtorch's other kernels: no gradient, batch 2, a 1-wide kernel
        using var conv = TorchSharp.torch.nn.Conv1d(3, 4, 1);
        using var x = ones(2, 3, 50);
        using (no_grad())
        {
            using var y = conv.forward(x);
            Assert.Equal(new long[] { 2, 4, 50 }, y.shape);
            Assert.True(float.IsFinite(y.sum().item<float>()));
        }
    }

    [Fact]
    public void GlibcTakesTheSettingsThatKeepFreedMemoryAndTrainingStillAllocates()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(TorchSetup.RetainFreedMemory(), "mallopt refused a setting (is this glibc?)");
        Assert.True(TorchSetup.RetainFreedMemory());   // again: the same settings, taken again
        // buffers below and above the 32 MiB heap limit, freed and taken again
        for (int round = 0; round < 3; round++)
        {
            using var small = zeros(1000, 1000);   // 4 MB: from the heap now
            using var large = ones(3000, 3000);    // 36 MB: still its own mapping
            Assert.Equal(9_000_000.0, large.sum().item<float>());
            Assert.Equal(0.0, small.sum().item<float>());
        }
    }

    // With oneDNN on, this exact case (40 channels, 400 days) gave non-finite gradients in 596 of 600 passes here
    // (2026-12-02, libtorch 2.10, AMD EPYC with AVX-512); off, the gradients are the same every time.
    [Fact]
    public void WithoutOneDnnTheTcnDecodersGradientsAreTheSameOnEveryPass()
    {
        using (TorchSetup.OneDnnScope(false))
        {
            manual_seed(5);
            using var decoder = new Kgssl.Model.ConvDecoder(3, 6, 40);
            using var x = randn(4, 400, 3);
            using var z0 = randn(4, 6);
            using var weights = randn(4, 400);
            float[]? first = null;
            for (int pass = 0; pass < 100; pass++)
            {
                using var scope = NewDisposeScope();
                var z = z0.clone().requires_grad_(true);
                (decoder.forward(x, z) * weights).sum().backward();
                var gradients = decoder.parameters().SelectMany(p => p.grad!.data<float>().ToArray())
                    .Concat(z.grad!.data<float>().ToArray()).ToArray();
                Assert.All(gradients, g => Assert.True(float.IsFinite(g)));
                first ??= gradients;
                Assert.Equal(first, gradients);
                decoder.zero_grad();
            }
        }
    }
}
