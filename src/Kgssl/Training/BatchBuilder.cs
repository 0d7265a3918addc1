using Kgssl.Data;
using static TorchSharp.torch;

namespace Kgssl.Training;

/// <summary>
/// Packs windows into tensors: [n, time, channels] inputs and [n, K] labels (NaN = no label). Reuses its
/// managed buffers across steps; only the native tensors are new each step (disposed by the step's scope).
/// </summary>
public sealed class BatchBuilder(FeatureStore store, int windowDays, Device device)
{
    float[] _inputs = [];
    float[] _labels = [];
    float[] _drivers = [];
    readonly int _k = store.CharacteristicNames.Count;

    public int WindowDays => windowDays;

    public Tensor Inputs(ReadOnlySpan<Window> windows)
    {
        int c = store.Channels, n = windows.Length, size = n * windowDays * c;
        if (_inputs.Length != size) _inputs = new float[size];
        for (int i = 0; i < n; i++)
            store.CopyWindow(windows[i].Basin, windows[i].Start, windowDays,
                _inputs.AsSpan(i * windowDays * c, windowDays * c));
        return tensor(_inputs, [n, windowDays, c]).to(device);
    }

    /// <summary>
    /// The drivers of <paramref name="context"/> days before each window and of the window itself, [n, context + T, D]:
    /// what a decoder needs to spin its stores up before the days it is scored on. Days before the basin's
    /// <paramref name="firstDay"/> (the start of the period the windows come from) are 0, the drivers' mean.
    /// </summary>
    public Tensor DriversWithContext(ReadOnlySpan<Window> windows, int context, int[] firstDay)
    {
        int c = store.Channels, d = store.DriverCount, n = windows.Length, length = context + windowDays,
            size = n * length * d;
        if (_drivers.Length != size) _drivers = new float[size];
        Array.Clear(_drivers);
        for (int i = 0; i < n; i++)
        {
            var w = windows[i];
            var features = store.Features[w.Basin];
            int from = Math.Max(w.Start - context, firstDay[w.Basin]);
            for (int day = from; day < w.Start + windowDays; day++)
                features.AsSpan(day * c, d).CopyTo(_drivers.AsSpan((i * length + day - (w.Start - context)) * d, d));
        }
        return tensor(_drivers, [n, length, d]).to(device);
    }

    /// <summary>Labels of each window's basin; basins not in <paramref name="labelled"/> get NaN (withheld).</summary>
    public Tensor Labels(ReadOnlySpan<Window> windows, bool[] labelled)
    {
        int n = windows.Length, size = n * Math.Max(_k, 1);
        if (_labels.Length != size) _labels = new float[size];
        for (int i = 0; i < n; i++)
        {
            var target = _labels.AsSpan(i * _k, _k);
            if (labelled[windows[i].Basin]) store.Characteristics[windows[i].Basin].CopyTo(target);
            else target.Fill(float.NaN);
        }
        return tensor(_labels, [n, _k]).to(device);
    }
}
