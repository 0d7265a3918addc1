using Kgssl.Config;
using Kgssl.Synthetic;

namespace Kgssl.Runs;

/// <summary>
/// `kgssl demo`: a synthetic ensemble with a known truth -> train -> evaluate, in one run folder, no download.
/// The defaults are in code (so the demo runs from a fresh clone with no config file); --set overrides them.
/// </summary>
public static class DemoPipeline
{
    public sealed record Options(int Basins = 120, int Years = 12, int Seed = 7);

    /// <summary>The first third of the years (at least one) is the test period, the rest trains.</summary>
    public static KgsslConfig DefaultConfig(string dataRoot, Options o)
    {
        if (o.Years < 2) throw new ArgumentException($"--years must be at least 2 (one to test, one to train), got {o.Years}");
        if (o.Basins < 10) throw new ArgumentException($"--basins must be at least 10 (train, validation and held-out sets), got {o.Basins}");
        int first = 2009 - o.Years, testYears = Math.Max(1, o.Years / 3);
        return Build(dataRoot, o, $"{first + testYears}-10-01", $"{first}-10-01", $"{first + testYears}-09-30");
    }

    static KgsslConfig Build(string dataRoot, Options o, string trainStart, string testStart, string testEnd) => new()
    {
        Data = new DataConfig
        {
            Dataset = "caravan",
            Root = dataRoot,
            Source = EnsembleGenerator.Source,
            Drivers = ["total_precipitation_sum", "temperature_2m_mean", "potential_evaporation_sum"],
            Response = "streamflow",
            // recession coefficients are drawn log-uniformly over decades: regressed and scored as log10
            Characteristics = [.. EnsembleGenerator.CharacteristicNames.Select(n => HbvParameters.Ranges.Any(r => r.Name == n && r.Log) ? $"log10({n})" : n)],
            TrainStart = trainStart,
            TrainEnd = "2009-09-30",
            TestStart = testStart,
            TestEnd = testEnd,
            WindowDays = 365,
            Stride = 182,
            HeldoutFraction = 0.2,
            ValidationFraction = 0.1,
            LogResponse = true,
        },
        Model = new ModelConfig { Hidden = 32, Embedding = 16, Directions = "sum", Decoder = "forward", DecoderHidden = 32 },
        Training = new TrainingConfig
        {
            Seed = o.Seed,
            Epochs = 25,
            BatchSize = 64,
            LearningRate = 0.005,
            Schedule = "cosine",
            Patience = 8,
            WeightReconstruction = 1,
            WeightGuidance = 0.5,
            WeightSupervision = 1,
        },
        Evaluation = new EvaluationConfig { Period = "test", MantelPermutations = 199, ColorBy = "aridity" },
    };
}
