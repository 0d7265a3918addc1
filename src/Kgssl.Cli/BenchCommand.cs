using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Kgssl.Cli;

/// <summary>
/// `kgssl bench data|train`: timings for benchmarks/RESULTS.md. Each data scenario runs in a child process of
/// its own so that its peak memory (VmHWM) is its alone.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var cmd = new Command("bench", "Benchmarks (results go to benchmarks/RESULTS.md)");
        cmd.Subcommands.Add(DataCommand());
        cmd.Subcommands.Add(TrainCommand());
        return cmd;
    }

    static Command DataCommand()
    {
        var caravan = new Option<string>("--caravan-root") { Description = "Caravan data set",
            DefaultValueFactory = _ => "../shared/data/camels_era5l" };
        var camels = new Option<string>("--camels-root") { Description = "CAMELS-US text tree to copy basins from",
            DefaultValueFactory = _ => "../shared/data/camels_us" };
        var scenario = new Option<string?>("--scenario") { Hidden = true };
        var dir = new Option<string?>("--dir") { Hidden = true };
        var data = new Command("data",
            "Load-time benchmark: Caravan first and cached load, CAMELS-US text tree of 531 basins x 20 years") {
            caravan, camels, scenario, dir };
        data.SetAction(p =>
        {
            if (p.GetValue(scenario) is { } s) return RunScenario(s, p.GetValue(dir)!);
            string cache = Path.Combine(Path.GetTempPath(), $"kgssl-bench-cache-{Environment.ProcessId}");
            string tree = Path.Combine(Path.GetTempPath(), $"kgssl-bench-camels-{Environment.ProcessId}");
            try
            {
                string caravanRoot = Path.GetFullPath(p.GetValue(caravan)!);
                Environment.SetEnvironmentVariable("KGSSL_CACHE_DIR", cache);
                Console.Out.WriteLine($"machine: {Environment.ProcessorCount} cpus, {DateTime.UtcNow:yyyy-MM-dd}");
                Child("caravan-first", caravanRoot);
                Child("caravan-cached", caravanRoot);
                int copies = MakeCamelsTree(Path.GetFullPath(p.GetValue(camels)!), tree, 531);
                Console.Out.WriteLine(
                    $"camels-us tree: {copies} basins (copies of the shared basins under new ids) in {tree}");
                Child("camels-first", tree);
                Child("camels-cached", tree);
            }
            finally
            {
                if (Directory.Exists(cache)) Directory.Delete(cache, true);
                if (Directory.Exists(tree)) Directory.Delete(tree, true);
            }
            return 0;
        });
        return data;
    }

    static Command TrainCommand()
    {
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 200,
            Description = "Anchors per step (x3 encoder sequences)" };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 5 };
        var decoder = new Option<string>("--decoder") { DefaultValueFactory = _ => "autoregressive",
            Description = "forward | tcn | autoregressive" };
        var encoder = new Option<string>("--encoder") { DefaultValueFactory = _ => "bigru",
            Description = "bigru (the authors') | cnn" };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 2 };
        var config = new Option<string?>("--config") {
            Description = "Time this config's model, window and inputs instead (--encoder and --decoder are then " +
            "ignored; --batch still applies)" };
        var onednn = new Option<string>("--onednn") { DefaultValueFactory = _ => "on",
            Description = "on | off | both (the two interleaved step by step, with their ratio)" };
        var malloc = new Option<string>("--malloc") { DefaultValueFactory = _ => "retain",
            Description = "retain (what training does: glibc keeps freed memory, TorchSetup.RetainFreedMemory) | " +
            "default (glibc's own settings); one per process" };
        malloc.AcceptOnlyFromAmong("retain", "default");
        var train = new Command("train",
            "Training-step throughput of the authors' recipe on random data (as ../shared/peer/kgssl_torch.py)") {
            batch, steps, decoder, encoder, threads, config, onednn, malloc };
        train.SetAction(p => TrainSteps(p.GetValue(batch), p.GetValue(steps), p.GetValue(decoder)!,
            p.GetValue(encoder)!, p.GetValue(threads), p.GetValue(config), p.GetValue(onednn)!,
            p.GetValue(malloc) == "retain"));
        return train;
    }

    static void Child(string scenario, string dir)
    {
        var args = Environment.GetCommandLineArgs();
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true,
            UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") psi.ArgumentList.Add(args[0]);
        foreach (var a in new[] { "bench", "data", "--scenario", scenario, "--dir", dir }) psi.ArgumentList.Add(a);
        using var proc = Process.Start(psi)!;
        string output = proc.StandardOutput.ReadToEnd();
        proc.WaitForExit();
        Console.Out.Write(output);
        if (proc.ExitCode != 0) throw new InvalidOperationException(
            $"benchmark scenario {scenario} failed with exit code {proc.ExitCode}");
    }

    static int RunScenario(string scenario, string dir)
    {
        var c = scenario.StartsWith("caravan", StringComparison.Ordinal)
            ? new DataConfig { Dataset = "caravan", Root = dir }
            : new DataConfig { Dataset = "camels-us", Root = dir, ForcingProducts = ["nldas", "daymet"],
                Drivers = ["prcp(mm/day)", "srad(W/m2)", "tmax(C)", "tmin(C)", "vp(Pa)"] };
        var result = DatasetLoader.Load(c, useCache: true);
        long days = result.Data.Basins.Sum(b => (long)b.Days);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{scenario}: {result.Data.Basins.Count} basins, {days} basin-days, " +
                $"{(result.FromCache ? "cache" : "text")} load {result.Elapsed.TotalSeconds:F3} s, peak memory " +
                $"{PeakMiB():F0} MiB"));
        return 0;
    }

    static double PeakMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
                    CultureInfo.InvariantCulture) / 1024;
        return Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
    }

    /// <summary>A CAMELS-US tree of <paramref name="count"/> basins: the shared basins' files copied under new ids (and
    /// attributes rows).</summary>
    static int MakeCamelsTree(string source, string target, int count)
    {
        var forcing = CamelsUsReader.IndexForcing(source, "daymet");
        var flows = CamelsUsReader.IndexStreamflow(source);
        var ids = forcing.Keys.Where(flows.ContainsKey).Order(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) throw new DirectoryNotFoundException(
            $"{source}: no CAMELS-US daymet basins with streamflow to copy");
        string attrDir = Path.Combine(target, "camels_attributes_v2.0");
        Directory.CreateDirectory(attrDir);
        var attrFiles = Directory.GetFiles(Path.Combine(source, "camels_attributes_v2.0"), "camels_*.txt");
        var newIds = new List<string>();
        for (int i = 0; i < count; i++)
        {
            string from = ids[i % ids.Count], id = (90000000 + i).ToString(CultureInfo.InvariantCulture);
            newIds.Add(id);
            string fdir = Path.Combine(target, "basin_mean_forcing", "daymet", "99"),
                qdir = Path.Combine(target, "usgs_streamflow", "99");
            Directory.CreateDirectory(fdir); Directory.CreateDirectory(qdir);
            File.Copy(forcing[from], Path.Combine(fdir, $"{id}_lump_cida_forcing_leap.txt"));
            File.WriteAllLines(Path.Combine(qdir, $"{id}_streamflow_qc.txt"),
                File.ReadLines(flows[from]).Select(l => id + l[from.Length..]));
        }
        foreach (var file in attrFiles)
        {
            var lines = File.ReadAllLines(file);
            var byId = lines.Skip(1).Where(l => l.Length > 0).ToDictionary(l => l.Split(';')[0].Trim(), l => l);
            var output = new List<string> { lines[0] };
            for (int i = 0; i < count; i++)
            {
                string from = ids[i % ids.Count];
                output.Add(newIds[i] + byId[from][byId[from].IndexOf(';')..]);
            }
            File.WriteAllLines(Path.Combine(attrDir, Path.GetFileName(file)), output);
        }
        return count;
    }

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
        var (start, end) = (ConfigValidator.Date(path, "data.train_start", d.TrainStart),
            ConfigValidator.Date(path, "data.train_end", d.TrainEnd));
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
