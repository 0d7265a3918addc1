using System.Diagnostics;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Kgssl.Training;

/// <summary>
/// Trains a <see cref="KgsslModel"/> with the three KGSSL signals on the training basins' training-period
/// windows: Adam, optional schedule, gradient clipping, validation each epoch, early stopping, best and last
/// checkpoints, resume from the last finished epoch. Writes <c>epochs.csv</c> in the run folder.
/// </summary>
public sealed class Trainer
{
    readonly KgsslConfig _config;
    readonly FeatureStore _store;
    readonly BasinSplit _split;
    readonly string _runDir;
    readonly Action<string> _log;
    Window[] _windows = [];
    int[] _periodFirstDay = [];

    public Trainer(KgsslConfig config, FeatureStore store, BasinSplit split, string runDir, Action<string>? log = null)
    {
        _config = config;
        _store = store;
        _split = split;
        _runDir = runDir;
        _log = log ?? (_ => { });
    }

    public string EpochsCsv => Path.Combine(_runDir, RunFiles.Epochs);

    /// <summary>Trains (or resumes) and returns the per-epoch records; the model ends with the best weights.</summary>
    public (KgsslModel Model, List<EpochRecord> Epochs) Run(bool resume, IProgress<TrainProgress>? progress = null,
        CancellationToken cancel = default)
    {
        var t = _config.Training;
        var device = TorchSetup.Configure(t);
        var model = new KgsslModel(_config.Model, _store.DriverCount, _store.CharacteristicNames.Count,
            KgsslModel.PhysicsFor(_config.Model, _store.Normalizer, _store.DriverNames), _store.Channels);
        model.to(device);
        using var optimizer = new Adam(model.parameters(), t.LearningRate);
        var (trainIdx, trainWindows, valWindows, anchorsPerBasin) = EpochWindows();
        var labelled = LabelledBasins(trainIdx, t);
        var weights = CharacteristicWeights(t, device);
        var builder = new BatchBuilder(_store, _config.Data.WindowDays, device);
        var guard = new GradientGuard();
        var (state, records) = resume && Checkpoint.Exists(_runDir, "last")
            ? Restore(model, optimizer)
            : (new TrainerState(0, double.PositiveInfinity, 0, 0, false), new List<EpochRecord>());
        WriteEpochs(records);

        for (int epoch = state.Epoch + 1; epoch <= t.Epochs && !state.Stopped; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            double lr = LearningRate(t, epoch);   // the epoch's first step's rate, recorded in epochs.csv
            var clock = Stopwatch.StartNew();
            var triplets = TripletSampler.Epoch(trainWindows, t.Seed, epoch, t.MaxAnchorsPerEpoch, anchorsPerBasin);
            var (sums, seen) = TrainEpoch(model, optimizer, builder, triplets, labelled, weights, guard, epoch,
                progress, clock, cancel);
            double seconds = clock.Elapsed.TotalSeconds;
            int skipped = guard.EndEpoch(epoch);
            var val = Validate(model, builder, valWindows, labelled, weights, t.Seed);
            var record = new EpochRecord(epoch, lr, sums[0] / seen, sums[1] / seen, sums[2] / seen, sums[3] / seen,
                val[0], val[1], val[2], val[3], seen, seconds, skipped);
            records.Add(record);
            state = EndEpoch(model, optimizer, state, records, record);
        }
        if (Checkpoint.Exists(_runDir, "best")) Checkpoint.LoadWeights(_runDir, "best", model);
        return (model, records);
    }

    /// <summary>The training basins, their windows of the training period (every start day with random_windows,
    /// each basin then keeping its number of stride windows as anchors) and the validation basins' windows.</summary>
    (HashSet<int> TrainIdx, List<Window>[] Train, List<Window>[] Validation, int[]? AnchorsPerBasin) EpochWindows()
    {
        var (t, d) = (_config.Training, _config.Data);
        var (trainStart, trainEnd) = d.Train();
        _periodFirstDay = _store.Basins.Select(b => b.PeriodRange(trainStart, trainEnd).From).ToArray();
        var trainIdx = _split.Train.Select(_store.IndexOf).ToHashSet();
        var valIdx = _split.Validation.Select(_store.IndexOf).ToHashSet();
        var allWindows = WindowIndex.Build(_store, trainStart, trainEnd, d.WindowDays, d.Stride, d.MaxMissingFraction);
        var trainWindows = allWindows.Select((w, i) => trainIdx.Contains(i) ? w : []).ToArray();
        int[]? anchorsPerBasin = null;
        if (t.RandomWindows)
        {
            anchorsPerBasin = trainWindows.Select(w => w.Count).ToArray();
            var daily = WindowIndex.Build(_store, trainStart, trainEnd, d.WindowDays, 1, d.MaxMissingFraction);
            trainWindows = daily.Select((w, i) => trainIdx.Contains(i) ? w : []).ToArray();
        }
        var valWindows = allWindows.Select((w, i) => valIdx.Contains(i) ? w : []).ToArray();
        int usableTrain = trainWindows.Count(w => w.Count > 0);
        if (usableTrain < 2)
            throw new InvalidOperationException(
                $"only {usableTrain} training basins have a complete {d.WindowDays}-day window in " +
                $"{d.TrainStart}..{d.TrainEnd}; need at least 2");
        return (trainIdx, trainWindows, valWindows, anchorsPerBasin);
    }

    /// <summary>The last checkpoint's weights, optimizer and state, and the epoch rows up to its epoch.</summary>
    (TrainerState State, List<EpochRecord> Records) Restore(KgsslModel model, Adam optimizer)
    {
        var t = _config.Training;
        var state = Checkpoint.LoadState(_runDir, "last");
        Checkpoint.LoadWeights(_runDir, "last", model);
        Checkpoint.LoadOptimizer(_runDir, "last", optimizer);
        var records = EpochRecord.ReadAll(EpochsCsv).Where(r => r.Epoch <= state.Epoch).ToList();
        _log(state.Stopped || state.Epoch >= t.Epochs
            ? $"already finished: {state.Epoch} of {t.Epochs} epochs{(state.Stopped ? " (stopped early)" : "")}; " +
                "nothing to train (--set training.epochs=N goes further)"
            : $"resumed from epoch {state.Epoch} of {t.Epochs} (best {state.BestScore:G5} at epoch " +
                $"{state.BestEpoch})");
        return (state, records);
    }

    /// <summary>One pass over the epoch's triplets; returns the sums of the loss and its three terms, weighted
    /// by batch size, and the anchors seen.</summary>
    (double[] Sums, int Seen) TrainEpoch(KgsslModel model, Adam optimizer, BatchBuilder builder, Triplet[] triplets,
        bool[] labelled, Tensor weights, GradientGuard guard, int epoch, IProgress<TrainProgress>? progress,
        Stopwatch clock, CancellationToken cancel)
    {
        var t = _config.Training;
        var sums = new double[4];
        int batches = (triplets.Length + t.BatchSize - 1) / t.BatchSize, seen = 0;
        model.train();
        for (int b = 0; b < batches; b++)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var batch = triplets.AsSpan(b * t.BatchSize, Math.Min(t.BatchSize, triplets.Length - b * t.BatchSize));
            // every step: the schedule decides whether the rate moves within an epoch (cosine_step) or not
            optimizer.LearningRate = LearningRate(t, epoch, (double)b / batches);
            var (loss, l1, l2, l3) = Step(model, builder, batch, labelled, weights);
            optimizer.zero_grad();
            loss.backward();
            // the norm before clipping (an infinite bound clips nothing): a non-finite one skips the step
            double norm = nn.utils.clip_grad_norm_(model.parameters(),
                t.GradClip > 0 ? t.GradClip : double.PositiveInfinity);
            if (guard.Admit(norm)) optimizer.step();
            double n = batch.Length;
            sums[0] += loss.item<float>() * n; sums[1] += l1 * n; sums[2] += l2 * n; sums[3] += l3 * n;
            seen += batch.Length;
            progress?.Report(new TrainProgress(epoch, t.Epochs, b + 1, batches, sums[0] / seen, sums[1] / seen,
                sums[2] / seen, sums[3] / seen, seen / clock.Elapsed.TotalSeconds));
        }
        return (sums, seen);
    }

    /// <summary>After an epoch: best and early-stop bookkeeping, the epoch's row, the checkpoints, the log
    /// line.</summary>
    TrainerState EndEpoch(KgsslModel model, Adam optimizer, TrainerState state, List<EpochRecord> records,
        EpochRecord record)
    {
        var t = _config.Training;
        int epoch = record.Epoch;
        double score = double.IsNaN(record.ValLoss) ? record.Loss : record.ValLoss;
        // NaN best: none yet (a state read back from JSON, where a score that is not finite is null)
        bool improved = double.IsFinite(score) && !(score >= state.BestScore);
        state = improved
            ? state with { Epoch = epoch, BestScore = score, BestEpoch = epoch, EpochsWithoutImprovement = 0 }
            : state with { Epoch = epoch, EpochsWithoutImprovement = state.EpochsWithoutImprovement + 1 };
        if (state.EpochsWithoutImprovement >= t.Patience) state = state with { Stopped = true };
        // the epoch's row first: a resume keeps only the rows up to the last checkpoint's epoch, so a kill between
        // the two loses nothing and duplicates nothing
        WriteEpochs(records);
        if (improved) Checkpoint.Save(_runDir, "best", model, optimizer, state);
        Checkpoint.Save(_runDir, "last", model, optimizer, state);
        _log($"epoch {epoch}: loss {record.Loss:F4} (L1 {record.Reconstruction:F4}, L2 {record.Guidance:F4}, " +
            $"L3 {record.Supervision:F4}) val {record.ValLoss:F4}, {record.AnchorsPerSecond:F1} anchor windows/s, " +
            $"{record.Seconds:F1} s{(improved ? ", best" : "")}" +
            (record.SkippedSteps > 0 ? $"; {record.SkippedSteps} steps with a non-finite gradient skipped" : "") +
            (state.Stopped ? $"; early stop after {t.Patience} epochs without improvement" : ""));
        return state;
    }

    /// <summary>One step's loss: the weighted mean of its terms (a term of weight 0 is not computed).</summary>
    (Tensor Loss, double L1, double L2, double L3) Step(KgsslModel model, BatchBuilder builder,
        ReadOnlySpan<Triplet> batch, bool[] labelled, Tensor weights)
    {
        var t = _config.Training;
        int n = batch.Length;
        if (_windows.Length != 3 * n) _windows = new Window[3 * n]; // reused across steps of equal size
        var windows = _windows;
        for (int i = 0; i < n; i++)
        {
            windows[i] = batch[i].Anchor;
            windows[n + i] = batch[i].Positive;
            windows[2 * n + i] = batch[i].Negative;
        }
        bool needAll = t.WeightGuidance > 0 || t.CrossReconstruction;
        var x = builder.Inputs(needAll ? windows : windows.AsSpan(0, n));    // [3n or n, T, C]
        var z = model.Embed(x);                                              // [3n or n, E]
        // one view of the anchors' embeddings for every term, so that autograd adds their gradients in one order
        var za = z[..n];
        Tensor zero = zeros(1, device: x.device).squeeze();
        var l1 = t.WeightReconstruction > 0 ? Reconstruction(model, builder, windows, n, x, z, za) : zero;
        var l2 = t.WeightGuidance > 0 ? Guidance(z, za, n) : zero;
        var l3 = t.WeightSupervision > 0 && weights.shape[0] > 0
            ? Supervision(model, builder, windows, z, labelled, weights) : zero;
        double wSum = t.WeightReconstruction + t.WeightGuidance + t.WeightSupervision;
        // held Scalars only (see Held): the step runs thousands of times while other threads allocate
        var loss = Held.Plus(Held.Plus(Held.Times(l1, t.WeightReconstruction), Held.Times(l2, t.WeightGuidance)),
            Held.Times(l3, t.WeightSupervision))
            .div(Held.Of(wSum));
        return (loss, l1.item<float>(), l2.item<float>(), l3.item<float>());
    }

    /// <summary>L1: the decoder rebuilds the anchors' response from their drivers and an embedding (the anchor's own,
    /// or its positive's with cross reconstruction).</summary>
    Tensor Reconstruction(KgsslModel model, BatchBuilder builder, Window[] windows, int n, Tensor x, Tensor z,
        Tensor za)
    {
        var t = _config.Training;
        var anchorX = x[..n];
        var zRec = t.CrossReconstruction ? z[n..(2 * n)] : za;
        // the decoder costs about twice the encoder per window: optionally only the first share of the anchors
        // (the batch order is already random) is reconstructed
        int r = Math.Max(1, (int)Math.Round(t.ReconstructionFraction * n));
        var (pred, target, mask) = t.ReconstructionContextDays > 0
            ? ReconstructWithContext(model, builder, windows.AsSpan(0, r), anchorX[..r], zRec[..r],
                t.ReconstructionContextDays)
            : model.Reconstructor.Reconstruct(anchorX[..r], zRec[..r], model.DriverCount);
        var l1 = Losses.MaskedMse(pred, target, mask);
        if (!t.FlowReconstruction) return l1;
        var n0 = _store.Normalizer;
        return Held.Plus(l1, Losses.FlowMse(pred, target, mask, n0.ResponseMean, n0.ResponseStd,
            Normalizer.LogOffset, n0.LinearResponseStd));
    }

    /// <summary>L2: a basin's windows closer to each other than to another basin's.</summary>
    Tensor Guidance(Tensor z, Tensor za, int n)
    {
        var t = _config.Training;
        return t.Guidance == Choices.Guidance.NtXent
            ? Losses.NtXent(za, z[n..(2 * n)], t.Temperature)
            : Losses.TripletMargin(za, z[n..(2 * n)], z[(2 * n)..], t.Margin);
    }

    /// <summary>L3: the head's characteristics against the known ones, weighted per characteristic.</summary>
    static Tensor Supervision(KgsslModel model, BatchBuilder builder, Window[] windows, Tensor z, bool[] labelled,
        Tensor weights)
    {
        // every window the encoder saw carries its basin's label: anchors, and positives and negatives when
        // guidance needed them, so supervision gets three times the windows for no extra encoder work
        int m = (int)z.shape[0];
        var labels = builder.Labels(windows.AsSpan(0, m), labelled);
        var mask = labels.isnan().logical_not().to_type(ScalarType.Float32);
        return Losses.Supervision(model.Head.forward(z), labels, mask, weights);
    }

    /// <summary>
    /// L1's terms when the decoder first runs through <paramref name="context"/> days of drivers before each window:
    /// its prediction of the window's days only, against the window's response.
    /// </summary>
    (Tensor Prediction, Tensor Target, Tensor Mask) ReconstructWithContext(KgsslModel model, BatchBuilder builder,
        ReadOnlySpan<Window> windows,
        Tensor windowX, Tensor z, int context)
    {
        var emulator = model.Emulator ?? throw new InvalidOperationException(
            "training.reconstruction_context_days needs a decoder of the response only");
        return IEmulator.ReconstructResponse(emulator, windowX, z, model.DriverCount,
            builder.DriversWithContext(windows, context, _periodFirstDay));
    }

    double[] Validate(KgsslModel model, BatchBuilder builder, List<Window>[] valWindows, bool[] labelled,
        Tensor weights, int seed)
    {
        if (valWindows.Count(w => w.Count > 0) < 2) return [double.NaN, double.NaN, double.NaN, double.NaN];
        var triplets = TripletSampler.Epoch(valWindows, seed, -1);
        var allLabelled = Enumerable.Repeat(true, labelled.Length).ToArray(); // validation scores every known label
        var sums = new double[4];
        model.eval();
        using (no_grad())
            for (int b = 0; b < triplets.Length; b += _config.Training.BatchSize)
            {
                using var scope = NewDisposeScope();
                var batch = triplets.AsSpan(b, Math.Min(_config.Training.BatchSize, triplets.Length - b));
                var (loss, l1, l2, l3) = Step(model, builder, batch, allLabelled, weights);
                double n = batch.Length;
                sums[0] += loss.item<float>() * n; sums[1] += l1 * n; sums[2] += l2 * n; sums[3] += l3 * n;
            }
        model.train();
        return sums.Select(s => s / triplets.Length).ToArray();
    }

    bool[] LabelledBasins(HashSet<int> trainIdx, TrainingConfig t)
    {
        var labelled = new bool[_store.Basins.Count];
        var order = trainIdx.Order().ToArray();
        new Random(Seeds.Mix(t.Seed, 0x1abe1)).Shuffle(order);
        int keep = (int)Math.Round(t.LabelFraction * order.Length);
        foreach (int i in order.Take(keep)) labelled[i] = true;
        return labelled;
    }

    Tensor CharacteristicWeights(TrainingConfig t, Device device)
    {
        var characteristicNames = _store.CharacteristicNames;
        int k = characteristicNames.Count;
        var w = new float[k];
        for (int i = 0; i < k; i++)
            w[i] = (float)(t.CharacteristicWeights.TryGetValue(characteristicNames[i], out var v) ? v : 1.0);
        foreach (var key in t.CharacteristicWeights.Keys)
            if (!characteristicNames.Contains(key))
                throw new ConfigException(
                    $"training.characteristic_weights names '{key}', which is not a characteristic of this data set");
        return tensor(w, [k]).to(device);
    }

    /// <summary>The learning rate at <paramref name="progress"/> (0..1) of the way through <paramref name="epoch"/>
    /// (from 1).</summary>
    internal static double LearningRate(TrainingConfig t, int epoch, double progress = 0) => t.Schedule switch
    {
        Choices.Schedule.Cosine => Schedules.Cosine(t.LearningRate, 0, epoch - 1, Math.Max(1, t.Epochs)),
        Choices.Schedule.CosineStep => Schedules.Cosine(t.LearningRate, 0, epoch - 1 + progress, Math.Max(1, t.Epochs)),
        Choices.Schedule.Step => t.LearningRate * Math.Pow(0.5, (epoch - 1) / Math.Max(1, t.Epochs / 3)),
        _ => t.LearningRate,
    };

    void WriteEpochs(List<EpochRecord> records)
    {
        string temp = EpochsCsv + ".tmp";
        Checkpoint.WriteDurably(temp, string.Join('\n', [EpochRecord.Header, .. records.Select(r => r.ToCsv())])
            + "\n");
        File.Move(temp, EpochsCsv, overwrite: true);
    }
}
