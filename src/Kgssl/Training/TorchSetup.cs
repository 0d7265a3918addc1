using System.Runtime.InteropServices;
using Kgssl.Config;
using TorchSharp;

namespace Kgssl.Training;

/// <summary>Device, threads, oneDNN and seeding: one seed drives everything on CPU.</summary>
public static class TorchSetup
{
    public static torch.Device Configure(TrainingConfig t)
    {
        RetainFreedMemory();
        if (t.Threads > 0) torch.set_num_threads(t.Threads);
        OneDnn = t.Onednn;
        DisableNnpack();
        torch.manual_seed(t.Seed);
        if (t.Device == "cuda")
        {
            if (!torch.cuda.is_available())
                throw new ConfigException(
                    "training.device = cuda, but no CUDA device is available to TorchSharp (only the CPU libtorch " +
                    "package is installed); use --device cpu");
            torch.cuda.manual_seed_all(t.Seed);
            return torch.CUDA;
        }
        return torch.CPU;
    }

    /// <summary>
    /// Whether libtorch may use its oneDNN (mkldnn) kernels, process-wide (torch.backends.mkldnn.enabled in PyTorch;
    /// TorchSharp 0.107 has no switch for it, so this calls at::globalContext().setUserEnabledMkldnn in libtorch_cpu).
    /// On an AMD EPYC (AVX-512) with libtorch 2.10 the tcn decoder's convolutions, run 600 times
    /// on the same inputs, gave non-finite gradients in 16 of 600 backward passes with 8 channels and 596 of 600 with
    /// 40 (forward values differed too), none with 4, 12, 16, 24, 32, 48 or 64; with oneDNN off, none. Off, 150
    /// passes of the decoder at the demo's size (32 windows of 730 days, 32 channels) took 22.0 s instead of 13.0 s.
    /// </summary>
    public static bool OneDnn
    {
        get
        {
            EnsureLoaded();
            return UserEnabledMkldnn(GlobalContext());
        }
        set
        {
            EnsureLoaded();
            SetUserEnabledMkldnn(GlobalContext(), value);
        }
    }

    /// <summary>
    /// Keeps libtorch off NNPACK, process-wide (torch.backends.nnpack.enabled = False in PyTorch). libtorch asks for
    /// NNPACK on every convolution without gradients that oneDNN does not take (small batches, 1-wide kernels). Where
    /// NNPACK cannot start, as on the AMD EPYC VMs measured, each ask printed "Could not initialize NNPACK! Reason:
    /// Unsupported hardware." (six lines an epoch in a cross-validation); where it can start, those convolutions
    /// would run on other kernels than on a host where it cannot, and round differently.
    /// </summary>
    static void DisableNnpack()
    {
        EnsureLoaded();
        SetUserEnabledNnpack(GlobalContext(), false);
    }

    /// <summary>Whether libtorch may ask for NNPACK (false once <see cref="Configure"/> has run).</summary>
    public static bool Nnpack
    {
        get
        {
            EnsureLoaded();
            return UserEnabledNnpack(GlobalContext());
        }
    }

    /// <summary>Sets <see cref="OneDnn"/> until the returned scope is disposed, then restores what it was.</summary>
    public static IDisposable OneDnnScope(bool enabled)
    {
        var scope = new OneDnnRestore(OneDnn);
        OneDnn = enabled;
        return scope;
    }

    sealed class OneDnnRestore(bool before) : IDisposable
    {
        public void Dispose() => OneDnn = before;
    }

    /// <summary>
    /// Tells glibc's allocator to keep freed memory for reuse instead of handing it back to the kernel at once: buffers
    /// up to 32 MiB come from the heap (not a fresh mmap each), and up to 256 MiB of free heap stays mapped. libtorch
    /// allocates and frees every activation and gradient of every training step through malloc; with glibc's
    /// defaults most of those pages were unmapped and faulted in again each step. On a 2-core
    /// AMD EPYC VM (`kgssl bench train --config configs/demo.yml --batch 32 --steps 40`, alternated): 0.110-0.131 s
    /// per step before, 0.077-0.091 after; page faults 186 000 -> 65 000 in the run. Returns whether glibc took
    /// all three settings (false off glibc, where it does nothing); safe to call more than once.
    /// </summary>
    public static bool RetainFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // M_MMAP_THRESHOLD (-3): 32 MiB is glibc's largest on 64-bit; M_TRIM_THRESHOLD (-1); M_TOP_PAD (-2)
            return Mallopt(-3, 32 << 20) == 1 & Mallopt(-1, 256 << 20) == 1 & Mallopt(-2, 16 << 20) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;  // not glibc (musl has no mallopt settings of this kind)
        }
    }

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);

    /// <summary>The settings that pin libtorch (ATen's vectorized kernels), oneDNN and MKL to AVX2 code.</summary>
    static readonly (string Name, string Value)[] Avx2Kernels =
        [("ATEN_CPU_CAPABILITY", "avx2"), ("ONEDNN_MAX_CPU_ISA", "AVX2"), ("MKL_ENABLE_INSTRUCTIONS", "AVX2")];

    /// <summary>
    /// Pins libtorch, oneDNN and MKL to their AVX2 kernels for the rest of the process, so that a training gives the
    /// same numbers on every x86-64 host with AVX2. Each library otherwise picks the widest code its CPU has, and
    /// AVX-512 hosts of different generations round differently: the demo's learned FC r was 0.784 on an AMD EPYC
    /// of family 25 and 0.785 on one of family 26, and pinned to AVX2 it is 0.787 on both, every figure alike. The
    /// libraries read these settings once, at their first use: call this before any tensor operation. A setting
    /// the user made in the environment stays. Returns false where it does nothing (no AVX2, not Linux).
    /// </summary>
    public static bool UsePortableKernels()
    {
        if (!OperatingSystem.IsLinux() || !System.Runtime.Intrinsics.X86.Avx2.IsSupported) return false;
        foreach (var (name, value) in Avx2Kernels)
        {
            if (Environment.GetEnvironmentVariable(name) is not null) continue;
            // the libraries read the C environment, which Environment.SetEnvironmentVariable leaves alone on Unix
            if (Setenv(name, value, 0) != 0) return false;
            Environment.SetEnvironmentVariable(name, value);
        }
        return true;
    }

    /// <summary>The kernels training runs on: ATen's pinned capability ("avx2", <see cref="UsePortableKernels"/>)
    /// or "native" (the widest its host has).</summary>
    public static string Kernels => Environment.GetEnvironmentVariable("ATEN_CPU_CAPABILITY") ?? "native";

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    static extern int Setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    // TorchSharp loads libtorch_cpu (after the GLIBCXX fix of its own library); any torch call does
    static void EnsureLoaded() => torch.get_num_threads();

    // at::Context& at::globalContext(); void at::Context::setUserEnabledMkldnn(bool) and setUserEnabledNNPACK(bool);
    // bool at::Context::userEnabledMkldnn() const (Itanium C++ ABI: a member function takes the object's address
    // first)
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    static extern bool UserEnabledNnpack(IntPtr context);

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    static extern bool UserEnabledMkldnn(IntPtr context);
}
