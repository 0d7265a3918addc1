using Kgssl.Config;

namespace Kgssl.Data;

/// <summary>Loads the data set a config names, through the binary cache unless told not to.</summary>
public static class DatasetLoader
{
    public sealed record Result(HydroDataset Data, bool FromCache, TimeSpan Elapsed, string? CachePath);

    /// <param name="inference">For embedding basins, not training: characteristics missing from the attributes (a
    /// column, or a basin's whole row) are unknown (NaN, named in the notes) instead of an error. Caravan
    /// layout.</param>
    public static Result Load(DataConfig c, bool useCache = true, string? cacheFolder = null,
        IProgress<double>? progress = null, bool inference = false)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (c.Root.Length == 0) throw new ConfigException(
            "data.root is empty: name the data folder (config or --root)");
        if (!Directory.Exists(c.Root)) throw new DataFormatException(c.Root, 0, "data root folder not found");
        IReadOnlyList<string>? basins = c.BasinFile.Length > 0 ? CamelsUsReader.ReadBasinList(c.BasinFile) : null;

        Func<HydroDataset> read;
        IReadOnlyList<string> sources;
        string key;
        if (c.Dataset == "caravan")
        {
            var o = new CaravanReader.Options(c.Root, c.Source, c.Drivers, c.Response, c.Characteristics, basins,
                c.DropFeb29, inference);
            read = () => CaravanReader.Read(o, progress);
            sources = CaravanReader.SourceFiles(o);
        }
        else
        {
            var o = new CamelsUsReader.Options(c.Root, c.ForcingProducts, c.Drivers, c.Characteristics, basins,
                c.DropFeb29);
            read = () => CamelsUsReader.Read(o, progress);
            sources = CamelsUsReader.SourceFiles(o);
        }
        key = string.Join("\u001f", c.Dataset, Path.GetFullPath(c.Root), c.Source, string.Join(',', c.ForcingProducts),
            string.Join(',', c.Drivers), c.Response, string.Join(',', c.Characteristics),
                string.Join(',', basins ?? []), c.DropFeb29, inference);

        if (!useCache) return new Result(read(), false, clock.Elapsed, null);
        string path = DatasetCache.PathFor(cacheFolder ?? DatasetCache.DefaultFolder, key);
        string stamp = DatasetCache.Stamp(sources);
        var cached = DatasetCache.TryRead(path, key, stamp);
        if (cached is not null) return new Result(cached, true, clock.Elapsed, path);
        var data = read();
        try { DatasetCache.Write(path, key, stamp, data); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) {
            path = $"(not written: {e.Message})"; }
        return new Result(data, false, clock.Elapsed, path);
    }
}
