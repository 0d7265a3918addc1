using System.CommandLine;

namespace Kgssl.Cli;

/// <summary>
/// `kgssl bench data|train`: timings for benchmarks/RESULTS.md. Each data scenario runs in a child process of
/// its own so that its peak memory (VmHWM) is its alone.
/// </summary>
public static partial class BenchCommand
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
}
