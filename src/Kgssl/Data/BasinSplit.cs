namespace Kgssl.Data;

/// <summary>Which basins train, validate (early stopping) and stay unseen, drawn reproducibly from the seed.</summary>
/// <param name="WithoutStreamflow">Basins of the data set left out of every set: not one observed streamflow
/// day.</param>
public sealed record BasinSplit(IReadOnlyList<string> Train, IReadOnlyList<string> Validation,
    IReadOnlyList<string> Heldout,
    IReadOnlyList<string>? WithoutStreamflow = null)
{
    /// <summary>
    /// folds &gt; 1: fold <paramref name="fold"/> of a seeded shuffle is held out; else a seeded
    /// <paramref name="heldoutFraction"/>. Then <paramref name="validationFraction"/> of the rest validates.
    /// </summary>
    public static BasinSplit Make(IReadOnlyList<string> ids, int seed, double heldoutFraction, int folds, int fold,
        double validationFraction)
    {
        var order = ids.Order(StringComparer.Ordinal).ToArray();
        new Random(seed).Shuffle(order);
        string[] heldout, rest;
        if (folds > 1)
        {
            heldout = order.Where((_, i) => i % folds == fold).ToArray();
            rest = order.Where((_, i) => i % folds != fold).ToArray();
        }
        else
        {
            int h = (int)Math.Round(heldoutFraction * order.Length);
            heldout = order[..h];
            rest = order[h..];
        }
        int v = validationFraction > 0 ? Math.Max(1, (int)Math.Round(validationFraction * rest.Length)) : 0;
        if (v >= rest.Length) v = 0;
        return new BasinSplit(
            rest[v..].Order(StringComparer.Ordinal).ToArray(),
            rest[..v].Order(StringComparer.Ordinal).ToArray(),
            heldout.Order(StringComparer.Ordinal).ToArray());
    }
}
