using System.Text.Json;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Runs;
using Kgssl.Training;

namespace Kgssl.Cli;

/// <summary>`kgssl embed`: the run's model and train-only normalizer applied to any basins.</summary>
public static class EmbedCommand
{
    public static int Run(RunDirectory run, KgsslConfig cfg, string period, string stem, ConsoleReporter reporter)
    {
        var loaded = DatasetLoader.Load(cfg.Data, progress: new Progress<double>(f => reporter.Progress("load data", f)));
        var norm = Normalizer.Load(run.File("normalizer.json"));
        var split = JsonSerializer.Deserialize<BasinSplit>(File.ReadAllText(run.File("split.json")))!;
        var store = FeatureStore.FromConfig(loaded.Data, norm, cfg.Data);
        var prepared = new Workflow.Prepared(cfg, loaded.Data, split, norm, store);
        var device = TorchSetup.Configure(cfg.Training);
        using var model = Workflow.LoadModel(run, prepared, device);
        DateOnly start, end;
        if (period.Contains(".."))
        {
            var parts = period.Split("..");
            start = ConfigValidator.Date("--period", "start", parts[0]);
            end = ConfigValidator.Date("--period", "end", parts[1]);
        }
        else (start, end) = Workflow.Period(cfg, period);
        var ids = loaded.Data.Basins.Select(b => b.Id).ToList();
        var seen = split.Train.Concat(split.Validation).ToHashSet();
        var emb = Embedder.Embed(model, store, ids, start, end, cfg.Data.WindowDays, cfg.Data.Stride, device);
        Workflow.WriteEmbeddings(stem + ".csv", stem + ".parquet", emb, ids.ToDictionary(i => i, i => seen.Contains(i) ? "seen" : "unseen"), prepared);
        return emb.Count;
    }
}
