using System.Reflection;
using Kgssl.Config;

namespace Kgssl.Tests.Config;

public class RunFilesTests
{
    [Fact]
    public void EveryFileOfTheCatalogueIsDocumentedInTheOutputsReference()
    {
        string page = File.ReadAllText(Path.Combine(ConfigLoaderTests.RepoRoot(), "docs", "outputs.md"));
        var names = typeof(RunFiles).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.True(names.Count >= 20, $"{names.Count} file names");
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.True(page.Contains($"`{n}`", StringComparison.Ordinal),
            $"{n} is not in docs/outputs.md"));
        Assert.Contains("`characteristics_<method>.csv`", page);
        Assert.Equal("characteristics_knowledge.csv", RunFiles.CharacteristicsOf("knowledge"));
    }
}
