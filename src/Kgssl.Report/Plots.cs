using ScottPlot;

namespace Kgssl.Report;

/// <summary>
/// The report's figures, rendered to PNG bytes with ScottPlot 5 (SkiaSharp, runs headless on Linux with the
/// NoDependencies native assets: no X server, no fontconfig package needed).
/// </summary>
public static class Plots
{
    static byte[] Png(Plot plot, int width, int height) => plot.GetImageBytes(width, height, ImageFormat.Png);

    public static byte[] CorrelationBars(IReadOnlyList<string> names, IReadOnlyDictionary<string, double[]> rBySet)
    {
        var plot = new Plot();
        int sets = rBySet.Count, s = 0;
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var (set, r) in rBySet)
        {
            var bars = new List<Bar>();
            for (int i = 0; i < names.Count; i++)
                bars.Add(new Bar { Position = i + (s - (sets - 1) / 2.0) * 0.8 / sets, Value = double.IsFinite(r[i])
                    ? r[i] : 0, Size = 0.8 / sets, FillColor = palette.GetColor(s) });
            var added = plot.Add.Bars(bars);
            added.LegendText = set;
            s++;
        }
        var l8 = plot.Add.HorizontalLine(0.8); l8.LinePattern = LinePattern.Dashed; l8.Color = Colors.Gray;
        var l9 = plot.Add.HorizontalLine(0.9); l9.LinePattern = LinePattern.Dotted; l9.Color = Colors.Black;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, names.Count).Select(i => (double)i).ToArray(), names.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 60;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 120;
        plot.Axes.SetLimitsY(Math.Min(0, rBySet.Values.SelectMany(v => v).Where(double.IsFinite).DefaultIfEmpty(0)
            .Min()) - 0.05, 1.05);
        plot.YLabel("Pearson r");
        plot.Title("Recovery of each characteristic");
        plot.ShowLegend(Alignment.LowerLeft);
        return Png(plot, Math.Max(700, 34 * names.Count), 460);
    }

    /// <summary>Predicted against true values with the 1:1 line; <paramref name="unit"/> labels both axes.</summary>
    public static byte[] Scatter(string title, double[] truth, double[] predicted, double r, string unit = "")
    {
        var plot = new Plot();
        var ok = Enumerable.Range(0, truth.Length).Where(i => double.IsFinite(truth[i])
            && double.IsFinite(predicted[i])).ToArray();
        var xs = ok.Select(i => truth[i]).ToArray();
        var ys = ok.Select(i => predicted[i]).ToArray();
        var sp = plot.Add.ScatterPoints(xs, ys);
        sp.MarkerSize = 4;
        if (xs.Length > 0)
        {
            double lo = Math.Min(xs.Min(), ys.Min()), hi = Math.Max(xs.Max(), ys.Max());
            var line = plot.Add.Line(lo, lo, hi, hi);
            line.Color = Colors.Gray; line.LinePattern = LinePattern.Dashed;
        }
        plot.Title($"{title} (r = {r:F2})", size: 12);
        string suffix = unit.Length > 0 ? $" ({unit})" : "";
        plot.XLabel("true" + suffix, size: 10);
        plot.YLabel("predicted" + suffix, size: 10);
        return Png(plot, 260, 240);
    }

    public static byte[] Heatmap(string title, double[,] values)
    {
        var plot = new Plot();
        var hm = plot.Add.Heatmap(values);
        hm.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(hm);
        // frameless first: it hides the title panel too, and the title must show
        plot.Axes.Frameless();
        plot.Title(title, size: 13);
        return Png(plot, 460, 420);
    }

    /// <summary>Lines of y against x, one per series, with axis labels.</summary>
    public static byte[] Lines(string title, IReadOnlyDictionary<string, (double[] X, double[] Y)> series,
        string xLabel, string yLabel,
        int width = 620, int height = 380)
    {
        var plot = new Plot();
        foreach (var (name, (x, y)) in series)
        {
            var ok = Enumerable.Range(0, x.Length).Where(i => double.IsFinite(x[i]) && double.IsFinite(y[i])).ToArray();
            if (ok.Length == 0) continue;
            var line = plot.Add.ScatterLine(ok.Select(i => x[i]).ToArray(), ok.Select(i => y[i]).ToArray());
            line.LegendText = name;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperLeft);
        return Png(plot, width, height);
    }

    /// <summary>A hydrograph: the methods' flows as thin lines, one method's band shaded behind them in its line's
    /// colour, and the observed flow in black on top (a series of NaN, such as a scenario's observed, is left out).
    /// </summary>
    /// <param name="flows">By name, one value per day; "observed" is drawn last.</param>
    /// <param name="band">The method of <paramref name="flows"/> whose band (low and high per day) is shaded; null:
    /// none.</param>
    public static byte[] Hydrograph(string title, double[] days, IReadOnlyDictionary<string, double[]> flows,
        (string Method, double[] Low, double[] High)? band, string xLabel, int width, int height)
    {
        var plot = new Plot();
        int[] Finite(params double[][] ys) =>
            Enumerable.Range(0, days.Length).Where(i => ys.All(y => double.IsFinite(y[i]))).ToArray();
        var colors = new Dictionary<string, Color>
        {
            ["observed"] = Colors.Black, ["learned"] = Colors.Gray, ["calibrated"] = Colors.RoyalBlue,
            ["emulator"] = Colors.MediumPurple,
        };
        if (band is { } b) colors[b.Method] = Colors.DarkOrange;
        if (band is { } c && Finite(c.Low, c.High) is { Length: > 1 } inBand)
        {
            var fill = plot.Add.FillY(inBand.Select(i => days[i]).ToArray(), inBand.Select(i => c.Low[i]).ToArray(),
                inBand.Select(i => c.High[i]).ToArray());
            fill.FillColor = Colors.DarkOrange.WithAlpha(0.2);
            fill.LineColor = Colors.Transparent;
            fill.LegendText = $"{c.Method} 90 % band";
        }
        foreach (var (name, y) in flows.OrderBy(kv => kv.Key == "observed"))
        {
            var ok = Finite(y);
            if (ok.Length == 0) continue;
            var line = plot.Add.ScatterLine(ok.Select(i => days[i]).ToArray(), ok.Select(i => y[i]).ToArray());
            line.LegendText = name;
            line.LineWidth = name == "observed" ? 1.5f : 1;
            if (colors.TryGetValue(name, out var color)) line.Color = color;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("streamflow (mm/day)");
        plot.ShowLegend(Alignment.UpperLeft);
        return Png(plot, width, height);
    }

    public static byte[] Curves(string title, IReadOnlyDictionary<string, (double[] X, double[] Y)> series,
        string yLabel, string xLabel = "epoch")
    {
        var plot = new Plot();
        foreach (var (name, (x, y)) in series)
        {
            var ok = Enumerable.Range(0, x.Length).Where(i => double.IsFinite(y[i])).ToArray();
            if (ok.Length == 0) continue;
            var sc = plot.Add.Scatter(ok.Select(i => x[i]).ToArray(), ok.Select(i => y[i]).ToArray());
            sc.LegendText = name;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        if (xLabel == "epoch")
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        return Png(plot, 620, 380);
    }

    /// <summary>Points coloured by a value (viridis); NaN values in grey.</summary>
    public static byte[] Colored(string title, double[] x, double[] y, double[] value, string xLabel, string yLabel,
        string colorLabel)
    {
        var plot = new Plot();
        var cmap = new ScottPlot.Colormaps.Viridis();
        var finite = value.Where(double.IsFinite).ToArray();
        double lo = finite.Length > 0 ? finite.Min() : 0, hi = finite.Length > 0 ? finite.Max() : 1;
        for (int i = 0; i < x.Length; i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i])) continue;
            var color = double.IsFinite(value[i]) ? cmap.GetColor((value[i] - lo) / Math.Max(hi - lo, 1e-12))
                : Colors.Gray;
            plot.Add.Marker(x[i], y[i], MarkerShape.FilledCircle, 7, color);
        }
        plot.Title($"{title}\ncolour: {colorLabel}, dark {lo:G3} .. yellow {hi:G3}");
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return Png(plot, 620, 440);
    }

    /// <summary>Median NSE against corruption std, one line per fraction, with reference lines for the other
    /// settings.</summary>
    public static byte[] NseVsCorruption(IReadOnlyDictionary<double, (double[] Std, double[] Median)> byFraction,
        IReadOnlyDictionary<string, double> references)
    {
        var plot = new Plot();
        foreach (var (fraction, (std, median)) in byFraction)
        {
            var sc = plot.Add.Scatter(std, median);
            sc.LegendText = $"corrupted, fraction {fraction:G3}";
        }
        var palette = new ScottPlot.Palettes.Category10();
        int i = 3;
        foreach (var (name, value) in references)
        {
            if (!double.IsFinite(value)) continue;
            var line = plot.Add.HorizontalLine(value);
            line.LegendText = name;
            line.Color = palette.GetColor(i++);
            line.LinePattern = LinePattern.Dashed;
        }
        plot.Title("Median test NSE against the noise on the statics");
        plot.XLabel("noise std (z-score units)");
        plot.YLabel("median NSE");
        plot.ShowLegend(Alignment.LowerLeft);
        return Png(plot, 680, 440);
    }

    /// <summary>Empirical CDFs of per-basin NSE (clipped at -1 for readability).</summary>
    public static byte[] Cdf(IReadOnlyDictionary<string, double[]> values, string title = "CDF of per-basin test NSE")
    {
        var plot = new Plot();
        foreach (var (name, v) in values)
        {
            var sorted = v.Where(double.IsFinite).Select(x => Math.Max(x, -1)).Order().ToArray();
            if (sorted.Length == 0) continue;
            var sc = plot.Add.Scatter(sorted, Enumerable.Range(1, sorted.Length).Select(k => k / (double)sorted.Length)
                .ToArray());
            sc.MarkerSize = 0;
            sc.LegendText = name;
        }
        plot.Title(title);
        plot.XLabel("NSE (clipped at -1)");
        plot.YLabel("fraction of basins");
        plot.ShowLegend(Alignment.UpperLeft);
        return Png(plot, 680, 440);
    }
}
