using System.CommandLine;
using Kgssl.Config;
using Kgssl.Data;

namespace Kgssl.Cli;

/// <summary>The `kgssl` command tree: thin commands that parse options, call the library and print.</summary>
public static class CliApp
{
    public static readonly Option<bool> Quiet = new("--quiet",
        "-q") { Description = "No progress bars or messages; results and the run folder only", Recursive = true };
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Show stack traces on errors",
        Recursive = true };

    /// <summary>--kernels: portable (AVX2: the same numbers on every x86-64 host) or native (the host's widest).
    /// </summary>
    public static readonly Option<string> Kernels = KernelsOption();

    static Option<string> KernelsOption()
    {
        var option = new Option<string>("--kernels")
        {
            Description = "CPU kernels of libtorch, oneDNN and MKL: portable (AVX2: the same numbers on every " +
                "x86-64 host with AVX2) or native (the widest the host has: faster on some AVX-512 hosts, figures " +
                "differ by host in their last digits)",
            DefaultValueFactory = _ => "portable",
            Recursive = true,
        };
        option.AcceptOnlyFromAmong("portable", "native");
        return option;
    }

    /// <param name="processWide">Apply the process-wide settings (<see cref="Kernels"/>): the program's entry point
    /// does; a test calling commands in its own process keeps that process as it is.</param>
    public static int Run(string[] args, bool processWide = false)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        System.Globalization.CultureInfo.DefaultThreadCurrentCulture = invariant;
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
        var root = new RootCommand(
            "kgssl: learn basin characteristics from weather and streamflow (KGSSL inverse modeling)");
        root.Options.Add(Quiet);
        root.Options.Add(Verbose);
        root.Options.Add(Commands.Device);
        root.Options.Add(Kernels);
        foreach (var command in Commands.All()) root.Subcommands.Add(command);
        var parse = root.Parse(args);
        if (processWide && parse.Errors.Count == 0 && parse.GetValue(Kernels) == "portable")
            Training.TorchSetup.UsePortableKernels();
        bool verbose = parse.GetValue(Verbose);
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsUserError(e) && !verbose)
        {
            Console.Error.WriteLine($"error: {Flatten(e)}");
            return 2;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: {Flatten(e)}");
            if (verbose) Console.Error.WriteLine(e);
            else Console.Error.WriteLine("(run with --verbose for the stack trace)");
            return 1;
        }
    }

    static bool IsUserError(Exception e) => Unwrap(e) is ConfigException or DataFormatException or FileNotFoundException
        or DirectoryNotFoundException or InvalidDataException or ArgumentException or NotBuiltException
        or InvalidOperationException;

    static Exception Unwrap(Exception e) => e is AggregateException { InnerExceptions.Count: 1 } a
        ? Unwrap(a.InnerExceptions[0]) : e;

    static string Flatten(Exception e) => Unwrap(e).Message;
}

/// <summary>A command the tool has but whose feature is not built yet: says so and exits non-zero.</summary>
public sealed class NotBuiltException(string message) : Exception(message);
