using Kgssl.Config;
using Kgssl.Runs;
using Kgssl.Synthetic;
using Kgssl.Training;
using TorchSharp;

namespace Kgssl.Tests.Training;

[Collection("torch")]
public class TrainerTests
{
    sealed class Silent : IRunReporter
    {
        public void Info(string message) { }
        public void Progress(string task, double fraction, string detail = "") { }
    }

    static KgsslConfig Tiny(string dataRoot, int epochs) => new()
    {
        Data = new DataConfig
        {
            Dataset = "caravan", Root = dataRoot, Source = EnsembleGenerator.Source,
            Characteristics = [.. EnsembleGenerator.CharacteristicNames],
            TrainStart = "2007-10-01", TrainEnd = "2009-09-30", TestStart = "2006-10-01", TestEnd = "2007-09-30",
            WindowDays = 60, Stride = 30, HeldoutFraction = 0.2, ValidationFraction = 0.25,
        },
        Model = new ModelConfig { Hidden = 8, Embedding = 6, DecoderHidden = 8 },
        Training = new TrainingConfig { Seed = 3, Threads = 1, Epochs = epochs, BatchSize = 16, LearningRate = 0.01, Patience = 100 },
        Evaluation = new EvaluationConfig { MantelPermutations = 9 },
    };

    static (RunDirectory Run, Workflow.Prepared Prepared) Setup(TempDir dir, string data, string name, int epochs)
    {
        var run = RunDirectory.Create(name, dir.Sub(name));
        var cfg = Tiny(data, epochs);
        run.WriteConfig(cfg);
        return (run, Workflow.Prepare(run, cfg, new Silent(), useCache: false));
    }

    static float[] Weights(RunDirectory run, Workflow.Prepared p, string tag)
    {
        using var model = new Kgssl.Model.KgsslModel(p.Config.Model, p.Data.DriverCount, p.Data.CharacteristicCount);
        Checkpoint.LoadWeights(run.Path, tag, model);
        return model.parameters().SelectMany(t => t.data<float>().ToArray()).ToArray();
    }

    [Fact]
    public void LossFallsAndEvaluationWritesItsFiles()
    {
        using var dir = new TempDir();
        string data = dir.Sub("data");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(data, 10, 3, 5));
        var (run, p) = Setup(dir, data, "a", 6);
        var epochs = Workflow.Train(run, p, false, new Silent());
        Assert.Equal(6, epochs.Count);
        Assert.True(epochs[^1].Loss < 0.8 * epochs[0].Loss, $"loss {epochs[0].Loss:F3} -> {epochs[^1].Loss:F3}");
        Assert.True(epochs.All(e => double.IsFinite(e.ValLoss)));
        Assert.Equal(7, File.ReadAllLines(run.File("epochs.csv")).Length);

        var result = Workflow.Evaluate(run, p, "test", new Silent());
        Assert.Equal(2 * 17, result.Rows.Count);
        var header = File.ReadLines(run.File("characteristics.csv")).First();
        Assert.Equal("characteristic,basin_set,period,n,pearson_r,spearman_rho,rmse,rmse_z", header);
        Assert.True(File.Exists(run.File("distances_summary.json")));
        Assert.True(File.Exists(run.File("emulator.csv")));
        Assert.Equal(2, result.Rows.Select(r => r.BasinSet).Distinct().Count());
    }

    [Fact]
    public void ResumingAfterAnInterruptionGivesTheSameWeightsAsAnUninterruptedRun()
    {
        using var dir = new TempDir();
        string data = dir.Sub("data");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(data, 8, 3, 9));

        var (full, pf) = Setup(dir, data, "full", 4);
        Workflow.Train(full, pf, false, new Silent());

        var (cut, pc) = Setup(dir, data, "cut", 2);          // "killed" after epoch 2
        Workflow.Train(cut, pc, false, new Silent());
        var resumed = pc with { Config = Tiny(data, 4) };     // same run, resumed towards 4 epochs
        var epochs = Workflow.Train(cut, resumed, true, new Silent());

        Assert.Equal(4, epochs.Count);
        Assert.Equal(Weights(full, pf, "last"), Weights(cut, pc, "last"));
        Assert.Equal(File.ReadLines(full.File("epochs.csv")).Select(l => string.Join(',', l.Split(',')[..10])),
            File.ReadLines(cut.File("epochs.csv")).Select(l => string.Join(',', l.Split(',')[..10])));
    }
}
