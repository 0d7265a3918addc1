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
    readonly int _k = store.CharacteristicNames.Count;

    public int WindowDays => windowDays;

    public Tensor Inputs(ReadOnlySpan<Window> windows)
    {
        int c = store.Channels, n = windows.Length, size = n * windowDays * c;
        if (_inputs.Length != size) _inputs = new float[size];
        for (int i = 0; i < n; i++)
            store.CopyWindow(windows[i].Basin, windows[i].Start, windowDays, _inputs.AsSpan(i * windowDays * c, windowDays * c));
        return tensor(_inputs, [n, windowDays, c]).to(device);
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
