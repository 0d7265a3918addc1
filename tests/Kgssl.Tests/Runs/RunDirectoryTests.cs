using Kgssl.Config;
using Kgssl.Runs;

namespace Kgssl.Tests.Runs;

public class RunDirectoryTests
{
    [Fact]
    public void RunDirUsesExactlyTheGivenFolderAndWritesConfigAndRunInfo()
    {
        using var dir = new TempDir();
        string target = dir.Sub("my/run");
        var run = RunDirectory.Create("x", target);
        Assert.Equal(Path.GetFullPath(target), run.Path);
        var config = new KgsslConfig { Training = new TrainingConfig { Seed = 5 } };
        run.WriteConfig(config);
        run.UpdateRunInfo(RunDirectory.StartInfo(config, "train"));
        run.UpdateRunInfo(new Dictionary<string, object?> { ["data_fingerprint"] = "abc" });
        run.Log("hello");
        Assert.Equal(5, RunDirectory.Open(target).ReadConfig().Training.Seed);
        var info = run.ReadRunInfo();
        Assert.Equal(5, info["seed"]!.Value.GetInt32());
        Assert.Equal("abc", info["data_fingerprint"]!.Value.GetString());
        Assert.True(info.ContainsKey("git_commit") && info.ContainsKey("machine") && info.ContainsKey("start"));
        // the kernels the run's numbers come from
        Assert.Equal(Kgssl.Training.TorchSetup.Kernels, info["machine"]!.Value.GetProperty("kernels").GetString());
        Assert.Contains("hello", File.ReadAllText(run.File("log.txt")));
    }

    [Fact]
    public void DefaultNamesAreNameAndTimestampUnderRuns()
    {
        using var dir = new TempDir();
        var run = RunDirectory.Create("demo", null, dir.Path, new DateTime(2026, 11, 25, 13, 4, 5));
        Assert.Equal(Path.Combine(dir.Path, "demo_20261125_130405"), run.Path);
        var second = RunDirectory.Create("demo", null, dir.Path, new DateTime(2026, 11, 25, 13, 4, 5));
        Assert.NotEqual(run.Path, second.Path);
    }

    [Fact]
    public void OpeningAFolderWithoutConfigIsAClearError()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ConfigException>(() => RunDirectory.Open(dir.Path));
        Assert.Contains("not a run folder", e.Message);
    }

    [Fact]
    public void GitInfoReadsTheCommitOfARefAndOfPackedRefs()
    {
        using var dir = new TempDir();
        dir.File(".git/HEAD", "ref: refs/heads/main\n");
        dir.File(".git/refs/heads/main", "0123456789abcdef0123456789abcdef01234567\n");
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", GitInfo.Commit(dir.Sub("sub")));
        File.Delete(dir.Sub(".git/refs/heads/main"));
        dir.File(".git/packed-refs", "# pack-refs\nfedcba9876543210fedcba9876543210fedcba98 refs/heads/main\n");
        Assert.Equal("fedcba9876543210fedcba9876543210fedcba98", GitInfo.Commit(dir.Path));
    }

    [Fact]
    public void ARunRecordsTheCommitItsBinaryWasBuiltFromWhereverItRuns()
    {
        // the tests build inside the repository, so the SDK stamps the commit; a run started far from any repository
        // records it all the same
        string? built = GitInfo.BuildCommit();
        Assert.Matches("^[0-9a-f]{40}$", built ?? "");
        var info = RunDirectory.StartInfo(new KgsslConfig(), "test");
        Assert.Equal(built, info["git_commit"]);
    }
}

public class JsonFilesTests
{
    [Fact]
    public void NumbersThatAreNotFiniteAreWrittenAsNullAndReadBackAsNaN()
    {
        var state = new Kgssl.Training.TrainerState(1, double.PositiveInfinity, 0, 1, false, 3);
        string json = System.Text.Json.JsonSerializer.Serialize(state, Kgssl.Data.JsonFiles.Options);
        Assert.Contains("\"BestScore\": null", json);
        var back = System.Text.Json.JsonSerializer.Deserialize<Kgssl.Training.TrainerState>(json,
            Kgssl.Data.JsonFiles.Options)!;
        Assert.True(double.IsNaN(back.BestScore));
        Assert.Equal(state with { BestScore = double.NaN }, back);

        using var dir = new TempDir();
        var run = Kgssl.Runs.RunDirectory.Create("r", dir.Sub("r"));
        run.UpdateRunInfo(new Dictionary<string, object?> { ["mantel_r"] = double.NaN, ["ok"] = 0.5 });
        var info = run.ReadRunInfo();
        Assert.Null(info["mantel_r"]);   // written as null
        Assert.Equal(0.5, info["ok"]!.Value.GetDouble());
    }
}
