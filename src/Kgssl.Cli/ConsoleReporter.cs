using Kgssl.Runs;
using Spectre.Console;

namespace Kgssl.Cli;

/// <summary>
/// Spectre.Console progress bars with ETA for long steps, plain lines for messages; silent with --quiet.
/// Tasks are created on first report and finished when they reach 100 %.
/// </summary>
public sealed class ConsoleReporter(bool quiet) : IRunReporter
{
    readonly Dictionary<string, ProgressTask> _tasks = [];
    readonly object _lock = new();
    ProgressContext? _context;

    public bool Quiet => quiet;

    /// <summary>Runs <paramref name="work"/> with a live progress display (or none when quiet).</summary>
    public T Run<T>(Func<T> work)
    {
        if (quiet) return work();
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                _context = ctx;
                result = work();
                lock (_lock) foreach (var t in _tasks.Values) if (!t.IsFinished) t.StopTask();
                _context = null;
            });
        _tasks.Clear();
        return result;
    }

    public void Info(string message)
    {
        if (quiet) return;
        AnsiConsole.MarkupLine(Markup.Escape(message));
    }

    public void Progress(string task, double fraction, string detail = "")
    {
        if (quiet || _context is null) return;
        lock (_lock)
        {
            if (!_tasks.TryGetValue(task, out var t))
                _tasks[task] = t = _context.AddTask(Markup.Escape(task), maxValue: 1.0);
            if (t.IsFinished) return; // a late report (Progress<T> posts asynchronously) after the step ended
            t.Value = Math.Clamp(fraction, 0, 1);
            if (detail.Length > 0) t.Description = Markup.Escape($"{task}: {detail}");
            if (fraction >= 1) t.StopTask();
        }
    }
}
