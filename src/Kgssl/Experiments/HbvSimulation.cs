using System.Globalization;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Hydrology;
using Kgssl.Runs;

namespace Kgssl.Experiments;

/// <summary>
/// HBV run with given parameters (an inversion's <c>parameters.csv</c>, or a hydrologist's own table) over any period
/// of the basins' forcing, with or without observed streamflow: the years after the calibration, a scenario's
/// forcing (`kgssl simulate`). The period's first year (at most) is run once from default storages as spin-up, as
/// <see cref="HbvInversion"/> fits and scores every method, so the inversion's test years come out as its flows; or,
/// with <see cref="Options.Storages"/>, the period goes on from the storages a run ended with the day before.
/// </summary>
public static partial class HbvSimulation
{
    /// <param name="Parameters">A CSV of parameters: <c>basin</c>, optionally <c>method</c>, and each of HBV's
    /// parameters under its name or <c>log10(name)</c> (the layout of an inversion's <c>parameters.csv</c>).</param>
    /// <param name="Method">The rows of this method, where the table has a <c>method</c> column.</param>
    public sealed record Options(string Parameters, string Root, string Dataset, string Source, string Method,
        DateOnly Start, DateOnly End)
    {
        /// <summary>A storages table (an inversion's or a simulation's <c>storages.csv</c>) whose storages, of the day
        /// before <see cref="Start"/>, each basin starts from instead of a spin-up; null: the spin-up.</summary>
        public string? Storages { get; init; }

        /// <summary>A flow bands table (an inversion's <c>flow_bands.csv</c>) whose bands are drawn around each
        /// basin's flows; null: no bands.</summary>
        public string? Bands { get; init; }

        /// <summary>Throws a one-line ArgumentException naming the option.</summary>
        public void Validate()
        {
            HbvForcing.DriversOf(Dataset);
            if (End < Start) throw new ArgumentException(
                $"--period: the end {End:yyyy-MM-dd} is before the start {Start:yyyy-MM-dd}");
        }
    }

    /// <param name="Simulated">Streamflow on the period's days (mm/day).</param>
    /// <param name="Observed">The observed streamflow on those days (NaN where missing).</param>
    /// <param name="ObservedDays">Days with an observation; the scores are NaN with fewer than
    /// <see cref="ObservedDays.Minimum"/>, or where the observations never vary.</param>
    /// <param name="Ends">The storages after the period's last day, per parameter set (its search).</param>
    public sealed record BasinRun(string Id, DateOnly[] Dates, double[] Simulated, double[] Observed, int ObservedDays,
        double Nse, double Kge, double LogNse, IReadOnlyList<(string Search, HbvStorages End)> Ends)
    {
        /// <summary>The 90 % band around <see cref="Simulated"/> (mm/day); empty without one.</summary>
        public double[] Low { get; init; } = [];

        /// <inheritdoc cref="Low"/>
        public double[] High { get; init; } = [];

        /// <summary>The share of the observed days inside the band; NaN without a band or observations.</summary>
        public double Coverage { get; init; } = double.NaN;
    }

    /// <param name="Method">What the table's rows are: the method asked for, or <see cref="Given"/> where the table
    /// has no <c>method</c> column.</param>
    public sealed record Outcome(IReadOnlyList<BasinRun> Basins, IReadOnlyList<(string Id, string Reason)> Dropped,
        string Method);

    /// <param name="Rows">The parameter sets, in table order: one per basin, or one per search of the refinement
    /// (a <c>search</c> column), whose flows are averaged.</param>
    public sealed record ParameterTable(IReadOnlyList<ParameterRow> Rows, string Method);

    /// <param name="Search">The set's search (<c>search</c> column; "1" without one).</param>
    public sealed record ParameterRow(string Id, string Search, HbvParameters Parameters);

    /// <summary>The label of every set of a table without a <c>search</c> column.</summary>
    public const string OnlySearch = "1";

    /// <summary>The method of a table without a <c>method</c> column.</summary>
    public const string Given = "given";

    /// <summary>Where a simulation's parameters come from: their file, and from an inversion's run folder the root,
    /// layout and Caravan source it read and its flow bands (nulls for a file, or a run without bands).</summary>
    public sealed record ParameterSource(string File, string? Root, string? Dataset, string? Source, string? Bands);

    /// <summary>The parameters' file, or an inversion's run folder (<c>parameters.csv</c> beside
    /// <c>invert.json</c>).</summary>
    public static ParameterSource Locate(string parameters)
    {
        if (File.Exists(parameters)) return new(parameters, null, null, null, null);
        if (!Directory.Exists(parameters)) throw new FileNotFoundException(
            $"--parameters {parameters}: neither a parameters CSV nor a run folder");
        string file = Path.Combine(parameters, RunFiles.Parameters), options = Path.Combine(parameters,
            RunFiles.InvertOptions);
        if (!File.Exists(file) || !File.Exists(options)) throw new FileNotFoundException(
            $"--parameters {parameters}: no {RunFiles.Parameters} and {RunFiles.InvertOptions}; is it an invert run?");
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(options));
        string? Text(string name) => json.RootElement.TryGetProperty(name, out var v) ? v.GetString() : null;
        string bands = Path.Combine(parameters, RunFiles.FlowBands);
        return new(file, Text("Root"), Text("Dataset"), Text("Source"), File.Exists(bands) ? bands : null);
    }

    public static Outcome Run(RunDirectory run, Options o, IRunReporter reporter)
    {
        o.Validate();
        var table = ReadParameters(o.Parameters, o.Method);
        var basins = table.Rows.GroupBy(r => r.Id, StringComparer.Ordinal).ToList();
        var states = o.Storages is { } path ? ReadStorages(path, table.Method) : null;
        var bands = o.Bands is { } bandsPath ? ReadBands(bandsPath, table.Method) : [];
        // the table's basins only: a root may hold thousands
        var held = HbvForcing.Held(o.Root, o.Dataset, o.Source, basins.Select(g => g.Key));
        var raw = held.Count == 0 ? null : HbvForcing.Read(o.Root, o.Dataset, o.Source, [],
            new Progress<double>(f => reporter.Progress("read basins", f)), held);
        var byId = (raw?.Basins ?? []).ToDictionary(b => b.Id, StringComparer.Ordinal);
        var dropped = new List<(string, string)>();
        var kept = new List<(BasinData Basin, List<Set> Sets)>();
        foreach (var sets in basins)
        {
            string id = sets.Key;
            string? why = !byId.TryGetValue(id, out var b) ? $"not among the basins of {o.Root}"
                : HbvForcing.LatitudeGap(b) ?? HbvForcing.Gap(b, o.Start, o.End)
                ?? (states is null ? null : sets.Select(r => StartGap(states, r, o)).OfType<string>().FirstOrDefault());
            if (why is not null) { dropped.Add((id, why)); continue; }
            kept.Add((b!, sets.Select(r => new Set(r.Search, r.Parameters,
                states?[(id, r.Search)].Storages.ToStates(r.Parameters))).ToList()));
        }
        if (kept.Count == 0) throw new InvalidDataException(
            $"{o.Parameters}: none of its {basins.Count} basins can be run over {o.Start:yyyy-MM-dd}.." +
            $"{o.End:yyyy-MM-dd} (first: {dropped[0].Item1}: {dropped[0].Item2})");
        var data = HbvForcing.Convert(raw! with { Basins = kept.Select(k => k.Basin).ToList() }, []);
        var runs = new BasinRun[kept.Count];
        int done = 0;
        Parallelism.For(kept.Count, i =>
        {
            var r = Simulate(data.Basins[i], kept[i].Sets, o.Start, o.End);
            runs[i] = bands.TryGetValue(r.Id, out var band) ? Banded(r, band) : r;
            reporter.Progress("simulate", Interlocked.Increment(ref done) / (double)kept.Count);
        });
        var outcome = new Outcome(runs, dropped, table.Method);
        Write(run, outcome);
        run.Log($"simulate: {runs.Length} basins, {dropped.Count} dropped, {o.Start:yyyy-MM-dd}..{o.End:yyyy-MM-dd}");
        return outcome;
    }

    /// <summary>One parameter set of a basin and where it starts: from <paramref name="From"/>, or where null after
    /// a spin-up.</summary>
    public sealed record Set(string Search, HbvParameters Parameters, HbvStates? From);

    /// <summary>A basin's parameter sets each run over [start, end] (<see cref="Simulate(BasinData, HbvParameters,
    /// DateOnly, DateOnly, HbvStates?)"/>), their flows averaged day by day and the mean scored; one set: its run
    /// exactly.</summary>
    public static BasinRun Simulate(BasinData basin, IReadOnlyList<Set> sets, DateOnly start, DateOnly end)
    {
        var each = sets.Select(x => Simulate(basin, x.Parameters, start, end, x.From)).ToList();
        var ends = sets.Zip(each, (x, r) => (x.Search, r.Ends[0].End)).ToList();
        if (each.Count == 1) return each[0] with { Ends = ends };
        var mean = new double[each[0].Simulated.Length];
        foreach (var r in each) AddShare(mean, r.Simulated, each.Count);
        var (nse, kge, logNse) = Scores(basin, mean, each[0].Observed, start, end);
        return each[0] with { Simulated = mean, Ends = ends, Nse = nse, Kge = kge, LogNse = logNse };
    }

    /// <summary>Adds <paramref name="flows"/> / <paramref name="count"/> to <paramref name="mean"/>, day by day: the
    /// mean of a basin's parameter sets' flows, summed in the sets' order, so that `kgssl invert` and `kgssl simulate`
    /// average them to the same digits (one set: its flows exactly).</summary>
    public static void AddShare(double[] mean, IReadOnlyList<double> flows, int count)
    {
        for (int t = 0; t < mean.Length; t++) mean[t] += flows[t] / count;
    }

    /// <summary>NSE, KGE and log NSE of simulated flows; NaN with fewer than <see cref="ObservedDays.Minimum"/>
    /// observed days or observations that never vary.</summary>
    static (double Nse, double Kge, double LogNse) Scores(BasinData basin, double[] sim, double[] obs, DateOnly start,
        DateOnly end)
    {
        bool scored = obs.Count(v => !double.IsNaN(v)) >= ObservedDays.Minimum && HbvForcing.Varies(basin, start, end);
        return scored ? (Metrics.Nse(sim, obs), Metrics.Kge(sim, obs), Metrics.LogNse(sim, obs))
            : (double.NaN, double.NaN, double.NaN);
    }

    /// <summary>One basin in HBV's layout (<see cref="HbvForcing.Convert"/>) run over [start, end]: from
    /// <paramref name="states"/>, or where null after a spin-up over the period's first year from default
    /// storages.</summary>
    public static BasinRun Simulate(BasinData basin, HbvParameters p, DateOnly start, DateOnly end,
        HbvStates? states = null)
    {
        var (from, to) = basin.PeriodRange(start, end);
        var record = HbvRecord.OfPeriod(basin, 3, [0, 1, 2], from, to);
        int skip = states is null ? 0 : record.SpinUp;
        var result = HbvModel.Run(p, record.Precipitation.AsSpan(skip), record.Temperature.AsSpan(skip),
            record.Pet.AsSpan(skip), states ?? HbvStates.Default);
        var sim = result.Runoff[(record.SpinUp - skip)..];
        var obs = new double[to - from];
        for (int t = 0; t < obs.Length; t++) obs[t] = basin.Response[from + t];
        var (nse, kge, logNse) = Scores(basin, sim, obs, start, end);
        return new BasinRun(basin.Id, basin.Dates[from..to], sim, obs, obs.Count(v => !double.IsNaN(v)), nse, kge,
            logNse, [(OnlySearch, result.End)]);
    }

    static BasinRun Banded(BasinRun r, FlowBand band)
    {
        var (low, high, coverage) = band.Cover(r.Simulated, r.Observed);
        return r with { Low = low, High = high, Coverage = coverage };
    }

    /// <summary>
    /// The parameters of <paramref name="method"/>'s rows (every row, <see cref="Given"/>, where the table has no
    /// <c>method</c> column); with a <c>search</c> column, a basin's rows of other searches are its sets, whose flows
    /// are averaged. A value outside HBV's range (<see cref="HbvParameters.Ranges"/>; beyond the last digits a
    /// written table rounds to), a basin (and search) twice or a table without the method is an error naming the
    /// file, line and column.
    /// </summary>
    public static ParameterTable ReadParameters(string path, string method)
    {
        var (header, rows) = TextParsing.ReadTable(path, ',');
        int basin = TextParsing.ColumnIndex(header, "basin", path), methodAt = Array.IndexOf(header, "method");
        int searchAt = Array.IndexOf(header, "search");
        var columns = HbvColumns.AllParameters(header, n => new DataFormatException(path, 1,
            $"no column '{n}' or 'log10({n})': every HBV parameter is needed"));
        var result = new List<ParameterRow>();
        var seen = new Dictionary<(string, string), int>();
        foreach (var (fields, line) in rows)
        {
            if (methodAt >= 0 && fields[methodAt].Trim() != method) continue;
            string id = fields[basin].Trim(), search = Search(fields, searchAt, path, line);
            if (id.Length == 0) throw new DataFormatException(path, line, "column 'basin': empty");
            if (seen.TryGetValue((id, search), out int first)) throw new DataFormatException(path, line,
                $"basin '{id}' again (first on line {first})" + (methodAt >= 0 ? $" for method '{method}'" : "") +
                (searchAt >= 0 ? $" and search {search}" : ""));
            seen[(id, search)] = line;
            result.Add(new ParameterRow(id, search, Parameters(fields, columns, path, line)));
        }
        if (result.Count == 0) throw new DataFormatException(path, 0, methodAt < 0 ? "no rows"
            : $"no rows of method '{method}' (has: {string.Join(", ", rows.Select(r => r.Fields[methodAt].Trim())
                .Distinct())})");
        return new ParameterTable(result, methodAt >= 0 ? method : Given);
    }

    /// <summary>A row's <c>search</c> (<see cref="OnlySearch"/> without the column): a positive whole number.
    /// </summary>
    static string Search(string[] fields, int at, string path, int line)
    {
        if (at < 0) return OnlySearch;
        string text = fields[at].Trim();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k > 0
            ? k.ToString(CultureInfo.InvariantCulture)
            : throw new DataFormatException(path, line, $"column 'search': expected a whole number >= 1, got '{text}'");
    }

    static HbvParameters Parameters(string[] fields, IReadOnlyList<HbvColumns.Column> columns, string path, int line)
    {
        var v = new double[HbvParameters.Ranges.Count];
        foreach (var c in columns)
        {
            var r = HbvParameters.Ranges[c.Parameter];
            double x = TextParsing.ParseDouble(fields[c.Index], path, line, c.Name);
            if (double.IsNaN(x)) throw new DataFormatException(path, line, $"column '{c.Name}': empty");
            double physical = c.Log10 ? Math.Pow(10, x) : x;
            // a table written with nine significant digits may round a bound a hair outside the range
            double slack = 1e-6 * (r.Max - r.Min);
            if (physical < r.Min - slack || physical > r.Max + slack) throw new DataFormatException(path, line,
                $"column '{c.Name}': {physical.ToString("G6", CultureInfo.InvariantCulture)} {r.Unit} is outside " +
                $"HBV's range {r.Min.ToString(CultureInfo.InvariantCulture)}.." +
                $"{r.Max.ToString(CultureInfo.InvariantCulture)}");
            v[c.Parameter] = Math.Clamp(physical, r.Min, r.Max);
        }
        return HbvParameters.FromArray(v);
    }

    static void Write(RunDirectory run, Outcome o)
    {
        var rows = o.Basins;
        new NumericTable(["basin", "method"], rows.Select(r => new[] { r.Id, o.Method }).ToList(),
            ["observed_days", "nse", "kge", "log_nse", "coverage_90"],
            rows.Select(r => new[] { r.ObservedDays, r.Nse, r.Kge, r.LogNse, r.Coverage }).ToList())
            .WriteCsv(run.File(RunFiles.SimulationBasins));
        var ends = rows.SelectMany(r => r.Ends.Select(e => (r, e.Search, e.End))).ToList();
        new NumericTable(["basin", "method", "search", "date"], ends.Select(x => new[] { x.r.Id, o.Method, x.Search,
                x.r.Dates[^1].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }).ToList(),
            InversionFiles.StorageColumns, ends.Select(x => InversionFiles.StorageValues(x.End)).ToList())
            .WriteCsv(run.File(RunFiles.Storages));
        InversionFiles.WriteDropped(run.File(RunFiles.SimulationDropped), o.Dropped);
        string folder = run.File(RunFiles.FlowsFolder);
        Directory.CreateDirectory(folder);
        Parallelism.For(rows.Count, i =>
        {
            var r = rows[i];
            List<(string, IReadOnlyList<double>)> columns = [("simulated", r.Simulated)];
            if (r.Low.Length > 0) columns.AddRange([("low", r.Low), ("high", r.High)]);
            InversionFiles.WriteFlowFile(Path.Combine(folder, r.Id + ".csv"), r.Dates, r.Observed, columns);
        });
    }
}
