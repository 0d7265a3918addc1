using System.Text.Json;
using Kgssl.Model;

namespace Kgssl.Training;

/// <summary>
/// Trainer state saved beside the weights: where to resume and what early stopping knows. <paramref name="Generation"/>
/// names the weight and optimizer files of this state (0: the layout without generations).
/// </summary>
public sealed record TrainerState(int Epoch, double BestScore, int BestEpoch, int EpochsWithoutImprovement,
    bool Stopped, int Generation = 0);

/// <summary>
/// Checkpoints as sets: <c>checkpoints/{tag}.g{n}.model.bin</c> (weights) and <c>{tag}.g{n}.optim.bin</c> (Adam moments
/// and step counts) of generation n, then <c>{tag}.json</c> (trainer state naming n), replaced by one rename, last.
/// Every file is flushed to the disk before the state names it, so a kill at any moment leaves the previous complete
/// set, weights and optimizer of one epoch, readable; the other generations' files are deleted only after the switch.
/// </summary>
public static class Checkpoint
{
    static readonly JsonSerializerOptions Json = Data.JsonFiles.Options;

    /// <summary>Test hook: called after each step of a save (model, optimizer, state, cleanup) with the tag and epoch;
    /// it may throw to simulate a kill.</summary>
    internal static Action<string, string, int>? AfterStep { get; set; }

    public static string Folder(string runDir) => Path.Combine(runDir, "checkpoints");

    static string ModelPath(string dir, string tag, int generation)
        => Path.Combine(dir, generation == 0 ? $"{tag}.model.bin" : $"{tag}.g{generation}.model.bin");

    static string OptimizerPath(string dir, string tag, int generation)
        => Path.Combine(dir, generation == 0 ? $"{tag}.optim.bin" : $"{tag}.g{generation}.optim.bin");

    public static void Save(string runDir, string tag, KgsslModel model, Adam optimizer, TrainerState state)
    {
        string dir = Folder(runDir);
        Directory.CreateDirectory(dir);
        int previous = Exists(runDir, tag) ? LoadState(runDir, tag).Generation : -1;
        int generation = Math.Max(previous, 0) + 1;
        string modelPath = ModelPath(dir, tag, generation), optimPath = OptimizerPath(dir, tag, generation);
        model.save(modelPath);
        FlushToDisk(modelPath);
        AfterStep?.Invoke("model", tag, state.Epoch);
        optimizer.Save(optimPath);
        FlushToDisk(optimPath);
        AfterStep?.Invoke("optimizer", tag, state.Epoch);
        string statePath = Path.Combine(dir, $"{tag}.json");
        WriteDurably(statePath + ".tmp", JsonSerializer.Serialize(state with { Generation = generation }, Json));
        File.Move(statePath + ".tmp", statePath, overwrite: true);
        AfterStep?.Invoke("state", tag, state.Epoch);
        // every other generation of the tag goes, also one that a kill left behind before its cleanup
        foreach (var file in Directory.GetFiles(dir, $"{tag}.*.bin"))
            if (file != modelPath && file != optimPath) File.Delete(file);
        AfterStep?.Invoke("cleanup", tag, state.Epoch);
    }

    /// <summary>Writes a text file and flushes it to the disk (a rename after it then never exposes a partly written
    /// file).</summary>
    public static void WriteDurably(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    static void FlushToDisk(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        stream.Flush(flushToDisk: true);
    }

    public static bool Exists(string runDir, string tag) => File.Exists(Path.Combine(Folder(runDir), $"{tag}.json"));

    public static TrainerState LoadState(string runDir, string tag) =>
        JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(Path.Combine(Folder(runDir), $"{tag}.json")), Json)
        ?? throw new InvalidDataException($"{runDir}: empty checkpoint state {tag}.json");

    public static void LoadWeights(string runDir, string tag, KgsslModel model)
    {
        string path = Exists(runDir, tag) ? ModelPath(Folder(runDir), tag, LoadState(runDir, tag).Generation)
            : ModelPath(Folder(runDir), tag, 0);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no checkpoint '{tag}' in this run folder");
        model.load(path);
    }

    public static void LoadOptimizer(string runDir, string tag, Adam optimizer) =>
        optimizer.Load(OptimizerPath(Folder(runDir), tag, LoadState(runDir, tag).Generation));
}
