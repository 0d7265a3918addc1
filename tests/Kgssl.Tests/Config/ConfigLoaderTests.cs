using Kgssl.Config;

namespace Kgssl.Tests.Config;

public class ConfigLoaderTests
{
    const string Good = """
        data:
          dataset: caravan
          root: data
          drivers: [a, b]
          window_days: 180
        training:
          epochs: 3
          learning_rate: 0.01
        """;

    [Fact]
    public void LoadsAGoodFileAndResolvesTheRootAgainstTheConfigFolder()
    {
        using var dir = new TempDir();
        string path = dir.File("configs/run.yml", Good);
        var c = ConfigLoader.LoadFile(path);
        Assert.Equal(["a", "b"], c.Data.Drivers);
        Assert.Equal(180, c.Data.WindowDays);
        Assert.Equal(3, c.Training.Epochs);
        Assert.Equal(0.01, c.Training.LearningRate);
        Assert.Equal(Path.Combine(dir.Path, "configs", "data"), c.Data.Root);
        Assert.Equal(182, c.Data.Stride); // default kept
    }

    [Fact]
    public void RangeErrorsNameTheLineAndOverrideErrorsNameTheOverride()
    {
        using var dir = new TempDir();
        string path = dir.File("run.yml", "data:\n  root: x\ntraining:\n  seed: 1\n  epochs: 0\n");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(path));
        Assert.Equal($"{path} line 5: training.epochs = 0 is out of range [1, 100000]", e.Message);
        string good = dir.File("good.yml", Good);
        var o = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(good, ["training.learning_rate=7"]));
        Assert.Equal($"{good} (--set training.learning_rate): training.learning_rate = 7 is out of range [1E-07, 1]",
            o.Message);
        var t = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(good, ["training.epochs=abc"]));
        Assert.Equal($"{good} (--set training.epochs): 'training.epochs' expects an integer, got 'abc'", t.Message);
        // a check across keys names the line of the first key it names
        string dates = dir.File("dates.yml", "data:\n  train_start: 2001-01-01\n  train_end: 2000-01-01\n");
        Assert.StartsWith($"{dates} line 3: data.train_end",
            Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(dates)).Message);
    }

    [Fact]
    public void AnUnknownKeyNamesTheKeyTheFileAndTheLine()
    {
        var e = Assert.Throws<ConfigException>(
            () => ConfigLoader.Parse("data:\n  dataset: caravan\n  widow_days: 10\n", "my.yml"));
        Assert.Contains("my.yml line 3", e.Message);
        Assert.Contains("'data.widow_days'", e.Message);
        Assert.Contains("did you mean 'data.window_days'", e.Message);
    }

    [Fact]
    public void TheGruDecodersFormerNameIsReadAsGru()
    {
        Assert.Equal("gru", ConfigLoader.Parse("model:\n  decoder: forward\n", "old.yml").Model.Decoder);
        Assert.Equal("gru", ConfigLoader.Parse("model:\n  decoder: gru\n", "new.yml").Model.Decoder);
        Assert.Equal("gru", ConfigLoader.Parse("", "empty.yml").Model.Decoder);
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("model:\n  decoder: lstm\n", "bad.yml"));
        Assert.Contains("gru, tcn, autoregressive, hbv", e.Message);
    }

    [Fact]
    public void AnUnknownSectionIsAnError()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("trainig:\n  epochs: 3\n", "x.yml"));
        Assert.Contains("'trainig'", e.Message);
    }

    [Theory]
    [InlineData("training:\n  epochs: many\n", "'training.epochs' expects an integer, got 'many'")]
    [InlineData("training:\n  epochs: 0\n", "training.epochs = 0 is out of range")]
    [InlineData("data:\n  train_start: 01/10/1999\n", "data.train_start expects an ISO date yyyy-MM-dd")]
    [InlineData("model:\n  decoder: lstm\n", "model.decoder expects one of gru, tcn, autoregressive, hbv")]
    [InlineData("model:\n  encoder: lstm\n", "model.encoder expects one of bigru, cnn")]
    [InlineData("model:\n  encoder_depth: 9\n", "model.encoder_depth = 9 is out of range")]
    [InlineData("model:\n  encoder_input_stride: 0\n", "model.encoder_input_stride = 0 is out of range")]
    [InlineData("model:\n  encoder_context: lstm\n", "model.encoder_context expects one of none, gru")]
    [InlineData("model:\n  encoder_context: gru\n  hidden: 33\n",
        "model.encoder_context: gru needs an even model.hidden")]
    [InlineData("training:\n  reconstruction_fraction: 0\n", "training.reconstruction_fraction = 0 is out of range")]
    [InlineData("data:\n  log_response: false\ntraining:\n  flow_reconstruction: true\n",
        "training.flow_reconstruction needs data.log_response: true")]
    [InlineData("model:\n  decoder: autoregressive\ntraining:\n  flow_reconstruction: true\n",
        "needs a decoder of the response only")]
    [InlineData("model:\n  decoder: autoregressive\ntraining:\n  reconstruction_context_days: 365\n",
        "reconstruction_context_days needs a decoder of the response only")]
    [InlineData("training:\n  reconstruction_context_days: -1\n",
        "training.reconstruction_context_days = -1 is out of range")]
    [InlineData("evaluation:\n  emulator_spinup_days: -5\n", "evaluation.emulator_spinup_days = -5 is out of range")]
    [InlineData("data:\n  drivers: precip\n", "'data.drivers' expects a list")]
    [InlineData("data:\n  train_start: 2008-01-01\n  train_end: 2000-01-01\n", "is before data.train_start")]
    public void BadValuesAreErrorsThatSayWhatWasExpected(string yaml, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "bad.yml"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("bad.yml", e.Message);
    }

    [Fact]
    public void OverridesReplaceValuesAndAreValidatedToo()
    {
        var c = ConfigLoader.Parse(Good, "g.yml",
            ["training.epochs=7", "data.drivers=[x, y, z]", "model.decoder=autoregressive"]);
        Assert.Equal(7, c.Training.Epochs);
        Assert.Equal(["x", "y", "z"], c.Data.Drivers);
        Assert.Equal("autoregressive", c.Model.Decoder);
        Assert.True(c.Training.Onednn);
        Assert.False(ConfigLoader.Parse(Good, "g.yml", ["training.onednn=false"]).Training.Onednn);
        Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Good, "g.yml", ["training.epoch=7"]));
        Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Good, "g.yml", ["training.epochs=-1"]));
        Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Good, "g.yml", ["epochs=3"]));
    }

    [Fact]
    public void TheResolvedConfigRoundTripsThroughYaml()
    {
        var c = ConfigLoader.Parse(Good, "g.yml", ["training.characteristic_weights={area_gages2: 0.5}"]);
        var again = ConfigLoader.Parse(ConfigLoader.ToYaml(c), "resolved");
        Assert.Equal(c.Data.Drivers, again.Data.Drivers);
        Assert.Equal(0.5, again.Training.CharacteristicWeights["area_gages2"]);
        Assert.Equal(ConfigLoader.ToYaml(c), ConfigLoader.ToYaml(again));
    }

    [Fact]
    public void TheShippedConfigsLoad()
    {
        string configs = Path.Combine(RepoRoot(), "configs");
        foreach (var file in Directory.GetFiles(configs, "*.yml"))
            ConfigLoader.LoadFile(file);
        Assert.True(Directory.GetFiles(configs, "*.yml").Length >= 3);
    }

    [Fact]
    public void TheBenchmarkConfigsLoadAndNameTheirBasinList()
    {
        var files = Directory.GetFiles(Path.Combine(RepoRoot(), "benchmarks"), "*.yml", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var c = ConfigLoader.LoadFile(file);
            if (c.Data.BasinFile.Length > 0) Assert.True(File.Exists(c.Data.BasinFile), c.Data.BasinFile);
        }
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Kgssl.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root (Kgssl.slnx) not found above the test binaries");
    }
}
