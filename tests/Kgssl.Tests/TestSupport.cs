using System.Globalization;

namespace Kgssl.Tests;

/// <summary>A temp folder deleted at the end of a test.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(),
        "kgssl-test-" + Guid.NewGuid().ToString("N")[..10]);

    public TempDir() => Directory.CreateDirectory(Path);

    public string File(string relative, string content)
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, content);
        return full;
    }

    public string Sub(string relative) => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try { Directory.Delete(Path, true); } catch (IOException) { }
    }
}

/// <summary>Where ../shared/data is, seen from the test binaries (the repo's sibling folder).</summary>
public static class SharedData
{
    public static string? Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate) && dir.GetDirectories("main").Length + dir.GetFiles().Length >= 0
                && Directory.Exists(System.IO.Path.Combine(candidate, "camels_era5l")))
                return candidate;
        }
        return null;
    }

    public static string Folder(string name) => System.IO.Path.Combine(Root() ?? "/nonexistent", name);
}

/// <summary>A fact that skips, with the reason, when a ../shared/data folder is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string folder)
    {
        if (!Directory.Exists(SharedData.Folder(folder)))
            Skip = $"real data ../shared/data/{folder} is absent on this machine; this test checks values stated in " +
                $"its PROVENANCE.md";
    }
}

/// <summary>A fact that skips, with the reason, off Linux (file change times are read there only).</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "file change times are read on Linux only";
    }
}

/// <summary>Tests that touch torch's global state (seed, threads) run one at a time.</summary>
[CollectionDefinition("torch", DisableParallelization = true)]
public sealed class TorchCollection;

public static class Invariant
{
    public static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
}
