using System.Reflection;
using System.Text.RegularExpressions;
using Kgssl.Config;

namespace Kgssl.Tests.Config;

public class ConfigurationDocsTests
{
    static string Snake(string name) => Regex.Replace(name, "(?<!^)([A-Z])", "_$1").ToLowerInvariant();

    /// <summary>Every key of the config records, as "section.key".</summary>
    static IEnumerable<string> Keys() =>
        typeof(KgsslConfig).GetProperties(BindingFlags.Public | BindingFlags.Instance).SelectMany(section =>
            section.PropertyType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => $"{Snake(section.Name)}.{Snake(p.Name)}"));

    [Fact]
    public void TheConfigurationReferenceDocumentsEveryKeyAndNoOther()
    {
        string page = File.ReadAllText(Path.Combine(ConfigLoaderTests.RepoRoot(), "docs", "configuration.md"));
        var rows = Regex.Matches(page, @"^\| `([a-z0-9_]+\.[a-z0-9_]+)` \| (.*?) \| (.*) \|$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[3].Value.Trim());
        var keys = Keys().ToList();
        Assert.Empty(keys.Except(rows.Keys));   // run: python3 docs/generate_configuration.py
        Assert.Empty(rows.Keys.Except(keys));
        Assert.All(rows, r => Assert.False(string.IsNullOrWhiteSpace(r.Value),
            $"{r.Key} has no meaning in docs/configuration.md"));
    }
}
