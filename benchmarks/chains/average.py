"""Scores the mean of several refinements' test flows against calibration from scratch, basin by basin.

Reads the runs of run.sh: OUT/val (calibration from scratch, seed 7) and OUT/g<G>_<seed> (the refinement with G
generations). Groups of k runs of one length (disjoint, in seed order) are averaged day by day; each group's NSE is
computed from the flows/ files (written to 3 decimals), and compared with calibration's on the same basins.
Standard library only.
"""
import csv
import os
import statistics
import sys

SETTINGS = [(49, 1, [7, 8, 9, 10]), (24, 2, [7, 8, 9, 10, 11, 12]), (15, 3, [7, 8, 9, 10, 11, 12]),
            (11, 4, [7, 8, 9, 10, 11, 12, 13, 14])]


def column(path, name):
    with open(path, newline="") as f:
        return [float(r[name]) if r[name] not in ("", "NaN") else float("nan") for r in csv.DictReader(f)]


def nse(sim, obs):
    pairs = [(s, o) for s, o in zip(sim, obs) if o == o]
    mean = sum(o for _, o in pairs) / len(pairs)
    return 1 - sum((s - o) ** 2 for s, o in pairs) / sum((o - mean) ** 2 for _, o in pairs)


def main(out):
    val = os.path.join(out, "val", "flows")
    basins = sorted(os.listdir(val))
    observed = {b: column(os.path.join(val, b), "observed") for b in basins}
    calibrated = [nse(column(os.path.join(val, b), "calibrated"), observed[b]) for b in basins]
    print(f"calibrated from scratch: median NSE {statistics.median(calibrated):.4f}")
    print("searches x runs | group: median NSE / paired median / basins better | mean of the groups")
    for generations, k, seeds in SETTINGS:
        cells = []
        for g in range(len(seeds) // k):
            runs = [os.path.join(out, f"g{generations}_{s}", "flows") for s in seeds[g * k:(g + 1) * k]]
            scores = []
            for b in basins:
                flows = [column(os.path.join(r, b), "refined") for r in runs]
                scores.append(nse([sum(day) / k for day in zip(*flows)], observed[b]))
            diff = [s - c for s, c in zip(scores, calibrated)]
            cells.append((statistics.median(scores), statistics.median(diff), sum(d > 0 for d in diff) / len(diff)))
        text = "  ".join(f"{m:.4f} / {p:+.4f} / {100 * w:.0f} %" for m, p, w in cells)
        means = [statistics.mean(c[i] for c in cells) for i in range(3)]
        print(f"{k} x {24 * (generations + 1)} | {text} | {means[0]:.4f} / {means[1]:+.5f} / {100 * means[2]:.1f} %")


if __name__ == "__main__":
    main(sys.argv[1])
