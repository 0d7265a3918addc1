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

    public static KgsslConfig DefaultConfig(string dataRoot, Options o) => new()
    {
        Data = new DataConfig
        {
            Dataset = "caravan",
            Root = dataRoot,
            Source = EnsembleGenerator.Source,
            Drivers = ["total_precipitation_sum", "temperature_2m_mean", "potential_evaporation_sum"],
            Response = "streamflow",
            Characteristics = [.. EnsembleGenerator.CharacteristicNames],
            // the last 8 years train, the first 4 test (both with every basin's weather of those years)
            TrainStart = $"{2009 - o.Years + 4}-10-01",
            TrainEnd = "2009-09-30",
            TestStart = $"{2009 - o.Years}-10-01",
            TestEnd = $"{2009 - o.Years + 4}-09-30",
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
