using System.Text.RegularExpressions;
using Kgssl.Tests.Config;

namespace Kgssl.Tests;

/// <summary>The source's shape: the pipeline's folders depend only on the folders before them, and lines fit in 120
/// characters.</summary>
public class SourceLayoutTests
{
    static readonly string[] Order =
        ["Config", "Data", "Hydrology", "Synthetic", "Model", "Training", "Evaluation", "Runs", "Experiments"];

    static IEnumerable<string> SourceFiles(string under) =>
        Directory.EnumerateFiles(Path.Combine(ConfigLoaderTests.RepoRoot(), under), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    [Fact]
    public void EachFolderOfTheLibraryUsesOnlyTheFoldersBeforeIt()
    {
        string root = Path.Combine(ConfigLoaderTests.RepoRoot(), "src", "Kgssl");
        var reference = new Regex(@"\bKgssl\.(" + string.Join('|', Order) + @")\b");
        var wrong = new List<string>();
        foreach (var folder in Order)
            foreach (var file in SourceFiles(Path.Combine("src", "Kgssl", folder)))
                foreach (Match m in reference.Matches(File.ReadAllText(file)))
                    if (Array.IndexOf(Order, m.Groups[1].Value) > Array.IndexOf(Order, folder))
                        wrong.Add($"{Path.GetRelativePath(root, file)} uses {m.Value}");
        Assert.True(Directory.GetDirectories(root).Select(Path.GetFileName)
            .Where(d => d is not ("bin" or "obj")).All(d => Order.Contains(d)), "a folder missing from the order");
        Assert.Empty(wrong.Distinct());
    }

    [Fact]
    public void TheCoreLibraryNeitherPlotsNorWritesParquetNorUsesTheReport()
    {
        string root = Path.Combine(ConfigLoaderTests.RepoRoot(), "src", "Kgssl");
        var uses = SourceFiles(Path.Combine("src", "Kgssl"))
            .Where(f => Regex.IsMatch(File.ReadAllText(f), @"\b(Kgssl\.Report|ScottPlot|SkiaSharp|Parquet)(;|\.\w)"))
            .Select(f => Path.GetRelativePath(root, f)).ToList();
        Assert.Empty(uses);
        string project = File.ReadAllText(Path.Combine(root, "Kgssl.csproj"));
        Assert.DoesNotContain("ScottPlot", project);
        Assert.DoesNotContain("Parquet", project);
    }

    [Fact]
    public void NoSourceLineIsLongerThan120Characters()
    {
        var longLines = SourceFiles("src").Concat(SourceFiles("tests")).SelectMany(file => File.ReadLines(file)
            .Select((line, i) => (line, i))
            .Where(x => x.line.Length > 120)
            .Select(x => $"{Path.GetFileName(file)}:{x.i + 1} ({x.line.Length})")).ToList();
        Assert.Empty(longLines);
    }
}
