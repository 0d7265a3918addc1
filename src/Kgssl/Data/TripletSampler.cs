namespace Kgssl.Data;

/// <summary>An (anchor, positive, negative) window triplet.</summary>
public readonly record struct Triplet(Window Anchor, Window Positive, Window Negative);

/// <summary>
/// Triplet sampling as in the KGSSL authors' code: each epoch, for each window index j, the anchor is each
/// basin's window j, the positive a random window of the same basin, the negative a random window of a random
/// other basin. Windows already passed the missing-response filter (<see cref="WindowIndex"/>), so a triplet
/// whose windows have too much missing response never forms. Seeded per epoch: epoch e of a run draws the
/// same triplets whether or not the run was interrupted before it. With <c>anchorsPerBasin</c>, basin b gives
/// that many anchors, each a random window of its list (training.random_windows: the lists hold a window for
/// every start day, and each epoch sees other days for the same number of anchors).
/// </summary>
public static class TripletSampler
{
    public static Triplet[] Epoch(List<Window>[] windows, int seed, int epoch, int maxAnchors = 0,
        int[]? anchorsPerBasin = null)
    {
        var rng = new Random(Seeds.Mix(seed, epoch, 0x7c1));
        var eligible = Enumerable.Range(0, windows.Length).Where(i => windows[i].Count > 0).ToArray();
        if (eligible.Length < 2) throw new InvalidOperationException(
            "triplet sampling needs at least two basins with usable windows");
        if (anchorsPerBasin is not null && anchorsPerBasin.Length != windows.Length)
            throw new ArgumentException(
                $"anchorsPerBasin has {anchorsPerBasin.Length} entries for {windows.Length} basins");
        int Anchors(int basin) => anchorsPerBasin?[basin] ?? windows[basin].Count;
        int maxWindows = eligible.Max(Anchors);
        var triplets = new List<Triplet>();
        for (int j = 0; j < maxWindows; j++)
            for (int pos = 0; pos < eligible.Length; pos++)
            {
                var own = windows[eligible[pos]];
                if (j >= Anchors(eligible[pos])) continue;
                var anchor = anchorsPerBasin is null ? own[j] : own[rng.Next(own.Count)];
                var positive = own[rng.Next(own.Count)];
                int otherPos = rng.Next(eligible.Length - 1);
                if (otherPos >= pos) otherPos++; // any basin but the anchor's
                var negList = windows[eligible[otherPos]];
                triplets.Add(new Triplet(anchor, positive, negList[rng.Next(negList.Count)]));
            }
        var array = triplets.ToArray();
        rng.Shuffle(array);
        return maxAnchors > 0 && array.Length > maxAnchors ? array[..maxAnchors] : array;
    }
}
