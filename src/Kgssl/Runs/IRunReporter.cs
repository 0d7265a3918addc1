namespace Kgssl.Runs;

/// <summary>What the steps of a run report to the console: messages and fractions of a named task.</summary>
public interface IRunReporter
{
    void Info(string message);
    void Progress(string task, double fraction, string detail = "");
}
