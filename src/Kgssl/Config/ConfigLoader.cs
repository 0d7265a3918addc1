using System.Globalization;
using System.Reflection;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Kgssl.Config;

/// <summary>
/// Loads a YAML run configuration into <see cref="KgsslConfig"/>: unknown keys and bad values are errors that
/// name the file, the line and the key; <c>section.key=value</c> overrides are applied before validation.
/// </summary>
public static class ConfigLoader
{
    static readonly INamingConvention Naming = UnderscoredNamingConvention.Instance;

    public static KgsslConfig LoadFile(string path, IEnumerable<string>? overrides = null)
    {
        if (!File.Exists(path))
            throw new ConfigException($"{path}: config file not found");
        var config = Parse(File.ReadAllText(path), path, overrides);
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (config.Data.Root.Length > 0 && !Path.IsPathRooted(config.Data.Root))
            config = config with { Data = config.Data with { Root = Path.GetFullPath(
                Path.Combine(dir, config.Data.Root)) } };
        if (config.Forward.EmbeddingRun.Length > 0 && !Path.IsPathRooted(config.Forward.EmbeddingRun))
            config = config with { Forward = config.Forward with {
                EmbeddingRun = Path.GetFullPath(Path.Combine(dir, config.Forward.EmbeddingRun)) } };
        if (config.Data.BasinFile.Length > 0 && !Path.IsPathRooted(config.Data.BasinFile))
            config = config with { Data = config.Data with { BasinFile = Path.GetFullPath(
                Path.Combine(dir, config.Data.BasinFile)) } };
        return config;
    }

    /// <summary>Parses YAML text; <paramref name="source"/> names it in errors.</summary>
    public static KgsslConfig Parse(string yaml, string source, IEnumerable<string>? overrides = null)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException e) {
            throw new ConfigException($"{source} line {e.Start.Line}: invalid YAML: {e.Message}"); }

        YamlMappingNode root = stream.Documents.Count == 0 ? new YamlMappingNode()
            : stream.Documents[0].RootNode as YamlMappingNode
              ?? throw new ConfigException(
                  $"{source}: expected a mapping of sections (data, model, training, evaluation) at the top");

        var overridden = new HashSet<string>(StringComparer.Ordinal);
        foreach (var assignment in overrides ?? [])
            overridden.Add(ApplyOverride(root, assignment));

        CheckKeys(root, typeof(KgsslConfig), "", source, overridden);

        var deserializer = new DeserializerBuilder().WithNamingConvention(Naming).Build();
        KgsslConfig config;
        try
        {
            var doc = new YamlDocument(root);
            var text = new StringBuilder();
            new YamlStream(doc).Save(new StringWriter(text), assignAnchors: false);
            config = deserializer.Deserialize<KgsslConfig>(text.ToString()) ?? new KgsslConfig();
        }
        catch (YamlException e)
        {
            string inner = e.InnerException?.Message ?? e.Message;
            throw new ConfigException($"{source}: bad value near '{FindKeyAt(root, e.Start.Line)}': {inner}");
        }
        // the GRU decoder was once named "forward", which also names the forward-model experiment: read as "gru"
        if (config.Model.Decoder == Choices.Decoder.FormerGru)
            config = config with { Model = config.Model with { Decoder = Choices.Decoder.Gru } };
        try { ConfigValidator.Validate(config, source); }
        catch (ConfigException e) { throw new ConfigException(Locate(e.Message, source, root, overridden)); }
        return config;
    }

    /// <summary>
    /// A validation message "source: key ..." with where the key was set: "source line N: ..." for a key of the file,
    /// "source (--set key): ..." for an override; unchanged when the message names no key of the config.
    /// </summary>
    static string Locate(string message, string source, YamlMappingNode root, IReadOnlySet<string> overridden)
    {
        if (!message.StartsWith(source + ": ", StringComparison.Ordinal)) return message;
        string rest = message[(source.Length + 2)..];
        foreach (var (sectionNode, value) in root.Children)
            if (value is YamlMappingNode section)
                foreach (var keyNode in section.Children.Keys)
                {
                    string path = $"{sectionNode}.{keyNode}";
                    if (!rest.StartsWith(path + " ", StringComparison.Ordinal)
                        && !rest.StartsWith(path + ":", StringComparison.Ordinal)
                        && !rest.StartsWith(path + ".", StringComparison.Ordinal)) continue;
                    return overridden.Contains(path) ? $"{source} (--set {path}): {rest}"
                        : $"{source} line {keyNode.Start.Line}: {rest}";
                }
        return message;
    }

    /// <summary>Writes the resolved config as YAML.</summary>
    public static string ToYaml(KgsslConfig config) =>
        new SerializerBuilder().WithNamingConvention(Naming).Build().Serialize(config);

    /// <summary>Applies "section.key=value" and returns "section.key"; the value is read as YAML (so lists like [a, b]
    /// work).</summary>
    static string ApplyOverride(YamlMappingNode root, string assignment)
    {
        int eq = assignment.IndexOf('=');
        string path = eq > 0 ? assignment[..eq].Trim() : "";
        string[] parts = path.Split('.');
        if (eq <= 0 || parts.Length != 2 || parts.Any(p => p.Length == 0))
            throw new ConfigException($"--set '{assignment}': expected section.key=value, e.g. training.epochs=5");
        var valueStream = new YamlStream();
        valueStream.Load(new StringReader(assignment[(eq + 1)..]));
        YamlNode value = valueStream.Documents.Count == 0 ? new YamlScalarNode("") : valueStream.Documents[0].RootNode;
        var sectionKey = new YamlScalarNode(parts[0]);
        if (!root.Children.TryGetValue(sectionKey, out var section))
            root.Children[sectionKey] = section = new YamlMappingNode();
        if (section is not YamlMappingNode map)
            throw new ConfigException($"--set '{assignment}': '{parts[0]}' is not a section");
        map.Children[new YamlScalarNode(parts[1])] = value;
        return path;
    }

    static void CheckKeys(YamlMappingNode node, Type type, string prefix, string source,
        IReadOnlySet<string> overridden)
    {
        var props = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(p => Naming.Apply(p.Name), p => p);
        foreach (var (keyNode, value) in node.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? "";
            string where = overridden.Contains(prefix + key) ? $"{source} (--set {prefix}{key})"
                : source + (keyNode.Start.Line > 0 ? $" line {keyNode.Start.Line}" : " (--set)");
            if (!props.TryGetValue(key, out var prop))
            {
                string known = string.Join(", ", props.Keys);
                string? guess = props.Keys.OrderBy(k => Levenshtein(k, key))
                    .FirstOrDefault(k => Levenshtein(k, key) <= 3);
                throw new ConfigException($"{where}: unknown key '{prefix}{key}'" +
                    (guess is null ? "" : $" (did you mean '{prefix}{guess}'?)") + $"; known keys: {known}");
            }
            bool isSection = prop.PropertyType.Namespace == typeof(KgsslConfig).Namespace && prop.PropertyType.IsClass;
            if (isSection)
            {
                if (value is YamlMappingNode child) CheckKeys(child, prop.PropertyType, prefix + key + ".", source,
                    overridden);
                else if (!(value is YamlScalarNode { Value: null or "" }))
                    throw new ConfigException($"{where}: '{prefix}{key}' must be a mapping of keys");
            }
            else CheckScalar(value, prop.PropertyType, where, prefix + key);
        }
    }

    static void CheckScalar(YamlNode value, Type type, string where, string key)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            if (value is not YamlSequenceNode)
                throw new ConfigException($"{where}: '{key}' expects a list, e.g. [a, b]");
            return;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            if (value is not YamlMappingNode)
                throw new ConfigException($"{where}: '{key}' expects a mapping of name: value");
            return;
        }
        if (value is not YamlScalarNode scalar)
            throw new ConfigException($"{where}: '{key}' expects a single value");
        string text = scalar.Value ?? "";
        bool ok = type == typeof(int) ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            : type == typeof(double) ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            : type == typeof(bool) ? text is "true" or "false" or "True" or "False"
            : true;
        if (!ok)
        {
            string expected = type == typeof(int) ? "an integer" : type == typeof(double) ? "a number"
                : "true or false";
            throw new ConfigException($"{where}: '{key}' expects {expected}, got '{text}'");
        }
    }

    static string FindKeyAt(YamlMappingNode root, long line)
    {
        foreach (var (k, v) in root.Children)
            if (v is YamlMappingNode m)
                foreach (var (k2, _) in m.Children)
                    if (k2.Start.Line == line) return $"{k}.{k2}";
        return $"line {line}";
    }

    static int Levenshtein(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1),
                    d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
