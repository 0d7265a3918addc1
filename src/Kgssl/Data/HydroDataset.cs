namespace Kgssl.Data;

/// <summary>Basins with aligned drivers, response and characteristics, as read from one data root.</summary>
public sealed record HydroDataset(
    string Kind,
    string Root,
    IReadOnlyList<string> DriverNames,
    string ResponseName,
    IReadOnlyList<string> CharacteristicNames,
    IReadOnlyList<BasinData> Basins,
    IReadOnlyList<string> BasinsWithoutData,
    IReadOnlyList<string> Notes)
{
    public int DriverCount => DriverNames.Count;

    /// <summary>Ids of the basins with at least one observed response day: the ones a split and the baselines
    /// take.</summary>
    public List<string> BasinsWithResponse() => Basins.Where(HasResponse).Select(b => b.Id).ToList();

    /// <summary>Ids of the basins without a single observed response day (no part in any split).</summary>
    public List<string> BasinsWithoutResponse() => Basins.Where(b => !HasResponse(b)).Select(b => b.Id).ToList();

    static bool HasResponse(BasinData b) => b.Response.Any(q => !float.IsNaN(q));

    public int CharacteristicCount => CharacteristicNames.Count;

    public BasinData Basin(string id) =>
        Basins.FirstOrDefault(b => b.Id == id) ?? throw new KeyNotFoundException(
            $"basin '{id}' is not in the data set");

    /// <summary>A short stable fingerprint of the content (ids, days, sums), recorded in run.json.</summary>
    public string Fingerprint()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(
            System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var b in Basins)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(b.Id));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.Drivers.AsSpan()));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.Response.AsSpan()));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.Characteristics.AsSpan()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
