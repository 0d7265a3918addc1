using System.Globalization;

namespace Kgssl.Config;

/// <summary>Range, date and name checks on a loaded config; the first violation is a
/// <see cref="ConfigException"/>.</summary>
public static class ConfigValidator
{
    static readonly string[] Datasets = ["caravan", "camels-us"];
    static readonly string[] Directions = ["sum", "concat"];
    static readonly string[] Devices = ["cpu", "cuda"];
    static readonly string[] Periods = ["train", "test"];
    static readonly string[] EncoderContexts = ["none", "gru"];

    public static void Validate(KgsslConfig c, string source)
    {
        ValidateData(c.Data, source);
        ValidateModel(c.Model, source);
        ValidateTraining(c, source);
        ValidateForward(c.Forward, source);
        ValidateEvaluation(c.Evaluation, source);
    }

    static void ValidateData(DataConfig d, string source)
    {
        OneOf(source, "data.dataset", d.Dataset, Datasets);
        var trainStart = Date(source, "data.train_start", d.TrainStart);
        var trainEnd = Date(source, "data.train_end", d.TrainEnd);
        var testStart = Date(source, "data.test_start", d.TestStart);
        var testEnd = Date(source, "data.test_end", d.TestEnd);
        if (trainEnd < trainStart) throw new ConfigException(
            $"{source}: data.train_end {d.TrainEnd} is before data.train_start {d.TrainStart}");
        if (testEnd < testStart) throw new ConfigException(
            $"{source}: data.test_end {d.TestEnd} is before data.test_start {d.TestStart}");
        Range(source, "data.window_days", d.WindowDays, 8, 3660);
        Range(source, "data.stride", d.Stride, 1, 3660);
        Range(source, "data.max_missing_fraction", d.MaxMissingFraction, 0, 1);
        Range(source, "data.heldout_fraction", d.HeldoutFraction, 0, 0.95);
        Range(source, "data.validation_fraction", d.ValidationFraction, 0, 0.5);
        Range(source, "data.folds", d.Folds, 0, 100);
        if (d.Folds > 1) Range(source, "data.fold", d.Fold, 0, d.Folds - 1);
        if (d.Drivers.Count == 0) throw new ConfigException(
            $"{source}: data.drivers must name at least one driver column");
        if (d.Response.Length == 0) throw new ConfigException($"{source}: data.response must name the response column");
        if (d.ForcingProducts.Count == 0) throw new ConfigException(
            $"{source}: data.forcing_products must name at least one product");
    }

    static void ValidateModel(ModelConfig m, string source)
    {
        Range(source, "model.hidden", m.Hidden, 1, 4096);
        Range(source, "model.embedding", m.Embedding, 1, 4096);
        Range(source, "model.decoder_hidden", m.DecoderHidden, 1, 4096);
        Range(source, "model.head_hidden", m.HeadHidden, 0, 4096);
        OneOf(source, "model.directions", m.Directions, Directions);
        OneOf(source, "model.encoder", m.Encoder, Choices.Encoder.All);
        Range(source, "model.encoder_depth", m.EncoderDepth, 0, 8);
        Range(source, "model.encoder_input_stride", m.EncoderInputStride, 1, 7);
        OneOf(source, "model.encoder_context", m.EncoderContext, EncoderContexts);
        if (m.EncoderContext == "gru" && m.Hidden % 2 != 0)
            throw new ConfigException(
                $"{source}: model.encoder_context: gru needs an even model.hidden (half of it per direction), got " +
                $"{m.Hidden}");
        OneOf(source, "model.decoder", m.Decoder, Choices.Decoder.All);
    }

    static void ValidateTraining(KgsslConfig c, string source)
    {
        var (t, d, m) = (c.Training, c.Data, c.Model);
        OneOf(source, "training.device", t.Device, Devices);
        OneOf(source, "training.guidance", t.Guidance, Choices.Guidance.All);
        OneOf(source, "training.schedule", t.Schedule, Choices.Schedule.All);
        Range(source, "training.threads", t.Threads, 0, 1024);
        Range(source, "training.epochs", t.Epochs, 1, 100000);
        Range(source, "training.batch_size", t.BatchSize, 2, 100000);
        Range(source, "training.learning_rate", t.LearningRate, 1e-7, 1);
        Range(source, "training.grad_clip", t.GradClip, 0, 1e6);
        Range(source, "training.patience", t.Patience, 1, 100000);
        Range(source, "training.margin", t.Margin, 0, 100);
        Range(source, "training.temperature", t.Temperature, 1e-4, 100);
        Range(source, "training.label_fraction", t.LabelFraction, 0, 1);
        Range(source, "training.reconstruction_fraction", t.ReconstructionFraction, 0.01, 1);
        if (t.FlowReconstruction && !d.LogResponse)
            throw new ConfigException(
                $"{source}: training.flow_reconstruction needs data.log_response: true (without the log, L1 already " +
                $"scores the flows)");
        Range(source, "training.reconstruction_context_days", t.ReconstructionContextDays, 0, 3660);
        // both score a prediction of the response from the drivers; the autoregressive decoder rebuilds every input
        // channel from z alone
        foreach (var (set, key) in new[] { (t.ReconstructionContextDays > 0, "training.reconstruction_context_days"),
            (t.FlowReconstruction, "training.flow_reconstruction") })
            if (set && m.Decoder == Choices.Decoder.Autoregressive)
                throw new ConfigException(
                    $"{source}: {key} needs a decoder of the response only (gru, tcn or hbv), not autoregressive");
        Range(source, "training.max_anchors_per_epoch", t.MaxAnchorsPerEpoch, 0, int.MaxValue);
        foreach (var w in new[] { ("training.weight_reconstruction", t.WeightReconstruction),
            ("training.weight_guidance", t.WeightGuidance), ("training.weight_supervision", t.WeightSupervision) })
            Range(source, w.Item1, w.Item2, 0, 1e6);
        if (t.WeightReconstruction + t.WeightGuidance + t.WeightSupervision <= 0)
            throw new ConfigException($"{source}: the three loss weights sum to 0; at least one must be positive");
        foreach (var (name, w) in t.CharacteristicWeights)
            Range(source, $"training.characteristic_weights.{name}", w, 0, 1e6);
    }

    static void ValidateForward(ForwardConfig f, string source)
    {
        OneOf(source, "forward.model", f.Model, Choices.ForwardModel.All);
        Range(source, "forward.dropout", f.Dropout, 0, 0.95);
        Range(source, "forward.curve_every", f.CurveEvery, 0, 10000);
        OneOf(source, "forward.loss", f.Loss, ["mse", "nse"]);
        Range(source, "forward.hidden", f.Hidden, 1, 4096);
        Range(source, "forward.epochs", f.Epochs, 1, 10000);
        Range(source, "forward.members", f.Members, 1, 100);
        Range(source, "forward.batch_size", f.BatchSize, 1, 100000);
        Range(source, "forward.learning_rate", f.LearningRate, 1e-7, 1);
        Range(source, "forward.learning_rate_final", f.LearningRateFinal, 0, f.LearningRate);
        Range(source, "forward.sequence_days", f.SequenceDays, 8, 3660);
        Range(source, "forward.warmup_days", f.WarmupDays, 0, f.SequenceDays - 1);
        Range(source, "forward.windows_per_basin", f.WindowsPerBasin, 1, 10000);
        foreach (var sd in f.CorruptionStds) Range(source, "forward.corruption_stds", sd, 0, 100);
        foreach (var fr in f.CorruptionFractions) Range(source, "forward.corruption_fractions", fr, 0, 1);
        foreach (var months in f.EmbeddingMonths) Range(source, "forward.embedding_months", months, 0, 1200);
    }

    static void ValidateEvaluation(EvaluationConfig e, string source)
    {
        OneOf(source, "evaluation.period", e.Period, Periods);
        Range(source, "evaluation.mantel_permutations", e.MantelPermutations, 0, 1_000_000);
        Range(source, "evaluation.max_train_basins", e.MaxTrainBasins, 0, int.MaxValue);
        Range(source, "evaluation.emulator_spinup_days", e.EmulatorSpinupDays, 0, 36600);
        Range(source, "evaluation.analogs", e.Analogs, 0, 1000);
        Range(source, "evaluation.analog_power", e.AnalogPower, 0, 10);
        Range(source, "evaluation.knowledge_neighbours", e.KnowledgeNeighbours, 1, 1000);
        Range(source, "evaluation.knowledge_power", e.KnowledgePower, 0, 10);
        var weights = e.KnowledgeWeights;
        if (weights.Count != 3 || weights.Any(w => !(w >= 0 && w <= 1000)) || !(weights.Sum() > 0))
            throw new ConfigException(
                $"{source}: evaluation.knowledge_weights expects three weights in [0, 1000], not all 0 " +
                $"(pure inverse, nearest gauges, ridge), got [{string.Join(", ", weights)}]");
        if (e.Known.Count > 0 && !e.Knowledge)
            throw new ConfigException(
                $"{source}: evaluation.known scores the knowledge-guided imputation: it needs evaluation.knowledge: " +
                $"true");
    }

    public static DateOnly Date(string source, string key, string value) =>
        IsoDate.TryParse(value, out var date)
            ? date
            : throw new ConfigException($"{source}: {key} expects an ISO date yyyy-MM-dd, got '{value}'");

    static void OneOf(string source, string key, string value, string[] allowed)
    {
        if (!allowed.Contains(value))
            throw new ConfigException($"{source}: {key} expects one of {string.Join(", ", allowed)}, got '{value}'");
    }

    static void Range(string source, string key, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
            throw new ConfigException(
                string.Create(CultureInfo.InvariantCulture,
                    $"{source}: {key} = {value} is out of range [{min}, {max}]"));
    }
}
