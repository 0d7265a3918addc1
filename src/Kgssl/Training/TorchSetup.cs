using Kgssl.Config;
using TorchSharp;

namespace Kgssl.Training;

/// <summary>Device, threads and seeding: one seed drives everything on CPU.</summary>
public static class TorchSetup
{
    public static torch.Device Configure(TrainingConfig t)
    {
        if (t.Threads > 0) torch.set_num_threads(t.Threads);
        torch.manual_seed(t.Seed);
        if (t.Device == "cuda")
        {
            if (!torch.cuda.is_available())
                throw new ConfigException("training.device = cuda, but no CUDA device is available to TorchSharp (only the CPU libtorch package is installed); use --device cpu");
            torch.cuda.manual_seed_all(t.Seed);
            return torch.CUDA;
        }
        return torch.CPU;
    }
}
