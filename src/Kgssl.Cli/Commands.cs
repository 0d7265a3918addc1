using System.CommandLine;
using Kgssl.Config;
using Kgssl.Report;

namespace Kgssl.Cli;

/// <summary>Every subcommand of `kgssl`: the shared options and the list of commands (one file per command
/// group).</summary>
public static partial class Commands
{
    static readonly Option<string?> RunDirOption = new("--run-dir") {
        Description = "Write the run into exactly this folder (scripts); default runs/<name>_<timestamp>/" };

    static readonly Option<string[]> SetOption = new("--set") {
        Description = "Override a config value: section.key=value (repeatable)",
        AllowMultipleArgumentsPerToken = false };

    static readonly Option<string?> DeviceOption = new("--device") {
        Description = "cpu | cuda (overrides training.device)", Recursive = true };

    public static Option<string?> Device => DeviceOption;

    /// <summary>--set values, plus training.device when --device is given.</summary>
    static string[] Overrides(ParseResult p) =>
        [.. p.GetValue(SetOption) ?? [], .. p.GetValue(DeviceOption) is { } d ? new[] { $"training.device={d}" } : []];

    static KgsslConfig WithDevice(ParseResult p, KgsslConfig c) =>
        p.GetValue(DeviceOption) is { } d ? ConfigLoader.Parse(ConfigLoader.ToYaml(c), "run config",
            [$"training.device={d}"]) : c;

    public static IEnumerable<Command> All() =>
        [Demo(), Synth(), Data(), Train(), CrossvalCommand.Create(RunDirOption, SetOption, Overrides), Evaluate(),
            Embed(), Report(), Baseline(),
         Calibrate(), Refine(), Invert(), Simulate(), Forward(), Bench()];

    static ConsoleReporter Reporter(ParseResult p) => new(p.GetValue(CliApp.Quiet));

    /// <summary>
    /// Gives every table of the run folder (and of its folds' folders) its Parquet twin, then prints the run folder
    /// as the last line of standard output (scripts read it).
    /// </summary>
    internal static int Done(string runDir)
    {
        ParquetMirror.Folder(runDir);
        foreach (var fold in Directory.EnumerateDirectories(runDir, "fold_*")) ParquetMirror.Folder(fold);
        Console.Out.WriteLine(runDir);
        return 0;
    }

    static readonly Option<string> RunOption = new("--run") { Description = "A run folder written by train or demo",
        Required = true };

    static Command Bench() => BenchCommand.Create();
}
