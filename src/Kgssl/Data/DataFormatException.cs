namespace Kgssl.Data;

/// <summary>A data file a user gave us is malformed; the message names the file, the line and what was
/// expected.</summary>
public sealed class DataFormatException(string file, long line, string message)
    : Exception(line > 0 ? $"{file} line {line}: {message}" : $"{file}: {message}")
{
    public string File { get; } = file;
    public long Line { get; } = line;
}
