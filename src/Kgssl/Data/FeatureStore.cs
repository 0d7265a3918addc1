namespace Kgssl.Data;

/// <summary>
/// Each basin's normalized per-day encoder inputs, row-major [day, channel]: the drivers, the response
/// (0 where missing) and a missing-response indicator (1 where missing), so no NaN ever reaches the model.
/// With <c>linearResponse</c>, one more channel after the indicator: the response in mm/day z-scored, without the
/// log (peaks stand out there, recessions in the log channel). With <c>responseChange</c>, one more channel after
/// those: the change of the (log) response from the day before (0 where either day is missing, and on the first
/// day of the record). Also the normalized characteristics (NaN where unknown). Built once; windows are slices of it.
/// </summary>
public sealed class FeatureStore
{
    public int Channels { get; }
    public int DriverCount { get; }
    public IReadOnlyList<string> DriverNames { get; }
    public Normalizer Normalizer { get; }
    public IReadOnlyList<BasinData> Basins { get; }
    public IReadOnlyList<string> CharacteristicNames { get; }
    public float[][] Features { get; }
    public float[][] Characteristics { get; }
    readonly Dictionary<string, int> _index;

    /// <summary>Channels per day: the drivers, the response, its missing flag, then q itself and the change of log q
    /// when asked.</summary>
    public static int ChannelCount(int drivers, bool linearResponse, bool responseChange) =>
        drivers + 2 + (linearResponse ? 1 : 0) + (responseChange ? 1 : 0);

    public FeatureStore(HydroDataset data, Normalizer norm, IEnumerable<string>? basinIds = null,
        bool linearResponse = false,
        bool responseChange = false)
    {
        Basins = basinIds is null ? data.Basins.ToArray() : basinIds.Select(data.Basin).ToArray();
        DriverCount = data.DriverCount;
        DriverNames = data.DriverNames;
        Normalizer = norm;
        CharacteristicNames = data.CharacteristicNames;
        Channels = ChannelCount(DriverCount, linearResponse, responseChange);
        int changeChannel = Channels - 1;
        Features = new float[Basins.Count][];
        Characteristics = new float[Basins.Count][];
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Basins.Count; i++)
        {
            var b = Basins[i];
            _index[b.Id] = i;
            var f = new float[b.Days * Channels];
            for (int t = 0; t < b.Days; t++)
            {
                int o = t * Channels;
                for (int k = 0; k < DriverCount; k++)
                    f[o + k] = (float)((b.Drivers[t * DriverCount + k] - norm.DriverMean[k]) / norm.DriverStd[k]);
                float q = b.Response[t];
                bool missing = float.IsNaN(q);
                f[o + DriverCount] = missing ? 0f : norm.NormalizeResponse(q);
                f[o + DriverCount + 1] = missing ? 1f : 0f;
                if (linearResponse) f[o + DriverCount + 2] = missing ? 0f : norm.NormalizeLinearResponse(q);
                if (responseChange)
                    f[o + changeChannel] = missing || t == 0 || float.IsNaN(b.Response[t - 1]) ? 0f
                        : norm.NormalizeResponseChange(b.Response[t - 1], q);
            }
            Features[i] = f;
            Characteristics[i] = b.Characteristics.Select((v, k) => (float)norm.NormalizeCharacteristic(k, v))
                .ToArray();
        }
    }

    /// <summary>The encoder's inputs as a run's data config asks for them (the extra response channels it
    /// names).</summary>
    public static FeatureStore FromConfig(HydroDataset data, Normalizer norm, Config.DataConfig d) =>
        new(data, norm, linearResponse: d.LinearResponseInput, responseChange: d.ResponseChangeInput);

    public int IndexOf(string id) => _index[id];

    /// <summary>Copies window [start, start+length) of basin <paramref name="basin"/> into
    /// <paramref name="target"/>.</summary>
    public void CopyWindow(int basin, int start, int length, Span<float> target) =>
        Features[basin].AsSpan(start * Channels, length * Channels).CopyTo(target);
}
