using Kgssl.Config;
using Kgssl.Hydrology;
using Kgssl.Synthetic;

namespace Kgssl.Runs;

/// <summary>
/// `kgssl demo`: a synthetic ensemble with a known truth -> train -> evaluate, in one run folder, no download.
/// The defaults are in code (so the demo runs from a fresh clone with no config file); --set overrides them.
/// </summary>
public static class DemoPipeline
{
    /// <summary>
    /// Many basins with short records: a learned inverse needs many distinct parameter sets far more than long
    /// series of few basins (measured: 120 x 12 years recovered no HBV parameter; 1500, 4000 and 8000 basins
    /// recover more and more; at the same steps 3x the training basins raised FC 0.707 -> 0.752 and log10(K1)
    /// 0.770 -> 0.803; see benchmarks/RESULTS.md). The ensemble itself takes seconds; training is the cost, and it
    /// is fixed by anchors per epoch, not by the number of basins.
    /// </summary>
    /// <param name="Noise">Multiplicative log-normal noise on the synthetic streamflow (sd of log q; 0 = exact
    /// F).</param>
    public sealed record Options(int Basins = 12000, int Years = 4, int Seed = 7, double Noise = 0);

    /// <summary>
    /// Held-out basins calibrated with the exact model for the identifiability reference (a random sample): 100, not
    /// 40, whose verdicts moved with the sample (TT: r 0.934 on 40, 0.804 on all 800; benchmarks/RESULTS.md).
    /// </summary>
    public const int CalibratedBasins = 100;

    /// <summary>What the demo measured: recovery and distances, the identifiability reference, the refinement.
    /// </summary>
    public sealed record Outcome(Workflow.EvaluationResult Evaluation, CalibrationReference.Outcome Calibration,
        LearnedRefinement.Outcome Refinement);

    /// <summary>
    /// The demo's steps in a created run folder: the ensemble into <c>data/</c>, training, evaluation, the exact
    /// model calibrated per held-out basin (the identifiability reference), the learned inverse refined with F on
    /// every held-out basin (the report is the caller's: it reads the run folder).
    /// </summary>
    public static Outcome Run(RunDirectory run, KgsslConfig config, Options o, IRunReporter reporter)
    {
        string dataRoot = config.Data.Root;
        reporter.Info($"run folder: {run.Path}");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(dataRoot, o.Basins, o.Years, o.Seed, o.Noise),
            new Progress<double>(f => reporter.Progress("synthesize ensemble", f)));
        reporter.Info($"synthetic ensemble: {o.Basins} basins x {o.Years} years of HBV " +
            $"runs{(o.Noise > 0 ? $", streamflow noise sd(log q) {o.Noise}" : "")} in {dataRoot}");
        var prepared = Workflow.Prepare(run, config, reporter, useCache: false);
        Workflow.Train(run, prepared, resume: false, reporter);
        var evaluation = Workflow.Evaluate(run, prepared, config.Evaluation.Period, reporter);
        var calibration = CalibrationReference.Run(run, prepared, "heldout",
            new HbvCalibration.Options(Seed: config.Training.Seed), reporter, maxBasins: CalibratedBasins);
        var refinement = LearnedRefinement.Run(run, prepared, "heldout",
            new LearnedRefinement.Settings(Seed: config.Training.Seed), reporter);
        return new Outcome(evaluation, calibration, refinement);
    }

    /// <summary>The last half of the years (at least one) is the test period, the years before it train.</summary>
    public static KgsslConfig DefaultConfig(string dataRoot, Options o)
    {
        Validate(o);
        int first = 2009 - o.Years, testYears = Math.Max(1, o.Years / 2), split = first + o.Years - testYears;
        return Build(dataRoot, o, $"{first}-10-01", $"{split}-09-30", $"{split}-10-01", "2009-09-30");
    }

    /// <summary>Throws a one-line ArgumentException naming the option when the demo's options cannot make a
    /// run.</summary>
    public static void Validate(Options o)
    {
        if (o.Years < 2) throw new ArgumentException(
            $"--years must be at least 2 (one to test, one to train), got {o.Years}");
        if (o.Basins < 10) throw new ArgumentException(
            $"--basins must be at least 10 (train, validation and held-out sets), got {o.Basins}");
        if (!(o.Noise >= 0 && o.Noise <= 2)) throw new ArgumentException(
            $"--noise must be in 0..2 (sd of log streamflow), got {o.Noise}");
    }

    /// <summary>The demo's recipe on an ensemble in <paramref name="dataRoot"/> with the given periods (ISO
    /// dates).</summary>
    public static KgsslConfig Build(string dataRoot, Options o, string trainStart, string trainEnd, string testStart,
        string testEnd) => new()
    {
        Data = DemoData(dataRoot, trainStart, trainEnd, testStart, testEnd),
        Model = DemoModel(),
        Training = DemoTraining(o),
        // the Mantel test is quadratic in basins: the held-out ones and a sample of 2880 training basins
        Evaluation = new EvaluationConfig { Period = "test", MantelPermutations = 199, ColorBy = "aridity",
            MaxTrainBasins = 2880 },
    };

    static DataConfig DemoData(string dataRoot, string trainStart, string trainEnd, string testStart,
        string testEnd) => new DataConfig
    {
        Dataset = "caravan",
        Root = dataRoot,
        Source = EnsembleGenerator.Source,
        Drivers = ["total_precipitation_sum", "temperature_2m_mean", "potential_evaporation_sum"],
        Response = "streamflow",
        // recession coefficients are drawn log-uniformly over decades: regressed and scored as log10
        Characteristics = [.. EnsembleGenerator.CharacteristicNames.Select(
            n => HbvParameters.Ranges.Any(r => r.Name == n && r.Log) ? $"log10({n})" : n)],
        TrainStart = trainStart,
        TrainEnd = trainEnd,
        TestStart = testStart,
        TestEnd = testEnd,
        WindowDays = 365,
        // windows every 60 days: seven overlapping years per basin and period, more distinct samples per basin
        Stride = 60,
        // of 12000 basins: 800 held out, 320 for early stopping, 10880 to train on (each seen a few times)
        HeldoutFraction = 0.0667,
        ValidationFraction = 0.0286,
        LogResponse = true,
        // peaks (routing, quick flow) show in q itself, recessions in log q: the encoder gets both, and the
        // day-to-day change of log q, where recession rates read off directly (measured: log10(K2) 0.885 -> 0.916,
        // MAXBAS 0.935 -> 0.968, log10(K1) 0.74 -> 0.78 on the 800 held-out basins; benchmarks/RESULTS.md)
        LinearResponseInput = true,
        ResponseChangeInput = true,
    };

    // convolutional encoder and decoder: ~4x the windows per second of the BiGRU + GRU pair on a CPU, and within
    // the demo's minutes the number of windows seen is what limits the inverse (benchmarks/RESULTS.md). The encoder
    // reads the days in steps of 3 (a third of the cost of each layer after the first) with twice the width, one
    // stride-2 convolution (61 steps) and a bidirectional GRU over those steps, so that every step sees the whole
    // year in order: measured at 3 epochs on the demo's ensemble, validation L3 0.415 -> 0.357 and on the 800
    // held-out basins FC 0.722 -> 0.785, PERC 0.698 -> 0.827, log10(K1) 0.700 -> 0.847 (benchmarks/RESULTS.md)
    static ModelConfig DemoModel() => new ModelConfig
    {
        Encoder = "cnn", Hidden = 64, Embedding = 32, Directions = "sum", Decoder = "tcn", DecoderHidden = 32,
        HeadHidden = 64, EncoderInputStride = 3, EncoderDepth = 1, EncoderContext = "gru",
    };

    // the ensemble is fully labelled: supervision leads, reconstruction and guidance regularize
    static TrainingConfig DemoTraining(Options o) => new TrainingConfig
    {
        Seed = o.Seed,
        // 3: with this encoder 3 epochs recover more than 7 did with the previous one, and the demo stays within
        // minutes even on a slow day of this 2-core machine
        Epochs = 3,
        BatchSize = 32,  // measured: 32 beats 64 at the same wall clock (more steps; benchmarks/RESULTS.md)
        LearningRate = 0.01,  // measured: 0.005 -> 0.01 better at 3 epochs, 0.02 unstable
        Schedule = "cosine_step",
        // windows start on any day (the same number per basin and epoch): other days each epoch
        RandomWindows = true,
        Patience = 10,
        WeightReconstruction = 0.2,
        // the decoder costs about twice the encoder per window: a quarter of the anchors is reconstructed
        ReconstructionFraction = 0.25,
        WeightGuidance = 0.1,
        WeightSupervision = 5,
        // the steps of 2880 basins x 7 windows an epoch, whatever the number of basins
        MaxAnchorsPerEpoch = 20160,
    };
}
