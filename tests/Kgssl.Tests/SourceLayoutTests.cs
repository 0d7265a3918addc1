using System.Text.RegularExpressions;
using Kgssl.Tests.Config;

namespace Kgssl.Tests;

/// <summary>The source's shape: the pipeline's folders depend only on the folders before them, lines fit in 120
/// characters and methods in about a screen.</summary>
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

    /// <summary>The editorconfig's order of the using lines at the top of a file: System first, then the others
    /// alphabetically; then the static usings, then the aliases, each in the same order.</summary>
    [Fact]
    public void UsingLinesAreInTheProjectsOrder()
    {
        static (int Group, int System, string Name) Key(string line)
        {
            string name = line.TrimEnd(';').Split(' ')[^1];
            int group = line.StartsWith("using static ", StringComparison.Ordinal) ? 1 : line.Contains('=') ? 2 : 0;
            return (group, name == "System" || name.StartsWith("System.", StringComparison.Ordinal) ? 0 : 1, name);
        }
        var unordered = SourceFiles("src").Concat(SourceFiles("tests")).Where(file =>
        {
            var keys = File.ReadLines(file).SkipWhile(l => !l.StartsWith("using ", StringComparison.Ordinal))
                .TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal) && l.EndsWith(';'))
                .Select(Key).ToList();
            return !keys.SequenceEqual(keys.OrderBy(k => k.Group).ThenBy(k => k.System)
                .ThenBy(k => k.Name, StringComparer.Ordinal));
        }).Select(Path.GetFileName).ToList();
        Assert.Empty(unordered);
    }

    static readonly Regex MemberStart = new(
        @"^( {4}| {8})(?:(?:public|private|internal|protected|static|async|override|sealed|readonly|partial|" +
        @"virtual)\s+)*[\w<>\[\],.?() ]+\s+\w+(<[^>]*>)?\(");

    static readonly string[] NotMembers =
        ["return", "var ", "if", "for", "while", "new ", "using", "//", "throw", "case", "await", "yield", "else"];

    [Fact]
    public void NoMethodInSrcIsLongerThan60Lines()
    {
        var longMethods = new List<string>();
        foreach (var file in SourceFiles("src"))
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                var m = MemberStart.Match(lines[i]);
                if (!m.Success || NotMembers.Any(w => lines[i].TrimStart().StartsWith(w, StringComparison.Ordinal)))
                    continue;
                string open = m.Groups[1].Value + "{";
                int j = i;
                while (j < lines.Length && j - i < 10 && lines[j] != open && !lines[j].TrimEnd().EndsWith(';')) j++;
                if (j >= lines.Length || lines[j] != open) continue;
                int depth = 0, k = j;
                for (; k < lines.Length; k++)
                {
                    depth += lines[k].Count(ch => ch == '{') - lines[k].Count(ch => ch == '}');
                    if (depth == 0) break;
                }
                if (k - i + 1 > 60) longMethods.Add($"{Path.GetFileName(file)}:{i + 1} ({k - i + 1} lines)");
            }
        }
        Assert.Empty(longMethods);
    }
}
