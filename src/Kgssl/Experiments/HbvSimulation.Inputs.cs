using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Hydrology;

namespace Kgssl.Experiments;

/// <summary>The storages a simulation goes on from (<see cref="HbvSimulation.Options.Storages"/>) and the flow bands
/// it draws (<see cref="HbvSimulation.Options.Bands"/>).</summary>
public static partial class HbvSimulation
{
    /// <summary>One basin's storages at the end of <paramref name="Date"/>, read from line <paramref name="Line"/>.
    /// </summary>
    public sealed record StartingPoint(DateOnly Date, HbvStorages Storages, int Line);

    static readonly string[] Stores = ["snow", "snow_liquid", "soil", "upper_box", "lower_box"];

    /// <summary>
    /// Per basin and search, the storages of a table in the layout of <c>storages.csv</c> (<c>basin</c>, optionally
    /// <c>method</c> and <c>search</c>, <c>date</c>, the stores in mm and the routing's water by the day it arrives,
    /// <c>routing_day_1</c>...), the rows of <paramref name="method"/> where it has a <c>method</c> column. A table
    /// without the routing's days must have no water in the routing, which could not be placed. A negative storage, a
    /// basin (and search) twice or a malformed date is an error naming the file, line and column.
    /// </summary>
    public static Dictionary<(string Id, string Search), StartingPoint> ReadStorages(string path, string method)
    {
        var (header, rows) = TextParsing.ReadTable(path, ',');
        int Column(string name) => TextParsing.ColumnIndex(header, name, path);
        int basin = Column("basin"), date = Column("date"), methodAt = Array.IndexOf(header, "method");
        int searchAt = Array.IndexOf(header, "search");
        var stores = Stores.Select(Column).ToArray();
        var days = header.Select((h, i) => (h, i)).Where(x => x.h.StartsWith("routing_day_", StringComparison.Ordinal))
            .Select(x => x.i).ToArray();
        int total = Array.IndexOf(header, "routing");
        var result = new Dictionary<(string, string), StartingPoint>();
        foreach (var (fields, line) in rows)
        {
            if (methodAt >= 0 && fields[methodAt].Trim() != method) continue;
            string id = fields[basin].Trim(), search = Search(fields, searchAt, path, line);
            if (result.TryGetValue((id, search), out var first)) throw new DataFormatException(path, line,
                $"basin '{id}' again (first on line {first.Line})" + (searchAt >= 0 ? $" for search {search}" : ""));
            double Mm(int k) => TextParsing.ParseDouble(fields[k], path, line, header[k]) is var v && v >= 0 ? v
                : throw new DataFormatException(path, line, $"column '{header[k]}': expected a storage >= 0 mm, got " +
                    $"'{fields[k].Trim()}'");
            var pending = days.Select(Mm).ToArray();
            if (days.Length == 0 && total >= 0 && Mm(total) > 0) throw new DataFormatException(path, line,
                $"column 'routing': {fields[total].Trim()} mm under way, but no routing_day_1... columns say when " +
                "it reaches the outlet");
            var s = stores.Select(Mm).ToArray();
            result[(id, search)] = new StartingPoint(Date(fields[date], path, line),
                new HbvStorages(s[0], s[1], s[2], s[3], s[4], pending.Sum()) { Pending = pending }, line);
        }
        if (result.Count == 0) throw new DataFormatException(path, 0, methodAt < 0 ? "no rows"
            : $"no rows of method '{method}'");
        return result;
    }

    static DateOnly Date(string field, string path, int line) =>
        IsoDate.TryParse(field, out var d) ? d
        : throw new DataFormatException(path, line, $"column 'date': expected an ISO date yyyy-MM-dd, got '{field}'");

    /// <summary>Why a basin's parameter set cannot go on from its storages into the period, or null.</summary>
    static string? StartGap(Dictionary<(string Id, string Search), StartingPoint> states, ParameterRow row,
        Options o) =>
        !states.TryGetValue((row.Id, row.Search), out var s)
            ? $"no storages in {o.Storages}" + (row.Search == OnlySearch ? "" : $" for search {row.Search}")
        : s.Date.AddDays(1) != o.Start
            ? $"its storages are of {s.Date:yyyy-MM-dd}, so --period must start on {s.Date.AddDays(1):yyyy-MM-dd}"
        : null;

    /// <summary>
    /// Per basin, the flow band of <paramref name="method"/>'s rows (where the table has a <c>method</c> column) of a
    /// table in the layout of an inversion's <c>flow_bands.csv</c>: <c>basin</c>, <c>class</c> (1, 2, ...),
    /// <c>upper_edge</c> (mm/day, increasing; NaN for the last class), <c>low</c> and <c>high</c> (the log errors'
    /// quantiles). A gap in the classes, an edge out of order or a low above its high is an error naming the file
    /// and line.
    /// </summary>
    public static Dictionary<string, FlowBand> ReadBands(string path, string method)
    {
        var (header, rows) = TextParsing.ReadTable(path, ',');
        int Column(string name) => TextParsing.ColumnIndex(header, name, path);
        int basin = Column("basin"), cls = Column("class"), edge = Column("upper_edge"), low = Column("low"),
            high = Column("high"), methodAt = Array.IndexOf(header, "method");
        var bands = new Dictionary<string, (List<double> Edges, List<double> Low, List<double> High)>(
            StringComparer.Ordinal);
        foreach (var (fields, line) in rows)
        {
            if (methodAt >= 0 && fields[methodAt].Trim() != method) continue;
            double Number(int k) => TextParsing.ParseDouble(fields[k], path, line, header[k]);
            var b = bands.TryGetValue(fields[basin].Trim(), out var known) ? known : bands[fields[basin].Trim()] =
                ([], [], []);
            if (Number(cls) != b.Low.Count + 1) throw new DataFormatException(path, line,
                $"column 'class': expected {b.Low.Count + 1} (the basin's classes in order), got '{fields[cls]}'");
            if (b.Edges.Count < b.Low.Count) throw new DataFormatException(path, line,
                "a class after the last one (the one without an upper edge)");
            double lo = Number(low), hi = Number(high), e = Number(edge);
            if (!(lo <= hi)) throw new DataFormatException(path, line, $"column 'low': {lo} is not at most high {hi}");
            if (!double.IsNaN(e) && b.Edges.Count > 0 && !(e > b.Edges[^1])) throw new DataFormatException(path, line,
                $"column 'upper_edge': {e} is not above the class before's {b.Edges[^1]}");
            if (!double.IsNaN(e)) b.Edges.Add(e);
            b.Low.Add(lo);
            b.High.Add(hi);
        }
        return bands.ToDictionary(kv => kv.Key, kv => new FlowBand(kv.Value.Edges.Take(kv.Value.Low.Count - 1)
            .ToArray(), [.. kv.Value.Low], [.. kv.Value.High]), StringComparer.Ordinal);
    }
}
