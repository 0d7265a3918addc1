using System.Globalization;
using System.Text.Json;
using Kgssl.Config;
using Kgssl.Data;

namespace Kgssl.Runs;

/// <summary>
/// A run folder: <c>config.yml</c> (resolved), <c>run.json</c> (git commit, seed, machine, times, data
/// fingerprint), <c>log.txt</c>, checkpoints and results. Created as <c>runs/&lt;name&gt;_&lt;yyyyMMdd_HHmmss&gt;/</c>
/// or exactly the folder a script names with --run-dir.
/// </summary>
public sealed class RunDirectory
{
    public string Path { get; }
    readonly object _logLock = new();

    RunDirectory(string path) => Path = path;

    public static RunDirectory Create(string name, string? runDir, string runsRoot = "runs", DateTime? now = null)
    {
        string path = runDir ?? System.IO.Path.Combine(runsRoot,
            $"{name}_{(now ?? DateTime.Now).ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}");
        path = System.IO.Path.GetFullPath(path);
        if (runDir is null && Directory.Exists(path))
            path += "_" + Guid.NewGuid().ToString("N")[..4];
        Directory.CreateDirectory(path);
        return new RunDirectory(path);
    }

    /// <summary>Creates the run folder and starts its record: the resolved config and run.json's start fields
    /// (command, git commit, seed, machine, start time). <see cref="Tracked"/> then records how it ends.</summary>
    public static RunDirectory Start(string name, string? runDir, KgsslConfig config, string command)
    {
        var run = Create(name, runDir);
        run.Begin(config, command);
        return run;
    }

    /// <summary>Writes the config and run.json's start fields into this (existing) folder.</summary>
    public void Begin(KgsslConfig config, string command)
    {
        WriteConfig(config);
        UpdateRunInfo(StartInfo(config, command));
    }

    /// <summary>Opens an existing run folder (for evaluate, embed, report, resume).</summary>
    public static RunDirectory Open(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!System.IO.File.Exists(System.IO.Path.Combine(full, RunFiles.Config)))
            throw new ConfigException($"{path}: not a run folder (no config.yml)");
        return new RunDirectory(full);
    }

    /// <summary>A run folder of any command: a trained run's (config.yml), or an invert or simulate run's, which
    /// have no config but a run.json.</summary>
    public static RunDirectory OpenAny(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!System.IO.File.Exists(System.IO.Path.Combine(full, RunFiles.Config))
            && !System.IO.File.Exists(System.IO.Path.Combine(full, RunFiles.RunInfo)))
            throw new ConfigException($"{path}: not a run folder (no config.yml or run.json)");
        return new RunDirectory(full);
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void WriteConfig(KgsslConfig config) => System.IO.File.WriteAllText(File(RunFiles.Config),
        ConfigLoader.ToYaml(config));

    public KgsslConfig ReadConfig() => ConfigLoader.LoadFile(File(RunFiles.Config));

    /// <summary>
    /// Runs <paramref name="work"/> and records in run.json how it ended: status finished, the end time and the wall
    /// seconds; if it throws, status failed and the error before the error goes on, so a folder left by a failed start
    /// is not taken for a run in progress or a finished one.
    /// </summary>
    public T Tracked<T>(Func<T> work)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var result = work();
            UpdateRunInfo(new Dictionary<string, object?>
            {
                ["status"] = "finished", ["end"] = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture),
                ["wall_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
            });
            return result;
        }
        catch (Exception e)
        {
            UpdateRunInfo(new Dictionary<string, object?>
            {
                ["status"] = "failed", ["error"] = e.Message, ["end"] = DateTime.UtcNow.ToString("o",
                    CultureInfo.InvariantCulture),
            });
            Log("failed: " + e.Message);
            throw;
        }
    }

    /// <summary>The keys a resumed training may change: going further, and where it runs.</summary>
    public static readonly string[] ResumeKeys = ["training.epochs", "training.device", "training.threads"];

    /// <summary>
    /// The run's config for a resumed training with <paramref name="sets"/> (section.key=value) applied; only
    /// <see cref="ResumeKeys"/> may change (anything else would make the epochs before and after disagree). A change is
    /// written to config.yml and recorded in run.json and log.txt.
    /// </summary>
    public KgsslConfig ResumeConfig(IReadOnlyList<string> sets)
    {
        foreach (var set in sets)
        {
            string key = set.Split('=', 2)[0].Trim();
            if (!ResumeKeys.Contains(key))
                throw new ConfigException(
                    $"--set {key}: a resumed run keeps its config; only {string.Join(", ", ResumeKeys)} may change " +
                    $"(start a new run for other changes)");
        }
        var config = ReadConfig();
        if (sets.Count == 0) return config;
        var updated = ConfigLoader.Parse(ConfigLoader.ToYaml(config), File(RunFiles.Config), [.. sets]);
        if (ConfigLoader.ToYaml(updated) == ConfigLoader.ToYaml(config)) return config;
        WriteConfig(updated);
        UpdateRunInfo(new Dictionary<string, object?> { ["resumed_with"] = string.Join(' ', sets) });
        Log($"resumed with {string.Join(' ', sets)}");
        return updated;
    }

    public void Log(string message)
    {
        lock (_logLock)
            System.IO.File.AppendAllText(File("log.txt"), $"{DateTime.Now:yyyy-MM-dd HH:mm:ss} {message}\n");
    }

    /// <summary>Writes or updates run.json; fields already there are kept unless replaced.</summary>
    public void UpdateRunInfo(IReadOnlyDictionary<string, object?> fields)
    {
        var info = ReadRunInfo();
        foreach (var (k, v) in fields) info[k] = v is null ? null
            : JsonSerializer.SerializeToElement(v, JsonFiles.Options);
        System.IO.File.WriteAllText(File(RunFiles.RunInfo), JsonSerializer.Serialize(info, JsonFiles.Options) + "\n");
    }

    public Dictionary<string, JsonElement?> ReadRunInfo() =>
        System.IO.File.Exists(File(RunFiles.RunInfo))
            ? JsonSerializer.Deserialize<Dictionary<string, JsonElement?>>(
                System.IO.File.ReadAllText(File(RunFiles.RunInfo))) ?? []
            : [];

    public static Dictionary<string, object?> StartInfo(KgsslConfig config, string command) => new()
    {
        ["command"] = command,
        // the commit the running binary was built from; a binary built outside a repository falls back to the
        // repository it runs in
        ["git_commit"] = GitInfo.BuildCommit() ?? GitInfo.Commit(Environment.CurrentDirectory)
            ?? GitInfo.Commit(AppContext.BaseDirectory) ?? "unknown",
        ["seed"] = config.Training.Seed,
        ["machine"] = new Dictionary<string, object>
        {
            ["host"] = Environment.MachineName,
            ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            ["cpus"] = Environment.ProcessorCount,
            ["dotnet"] = Environment.Version.ToString(),
            ["kernels"] = Training.TorchSetup.Kernels,
        },
        ["start"] = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture),
    };
}

/// <summary>Reads the current commit from a .git folder without spawning git.</summary>
public static class GitInfo
{
    /// <summary>The commit the SDK stamped into this assembly's informational version (1.0.0+&lt;sha&gt;) when it was
    /// built inside a git repository; null otherwise.</summary>
    public static string? BuildCommit()
    {
        string? version = typeof(GitInfo).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion;
        int plus = version?.IndexOf('+') ?? -1;
        return plus >= 0 && version!.Length - plus - 1 >= 7 ? version[(plus + 1)..] : null;
    }

    public static string? Commit(string from)
    {
        for (var dir = new DirectoryInfo(from); dir is not null; dir = dir.Parent)
        {
            string git = System.IO.Path.Combine(dir.FullName, ".git");
            if (File.Exists(git))
            {
                var line = File.ReadAllText(git).Trim();
                if (!line.StartsWith("gitdir:", StringComparison.Ordinal)) return null;
                git = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, line[7..].Trim()));
            }
            if (!Directory.Exists(git)) continue;
            string head = File.ReadAllText(System.IO.Path.Combine(git, "HEAD")).Trim();
            if (!head.StartsWith("ref:", StringComparison.Ordinal)) return head;
            string reference = head[4..].Trim();
            string refFile = System.IO.Path.Combine(git, reference);
            if (File.Exists(refFile)) return File.ReadAllText(refFile).Trim();
            string packed = System.IO.Path.Combine(git, "packed-refs");
            if (File.Exists(packed))
                foreach (var l in File.ReadLines(packed))
                    if (l.EndsWith(" " + reference, StringComparison.Ordinal)) return l[..l.IndexOf(' ')];
            return null;
        }
        return null;
    }
}
