using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Kgssl.Data;

/// <summary>
/// A compact binary copy of a parsed data set, keyed by the reader options and by every source file's size,
/// modification time and change time (<see cref="FileChangeTime"/>): a changed, added or removed source file
/// invalidates it, also when a copy kept the size and modification time. Written atomically (temp + rename).
/// </summary>
public static class DatasetCache
{
    // raised whenever the readers change what they accept or how they turn text into values (here: the value policy,
    // missing codes as missing days), so that no cache written by an older reader is served
    const string Magic = "KGSSL-CACHE-4";

    public static string DefaultFolder =>
        Environment.GetEnvironmentVariable("KGSSL_CACHE_DIR") is { Length: > 0 } d
            ? d
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "kgssl");

    public static string PathFor(string folder, string optionsKey) =>
        Path.Combine(folder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(optionsKey)))[..20]
            + ".bin");

    public static string Stamp(IReadOnlyList<string> files)
    {
        var sb = new StringBuilder();
        foreach (var f in files)
        {
            var info = new FileInfo(f);
            sb.Append(f).Append('|').Append(info.Length).Append('|').Append(info.LastWriteTimeUtc.Ticks)
                .Append('|').Append(FileChangeTime.Of(f)).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    public static HydroDataset? TryRead(string path, string optionsKey, string stamp)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = new BufferedStream(File.OpenRead(path), 1 << 20);
            using var r = new BinaryReader(stream, Encoding.UTF8);
            if (r.ReadString() != Magic || r.ReadString() != optionsKey || r.ReadString() != stamp) return null;
            string kind = r.ReadString(), root = r.ReadString(), response = r.ReadString();
            var drivers = ReadStrings(r);
            var chars = ReadStrings(r);
            var without = ReadStrings(r);
            var notes = ReadStrings(r);
            int n = r.ReadInt32();
            var basins = new BasinData[n];
            for (int i = 0; i < n; i++)
            {
                string id = r.ReadString(), product = r.ReadString();
                double lat = r.ReadDouble(), lon = r.ReadDouble();
                var dayNumbers = ReadArray<int>(r);
                var dates = new DateOnly[dayNumbers.Length];
                for (int k = 0; k < dates.Length; k++) dates[k] = DateOnly.FromDayNumber(dayNumbers[k]);
                basins[i] = new BasinData(id, dates, ReadArray<float>(r), ReadArray<float>(r), ReadArray<double>(r),
                    lat, lon, product);
            }
            return new HydroDataset(kind, root, drivers, response, chars, basins, without, notes);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or InvalidDataException)
        {
            return null; // a damaged cache is rebuilt from the sources
        }
    }

    public static void Write(string path, string optionsKey, string stamp, HydroDataset data)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = path + $".{Environment.ProcessId}.tmp";
        using (var stream = new BufferedStream(File.Create(temp), 1 << 20))
        using (var w = new BinaryWriter(stream, Encoding.UTF8))
        {
            w.Write(Magic); w.Write(optionsKey); w.Write(stamp);
            w.Write(data.Kind); w.Write(data.Root); w.Write(data.ResponseName);
            WriteStrings(w, data.DriverNames); WriteStrings(w, data.CharacteristicNames);
            WriteStrings(w, data.BasinsWithoutData); WriteStrings(w, data.Notes);
            w.Write(data.Basins.Count);
            foreach (var b in data.Basins)
            {
                w.Write(b.Id); w.Write(b.Product); w.Write(b.Latitude); w.Write(b.Longitude);
                WriteArray(w, b.Dates.Select(d => d.DayNumber).ToArray());
                WriteArray(w, b.Drivers); WriteArray(w, b.Response); WriteArray(w, b.Characteristics);
            }
        }
        File.Move(temp, path, overwrite: true);
    }

    static void WriteStrings(BinaryWriter w, IReadOnlyList<string> items)
    {
        w.Write(items.Count);
        foreach (var s in items) w.Write(s);
    }

    static string[] ReadStrings(BinaryReader r)
    {
        var items = new string[r.ReadInt32()];
        for (int i = 0; i < items.Length; i++) items[i] = r.ReadString();
        return items;
    }

    static void WriteArray<T>(BinaryWriter w, T[] values) where T : unmanaged
    {
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    static T[] ReadArray<T>(BinaryReader r) where T : unmanaged
    {
        int n = r.ReadInt32();
        if (n < 0) throw new InvalidDataException("negative array length");
        var values = new T[n];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        if (r.Read(bytes) != bytes.Length) throw new EndOfStreamException();
        return values;
    }
}
