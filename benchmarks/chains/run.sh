#!/usr/bin/env bash
# The refinement split into independent searches whose test flows are averaged (benchmarks/RESULTS.md, "Flows
# averaged over independent refinements"), on the validation years only: 426 basins, one trained inverse, the
# refinement run with several seeds at several lengths, then average.py. About 25 minutes on 2 cores.
#   KGSSL=path/to/kgssl benchmarks/chains/run.sh OUT [SHARED_DATA]
set -euo pipefail
out=${1:?output folder}; here=$(cd "$(dirname "$0")" && pwd); kgssl=${KGSSL:-kgssl}
data=${2:-$here/../../../shared/data}
V=(--model hbv --root "$data/camels_era5l" --calibration-period 1999-10-01:2005-09-30
   --test-period 2005-10-01:2008-09-30 -q)
mkdir -p "$out"
[ -f "$out/val/inversion_basins.csv" ] || "$kgssl" invert "${V[@]}" --references 1 --run-dir "$out/val" > /dev/null
refine() { local g=$1; shift; for s in "$@"; do [ -d "$out/g${g}_$s/flows" ] || "$kgssl" invert "${V[@]}" \
             --inverse "$out/val/inverse" --references 0 --seed "$s" --searches 1 --generations "$g" \
             --run-dir "$out/g${g}_$s" > /dev/null; done; }
refine 49 7 8 9 10        # one search of 24 x 50 = 1200 runs (the default)
refine 24 7 8 9 10 11 12  # two of 24 x 25 = 600
refine 15 7 8 9 10 11 12  # three of 24 x 16 = 384
refine 11 7 8 9 10 11 12 13 14  # four of 24 x 12 = 288
python3 "$here/average.py" "$out"
