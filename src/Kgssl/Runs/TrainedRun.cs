using System.Text.Json;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Model;
using Kgssl.Training;
using static TorchSharp.torch;

namespace Kgssl.Runs;

/// <summary>
/// A trained run opened for inference, the one way every command opens one: its config, its train-only normalizer,
/// its split, a feature store with the run's own input channels, and its model with the best (else last) weights.
/// </summary>
public sealed class TrainedRun : IDisposable
{
    public RunDirectory Run { get; }
    public Workflow.Prepared Prepared { get; }
    public KgsslModel Model { get; }
    public Device Device { get; }

    TrainedRun(RunDirectory run, Workflow.Prepared prepared, KgsslModel model, Device device)
    {
        Run = run; Prepared = prepared; Model = model; Device = device;
    }

    /// <param name="config">The run's config (default: its config.yml), e.g. with another data root or device.</param>
    /// <param name="data">The basins to work on (default: the config's data set); they must have the run's drivers and
    /// characteristics.</param>
    public static TrainedRun Open(RunDirectory run, KgsslConfig? config = null, HydroDataset? data = null)
    {
        var cfg = config ?? run.ReadConfig();
        data ??= DatasetLoader.Load(cfg.Data).Data;
        var norm = Normalizer.Load(run.File(RunFiles.Normalizer));
        if (norm.DriverMean.Length != data.DriverCount || norm.CharacteristicMean.Length != data.CharacteristicCount)
            throw new ConfigException(
                $"{run.Path}: the run was trained on {norm.DriverMean.Length} drivers and " +
                $"{norm.CharacteristicMean.Length} " +
                $"characteristics; this data set has {data.DriverCount} and {data.CharacteristicCount} " +
                    $"({string.Join(", ", data.CharacteristicNames)})");
        var prepared = new Workflow.Prepared(cfg, data, ReadSplit(run), norm,
            FeatureStore.FromConfig(data, norm, cfg.Data));
        var device = TorchSetup.Configure(cfg.Training);
        return new TrainedRun(run, prepared, Workflow.LoadModel(run, prepared, device), device);
    }

    public static BasinSplit ReadSplit(RunDirectory run)
    {
        string path = run.File(RunFiles.Split);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no split.json: is {run.Path} a trained run?");
        return JsonSerializer.Deserialize<BasinSplit>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"{path}: empty split");
    }

    public void Dispose() => Model.Dispose();
}
