#!/usr/bin/env bash
# The forcing comparison of benchmarks/RESULTS.md ("What the forcing costs"): the same streamflow model, basins,
# years and streamflow, with five forcings, three seeds each (about 25 s a training on 2 cores).
#   KGSSL=path/to/kgssl benchmarks/forcing/run.sh OUT [SHARED_DATA]
set -euo pipefail
out=${1:?output folder}; here=$(cd "$(dirname "$0")" && pwd); kgssl=${KGSSL:-kgssl}
data=${2:-$here/../../../shared/data}
mkdir -p "$out"
"$here/swap.sh" precipitation "$out/era5l_daymet_p" "$data"
"$here/swap.sh" temperature "$out/era5l_daymet_t" "$data"
daymet6='data.drivers=["prcp(mm/day)", "srad(W/m2)", "tmax(C)", "tmin(C)", "vp(Pa)", "dayl(s)"]'
for seed in 42 7 11; do
  run() { local name=$1; shift; "$kgssl" forward -q --statics true --set training.seed=$seed "$@" \
            --run-dir "$out/${name}_s$seed" > /dev/null; }
  run daymet3 --config "$here/forward_daymet.yml" --set data.root="$data/camels_us"
  run daymet6 --config "$here/forward_daymet.yml" --set data.root="$data/camels_us" --set "$daymet6"
  run era5l --config "$here/forward_era5l.yml" --set data.root="$data/camels_era5l"
  run era5l_daymet_p --config "$here/forward_era5l.yml" --set data.root="$out/era5l_daymet_p"
  run era5l_daymet_t --config "$here/forward_era5l.yml" --set data.root="$out/era5l_daymet_t"
done
for f in "$out"/*_s*/forward_summary.csv; do
  echo "$(basename "$(dirname "$f")") $(sed -n 2p "$f" | cut -d, -f2-5)"
done
