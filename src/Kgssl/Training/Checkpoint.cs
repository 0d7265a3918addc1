using System.Text.Json;
using Kgssl.Model;
using TorchSharp;

namespace Kgssl.Training;

/// <summary>Trainer state saved beside the weights: where to resume and what early stopping knows.</summary>
public sealed record TrainerState(int Epoch, double BestScore, int BestEpoch, int EpochsWithoutImprovement, bool Stopped);

/// <summary>
/// Checkpoints: <c>checkpoints/{tag}.model.bin</c> (weights), <c>{tag}.optim.bin</c> (Adam moments and step
/// counts) and <c>{tag}.json</c> (trainer state). Each file is written to a temp name then renamed, state last,
/// so a kill at any moment leaves the previous complete checkpoint readable.
/// </summary>
public static class Checkpoint
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string Folder(string runDir) => Path.Combine(runDir, "checkpoints");

    public static void Save(string runDir, string tag, KgsslModel model, Adam optimizer, TrainerState state)
    {
        string dir = Folder(runDir);
        Directory.CreateDirectory(dir);
        string modelPath = Path.Combine(dir, $"{tag}.model.bin"), optimPath = Path.Combine(dir, $"{tag}.optim.bin");
        model.save(modelPath + ".tmp");
        File.Move(modelPath + ".tmp", modelPath, overwrite: true);
        optimizer.Save(optimPath + ".tmp");
        File.Move(optimPath + ".tmp", optimPath, overwrite: true);
        string statePath = Path.Combine(dir, $"{tag}.json");
        File.WriteAllText(statePath + ".tmp", JsonSerializer.Serialize(state, Json));
        File.Move(statePath + ".tmp", statePath, overwrite: true);
    }

    public static bool Exists(string runDir, string tag) => File.Exists(Path.Combine(Folder(runDir), $"{tag}.json"));

    public static TrainerState LoadState(string runDir, string tag) =>
        JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(Path.Combine(Folder(runDir), $"{tag}.json")))
        ?? throw new InvalidDataException($"{runDir}: empty checkpoint state {tag}.json");

    public static void LoadWeights(string runDir, string tag, KgsslModel model)
    {
        string path = Path.Combine(Folder(runDir), $"{tag}.model.bin");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no checkpoint '{tag}' in this run folder");
        model.load(path);
    }

    public static void LoadOptimizer(string runDir, string tag, Adam optimizer) =>
        optimizer.Load(Path.Combine(Folder(runDir), $"{tag}.optim.bin"));
}
