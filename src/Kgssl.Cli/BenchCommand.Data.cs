using System.Diagnostics;
using System.Globalization;
using Kgssl.Config;
using Kgssl.Data;

namespace Kgssl.Cli;

/// <summary>`kgssl bench data`: loading a data set, text and cache, each scenario in a process of its own.</summary>
public static partial class BenchCommand
{
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
}
