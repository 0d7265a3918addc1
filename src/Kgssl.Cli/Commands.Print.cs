using System.Globalization;
using Kgssl.Config;
using Kgssl.Evaluation;
using Kgssl.Runs;
using Spectre.Console;

namespace Kgssl.Cli;

/// <summary>The console tables the commands print.</summary>
public static partial class Commands
{
    public static void PrintRecovery(IReadOnlyList<RecoveryRow> rows, bool quiet)
    {
        if (rows.Count == 0) return;
        var sets = rows.Select(r => r.BasinSet).Distinct().ToList();
        var table = new Table().Title("Characteristic recovery (Pearson r)").AddColumn("characteristic");
        foreach (var s in sets) { table.AddColumn(new TableColumn($"r {s}").RightAligned());
            table.AddColumn(new TableColumn($"rmse_z {s}").RightAligned()); }
        foreach (var name in rows.Select(r => r.Characteristic).Distinct())
        {
            var cells = new List<string> { name };
            foreach (var s in sets)
            {
                var r = rows.FirstOrDefault(x => x.Characteristic == name && x.BasinSet == s);
                cells.Add(r is null ? "" : r.PearsonR.ToString("F3", CultureInfo.InvariantCulture));
                cells.Add(r is null ? "" : r.RmseZ.ToString("F3", CultureInfo.InvariantCulture));
            }
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        var summary = new List<string> { "above 0.8 / 0.9; mean r" };
        foreach (var s in sets)
        {
            var (a8, a9, mean, meanZ, n) = CharacteristicRecovery.Summary(rows.Where(r => r.BasinSet == s));
            summary.Add($"{a8}/{n} ; {a9}/{n} ; {mean:F3}");
            summary.Add($"{meanZ:F3}");
        }
        table.AddRow(summary.Select(Markup.Escape).ToArray());
        if (quiet)
        {
            foreach (var r in rows) Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Characteristic},{r.BasinSet},{r.PearsonR:F4}"));
            return;
        }
        AnsiConsole.Write(table);
    }

    /// <param name="refined">When given: the refined inverse beside them, on the calibrated basins, and on all its
    /// basins in the summary.</param>
    static void PrintIdentifiability(IReadOnlyList<IdentifiabilityRow> rows, bool quiet,
        LearnedRefinement.Outcome? refined = null, IReadOnlySet<string>? calibrated = null)
    {
        if (quiet || rows.Count == 0) return;
        var table = new Table()
            .Title($"Identifiability: the true model calibrated per basin vs the learned inverse, same basins " +
            $"(Pearson r; identifiable = calibration r >= {Identifiability.Bar})")
            .AddColumn("parameter").AddColumn(new TableColumn("calibration").RightAligned()).AddColumn("identifiable")
                .AddColumn(new TableColumn("KGSSL").RightAligned());
        var same = refined is not null && calibrated is not null ? refined.PearsonOn(calibrated) : null;
        if (same is not null) table.AddColumn(new TableColumn("KGSSL + F").RightAligned());
        foreach (var r in rows)
        {
            var cells = new List<string> { Markup.Escape(r.Parameter),
                r.CalibrationR.ToString("F3", CultureInfo.InvariantCulture), r.Identifiable ? "yes"
                : "no", r.LearnedR.ToString("F3", CultureInfo.InvariantCulture) };
            if (same is not null) cells.Add(same.GetValueOrDefault(r.Parameter, double.NaN)
                .ToString("F3", CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
        int identifiable = rows.Count(r => r.Identifiable), met = rows.Count(
            r => r.LearnedMeetsBar(Identifiability.Bar));
        string line = $"identifiable: {identifiable} of {rows.Count} " +
            $"({string.Join(", ", rows.Where(r => r.Identifiable).Select(r => r.Parameter))}); " +
            $"learned inverse at r >= {Identifiability.Bar} on {met} of them";
        if (same is not null)
        {
            var all = refined!.Rows.ToDictionary(r => r.Characteristic, r => r.PearsonR);
            var ids = rows.Where(r => r.Identifiable).ToList();
            line += $"; refined with F on " +
                $"{ids.Count(r => same.GetValueOrDefault(r.Parameter) >= Identifiability.Bar)} of them here, " +
                $"on {ids.Count(r => all.GetValueOrDefault(r.Parameter) >= Identifiability.Bar)} on all " +
                    $"{refined.Basins.Count} held-out basins";
        }
        AnsiConsole.MarkupLine(Markup.Escape(line));
    }

    /// <summary>The recovery tables of another run: characteristics.csv, or a baseline run's ridge and fingerprint
    /// files.</summary>
    static IEnumerable<(string Name, string File)> ComparisonFiles(string dir)
    {
        string stem = Path.GetFileName(Path.TrimEndingDirectorySeparator(dir));
        var files = new[] { RunFiles.Characteristics, RunFiles.CharacteristicsOf("ridge"),
            RunFiles.CharacteristicsOf("fingerprint") }
            .Select(f => Path.Combine(dir, f)).Where(File.Exists).ToList();
        if (files.Count == 0) throw new FileNotFoundException(
            $"{dir}: no characteristics*.csv to compare with (run evaluate or baseline there first)");
        return files.Select(f => (Path.GetFileNameWithoutExtension(f) == "characteristics" ? stem
            : Path.GetFileNameWithoutExtension(f)["characteristics_".Length..], f));
    }

    static void PrintComparison(IReadOnlyList<RecoveryRow> mine, IReadOnlyList<RecoveryRow> other, string otherName)
    {
        var table = new Table().Title($"This run vs {Markup.Escape(otherName)} (Pearson r)").AddColumn("characteristic")
            .AddColumn("set").AddColumn("this").AddColumn("other");
        foreach (var r in mine)
        {
            var o = other.FirstOrDefault(x => x.Characteristic == r.Characteristic && x.BasinSet == r.BasinSet);
            table.AddRow(r.Characteristic, r.BasinSet, r.PearsonR.ToString("F3", CultureInfo.InvariantCulture),
                o?.PearsonR.ToString("F3", CultureInfo.InvariantCulture) ?? "-");
        }
        AnsiConsole.Write(table);
    }
}
