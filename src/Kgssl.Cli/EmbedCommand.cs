using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Runs;
using Kgssl.Training;

namespace Kgssl.Cli;

/// <summary>`kgssl embed`: the run's model and train-only normalizer applied to any basins.</summary>
public static class EmbedCommand
{
    /// <param name="known">Null: the pure inverse only. Else also the knowledge-guided estimate with these characteristics known.</param>
    /// <returns>How many basins got an embedding, of how many in the data.</returns>
    public static (int Embedded, int Basins) Run(RunDirectory run, KgsslConfig cfg, string period, string stem, ConsoleReporter reporter,
        IReadOnlyList<string>? known = null)
    {
        var (start, end) = Period(cfg, period);
        // where the files go exists before any work is done
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(stem))!);
        var loaded = DatasetLoader.Load(cfg.Data, progress: new Progress<double>(f => reporter.Progress("load data", f)), inference: true);
        foreach (var note in loaded.Data.Notes) reporter.Info("data: " + note);
        if (known is not null) Workflow.KnownIndices(loaded.Data.CharacteristicNames, known, "--known");   // before any work
        using var trained = TrainedRun.Open(run, cfg, loaded.Data);
        var (prepared, model, device) = (trained.Prepared, trained.Model, trained.Device);
        var (split, store) = (prepared.Split, prepared.Store);
        var ids = loaded.Data.Basins.Select(b => b.Id).ToList();
        var seen = split.Train.Concat(split.Validation).ToHashSet();
        var emb = Embedder.Embed(model, store, ids, start, end, cfg.Data.WindowDays, cfg.Data.Stride, device);
        var sets = ids.ToDictionary(i => i, i => seen.Contains(i) ? "seen" : "unseen");
        Workflow.WriteEmbeddings(stem + ".csv", stem + ".parquet", emb, sets, prepared);
        if (known is not null) WriteKnowledge(stem + "_knowledge.csv", run, cfg, prepared, emb, (start, end), known, sets);
        return (emb.Count(e => e.Windows > 0), emb.Count);
    }

    /// <summary>train | test | YYYY-MM-DD..YYYY-MM-DD, the end not before the start.</summary>
    static (DateOnly Start, DateOnly End) Period(KgsslConfig cfg, string period)
    {
        if (!period.Contains("..")) return Workflow.Period(cfg, period);
        var parts = period.Split("..");
        if (parts.Length != 2) throw new ConfigException($"--period: expected train, test or YYYY-MM-DD..YYYY-MM-DD, got '{period}'");
        var start = ConfigValidator.Date("--period", "start", parts[0]);
        var end = ConfigValidator.Date("--period", "end", parts[1]);
        if (end < start) throw new ConfigException($"--period: the end {parts[1]} is before the start {parts[0]}");
        return (start, end);
    }

    /// <summary>
    /// The knowledge-guided estimate of every embedded basin, the known characteristics given back as they are. The run's
    /// training basins lend theirs: they are read from the run's own data set when the embedded basins come from another.
    /// </summary>
    static void WriteKnowledge(string path, RunDirectory run, KgsslConfig cfg, Workflow.Prepared prepared, List<BasinEmbedding> emb,
        (DateOnly, DateOnly) period, IReadOnlyList<string> known, Dictionary<string, string> sets)
    {
        var targets = prepared.Data.Basins.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        var data = prepared.Data;
        // the run's own data set is read again only when the embedded basins lack some of its lending basins
        if (!prepared.Split.Train.Concat(prepared.Split.Validation).All(targets.Contains))
        {
            var runData = DatasetLoader.Load(run.ReadConfig().Data with { BasinFile = "" }).Data;
            data = data with { Basins = [.. data.Basins, .. runData.Basins.Where(b => !targets.Contains(b.Id))] };
        }
        var estimates = Workflow.KnowledgeEstimates(prepared with { Data = data }, emb, period, known);
        var names = prepared.Data.CharacteristicNames;
        string knownText = string.Join(';', known);
        new NumericTable(["basin", "basin_set", "known"], emb.Select(e => new[] { e.Id, sets[e.Id], knownText }).ToList(),
            [.. names.Select(n => "pred_" + n)],
            emb.Select(e => estimates.TryGetValue(e.Id, out var v) ? v : names.Select(_ => double.NaN).ToArray()).ToList()).WriteCsv(path);
    }
}
