using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kgssl.Data;

/// <summary>
/// The options of every JSON file a run writes (run.json, split.json, normalizer.json, checkpoints' state,
/// distances_summary.json): indented, and a number that is not finite (a metric of an empty set, no best score yet)
/// written as null and read back as NaN, instead of .NET's refusal to write it.
/// </summary>
public static class JsonFiles
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = true,
        Converters = { new FiniteOrNull() } };

    sealed class FiniteOrNull : JsonConverter<double>
    {
        public override bool HandleNull => true;

        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteNullValue();
        }
    }
}
