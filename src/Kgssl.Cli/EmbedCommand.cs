using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Report;
using Kgssl.Runs;
using Kgssl.Training;

namespace Kgssl.Cli;

/// <summary>`kgssl embed`: the run's model and train-only normalizer applied to any basins.</summary>
public static class EmbedCommand
{
    /// <param name="known">Null: the pure inverse only. Else also the knowledge-guided estimate with these
    /// characteristics known.</param>
    /// <returns>How many basins got an embedding, of how many in the data.</returns>
    public static (int Embedded, int Basins) Run(RunDirectory run, KgsslConfig cfg, string period, string stem,
        ConsoleReporter reporter,
        IReadOnlyList<string>? known = null)
    {
        var (start, end) = Period(cfg, period);
        // where the files go exists before any work is done
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(stem))!);
        var loaded = DatasetLoader.Load(cfg.Data, progress: new Progress<double>(
            f => reporter.Progress("load data", f)), inference: true);
        foreach (var note in loaded.Data.Notes) reporter.Info("data: " + note);
        // before any work
        if (known is not null) Workflow.KnownIndices(loaded.Data.CharacteristicNames, known, "--known");
        var ids = loaded.Data.Basins.Select(b => b.Id).ToList();
        var data = known is null ? loaded.Data : WithLenders(run, loaded.Data);
        using var trained = TrainedRun.Open(run, cfg, data);
        var (prepared, model, device) = (trained.Prepared, trained.Model, trained.Device);
        var split = prepared.Split;
        var seen = split.Train.Concat(split.Validation).ToHashSet();
        // with analogs on, the knowledge-guided estimate's pure inverse needs the training basins' head estimates over
        // the same period: they are embedded too, not written
        var targets = ids.ToHashSet(StringComparer.Ordinal);
        var extra = known is not null && cfg.Evaluation.Analogs > 0 ? split.Train.Where(i => !targets.Contains(i)) : [];
        var all = Embedder.Embed(model, prepared.Store, [.. ids, .. extra], start, end, cfg.Data.WindowDays,
            cfg.Data.Stride,
            device);
        var emb = all.Where(e => targets.Contains(e.Id)).ToList();
        var sets = ids.ToDictionary(i => i, i => seen.Contains(i) ? "seen" : "unseen");
        Workflow.WriteEmbeddings(stem + ".csv", emb, sets, prepared);
        ParquetMirror.Write(stem + ".csv", stem + ".parquet");
        if (known is not null)
        {
            var estimates = Workflow.KnowledgeEstimates(prepared, all, ids, (start, end), known);
            WriteKnowledge(RunFiles.KnowledgeStem(stem) + ".csv", prepared, emb, estimates, known, sets);
        }
        return (emb.Count(e => e.Windows > 0), emb.Count);
    }

    /// <summary>
    /// The embedded basins and the run's training and validation basins, which lend their characteristics to the
    /// knowledge-guided estimate: the run's own data set is read again only when the embedded basins lack some of them.
    /// </summary>
    static HydroDataset WithLenders(RunDirectory run, HydroDataset data)
    {
        var split = TrainedRun.ReadSplit(run);
        var targets = data.Basins.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        if (split.Train.Concat(split.Validation).All(targets.Contains)) return data;
        var runData = DatasetLoader.Load(run.ReadConfig().Data with { BasinFile = "" }).Data;
        return data with { Basins = [.. data.Basins, .. runData.Basins.Where(b => !targets.Contains(b.Id))] };
    }

    /// <summary>train | test | START:END (ISO dates, or START..END), the end not before the start.</summary>
    static (DateOnly Start, DateOnly End) Period(KgsslConfig cfg, string period)
    {
        if (period is "train" or "test") return Workflow.Period(cfg, period);
        if (!IsoDate.TryParsePeriod(period, out var start, out var end)) throw new ConfigException(
            $"--period: expected train, test or START:END as ISO dates (1990-01-01:1995-12-31), got '{period}'");
        if (end < start) throw new ConfigException(
            $"--period: the end {end:yyyy-MM-dd} is before the start {start:yyyy-MM-dd}");
        return (start, end);
    }

    /// <summary>The knowledge-guided estimate of every embedded basin, the known characteristics given back as they
    /// are.</summary>
    static void WriteKnowledge(string path, Workflow.Prepared prepared, List<BasinEmbedding> emb,
        Dictionary<string, double[]> estimates, IReadOnlyList<string> known, Dictionary<string, string> sets)
    {
        var names = prepared.Data.CharacteristicNames;
        string knownText = string.Join(';', known);
        new NumericTable(["basin", "basin_set", "known"], emb.Select(e => new[] { e.Id, sets[e.Id], knownText })
            .ToList(),
            [.. names.Select(n => "pred_" + n)],
            emb.Select(e => estimates.TryGetValue(e.Id, out var v) ? v : names.Select(_ => double.NaN).ToArray())
                .ToList())
            .WriteCsv(path);
    }
}
