using System.Diagnostics;
using System.Globalization;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Kgssl.Cli;

/// <summary>`kgssl bench train`: the time of a training step, split into its parts.</summary>
public static partial class BenchCommand
{
    /// <summary>
    /// Median seconds per training step of the KGSSL recipe on random data of the right shapes (the authors': hidden
    /// 32, 365 days, 4 drivers, 27 characteristics). With --config, that config's model, window, inputs,
    /// characteristics and share of reconstructed anchors, on windows of its real data set, with the step split into
    /// data (windows to tensors), forward, backward and optimizer (clipping included), and the peak memory.
    /// With --onednn both, the steps alternate between oneDNN on and off, so that both see the same machine.
    /// </summary>
    static int TrainSteps(int batch, int steps, string decoder, string encoder, int threads, string? configPath,
        string onednn, bool retain)
    {
        if (onednn is not ("on" or "off" or "both"))
            throw new ConfigException($"--onednn expects on, off or both, got '{onednn}'");
        bool retained = retain && Kgssl.Training.TorchSetup.RetainFreedMemory();
        torch.set_num_threads(threads);
        torch.manual_seed(0);
        var setup = configPath is null ? RandomSetup(encoder, decoder) : ConfigSetup(configPath, batch);
        using var model = new KgsslModel(setup.Model, setup.Drivers, setup.Characteristics, channels: setup.Channels);
        using var opt = new Kgssl.Training.Adam(model.parameters(), 0.005);
        bool[] modes = onednn switch { "on" => [true], "off" => [false], _ => [true, false] };
        var times = modes.ToDictionary(m => m, _ => new List<double[]>());
        // the steps switch it; restored after
        using (Kgssl.Training.TorchSetup.OneDnnScope(Kgssl.Training.TorchSetup.OneDnn))
        {
            for (int s = 0; s <= steps; s++)
                foreach (bool mode in modes)
                {
                    Kgssl.Training.TorchSetup.OneDnn = mode;
                    var phases = Step(model, opt, setup, batch);
                    if (s > 0) times[mode].Add(phases);   // the first round warms up
                }
        }
        string what = configPath is null ? $"encoder={setup.Model.Encoder} decoder={setup.Model.Decoder}"
            : $"config={configPath} encoder={setup.Model.Encoder} decoder={setup.Model.Decoder} " +
                $"window={setup.Window} channels={setup.Channels} reconstructed={setup.ReconstructionFraction}";
        var medians = new Dictionary<bool, double>();
        foreach (bool mode in modes)
        {
            double Median(int phase) { var v = times[mode].Select(t => t[phase]).Order().ToList();
                return v[v.Count / 2]; }
            double median = Median(4);
            medians[mode] = median;
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"kgssl torchsharp threads={threads} batch={batch} {what} onednn={(mode ? "on" : "off")} " +
                    $"malloc={(retained ? "retain" : "default")} " +
                $"median_s_per_step={median:F3} anchor_windows_per_s={batch / median:F1} data_s={Median(0):F4} " +
                    $"forward_s={Median(1):F3} " +
                $"backward_s={Median(2):F3} optimizer_s={Median(3):F4} peak_memory_mib={PeakMiB():F0}"));
        }
        if (modes.Length == 2)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"onednn off / on, seconds per step: {medians[false] / medians[true]:F2}"));
        return 0;
    }

    /// <summary>What one benchmarked step needs: the model's shapes and a source of batches.</summary>
    sealed record StepSetup(ModelConfig Model, int Window, int Drivers, int Characteristics, int Channels,
        double ReconstructionFraction,
        Func<int, (Tensor X, Tensor Labels)> Batch);

    static StepSetup RandomSetup(string encoder, string decoder)
    {
        var cfg = new ModelConfig { Hidden = 32, Embedding = 32, Directions = "sum", Decoder = decoder,
            DecoderHidden = 32, Encoder = encoder };
        ConfigValidator.Validate(new KgsslConfig { Model = cfg }, "--encoder/--decoder");
        int channels = FeatureStore.ChannelCount(4, false, false);
        return new StepSetup(cfg, 365, 4, 27, channels, 1, n => (randn(n, 365, channels), randn(n, 27)));
    }

    /// <summary>The config's model on random windows of its own data set (its training period, all basins).</summary>
    static StepSetup ConfigSetup(string path, int batch)
    {
        var c = ConfigLoader.LoadFile(path);
        var data = DatasetLoader.Load(c.Data).Data;
        var d = c.Data;
        var (start, end) = d.Train();
        var ids = data.Basins.Select(b => b.Id).ToList();
        var store = FeatureStore.FromConfig(data, Normalizer.Fit(data, ids, start, end, d.LogResponse), d);
        var windows = WindowIndex.Build(store, start, end, d.WindowDays, 1, d.MaxMissingFraction).SelectMany(w => w)
            .ToArray();
        if (windows.Length == 0) throw new ConfigException(
            $"{path}: no complete {d.WindowDays}-day window in the training period to benchmark on");
        var builder = new Kgssl.Training.BatchBuilder(store, d.WindowDays, torch.CPU);
        var rng = new Random(0);
        var picked = new Window[3 * batch];
        var labelled = Enumerable.Repeat(true, store.Basins.Count).ToArray();
        return new StepSetup(c.Model, d.WindowDays, data.DriverCount, data.CharacteristicCount, store.Channels,
            c.Training.ReconstructionFraction, n =>
        {
            for (int i = 0; i < n; i++) picked[i] = windows[rng.Next(windows.Length)];
            return (builder.Inputs(picked.AsSpan(0, n)), builder.Labels(picked.AsSpan(0, n), labelled));
        });
    }

    /// <summary>One training step as the trainer takes it; seconds of data, forward, backward, optimizer and the
    /// whole.</summary>
    static double[] Step(KgsslModel model, Kgssl.Training.Adam opt, StepSetup setup, int batch)
    {
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        var (x, labels) = setup.Batch(3 * batch);
        double data = clock.Elapsed.TotalSeconds;
        var z = model.Embed(x);
        var za = z[..batch];
        int r = Math.Max(1, (int)Math.Round(setup.ReconstructionFraction * batch));
        var (pred, target, mask) = model.Reconstructor.Reconstruct(x[..r], za[..r], setup.Drivers);
        var known = labels.isnan().logical_not().to_type(ScalarType.Float32);
        var supervision = Losses.Supervision(model.Head.forward(z), labels, known, ones(setup.Characteristics));
        var loss = Held.Plus(Held.Plus(Losses.MaskedMse(pred, target, mask),
            Losses.TripletMargin(za, z[batch..(2 * batch)], z[(2 * batch)..], 1.0)),
            supervision).div(Held.Of(3));
        loss.item<float>();   // the forward's work is done here, not deferred into the backward's time
        double forward = clock.Elapsed.TotalSeconds;
        opt.zero_grad();
        loss.backward();
        double backward = clock.Elapsed.TotalSeconds;
        nn.utils.clip_grad_norm_(model.parameters(), 1.0);
        opt.step();
        double end = clock.Elapsed.TotalSeconds;
        return [data, forward - data, backward - forward, end - backward, end];
    }
}
