#!/usr/bin/env bash
# Writes a Caravan-layout copy of the basins in basins_23.txt whose ERA5-Land precipitation (swap=precipitation) or
# mean temperature (swap=temperature) is replaced by the CAMELS Daymet value of the same date; every other column,
# the streamflow included, is left as it is. The attributes are linked, not copied.
#   benchmarks/forcing/swap.sh precipitation|temperature OUT [SHARED_DATA]
set -euo pipefail
swap=${1:?precipitation or temperature}; out=${2:?output folder}
here=$(cd "$(dirname "$0")" && pwd)
data=${3:-$here/../../../shared/data}
era=$data/camels_era5l; daymet=$data/camels_us/basin_mean_forcing/daymet
case $swap in
  precipitation) col=2 ;;
  temperature) col=3 ;;
  *) echo "swap.sh: expected precipitation or temperature, got '$swap'" >&2; exit 2 ;;
esac
mkdir -p "$out/timeseries/csv/camels"
ln -sfn "$era/attributes" "$out/attributes"
while read -r id; do
  [ -z "$id" ] && continue
  forcing=$(find "$daymet" -name "${id}_lump_cida_forcing_leap.txt" | head -n 1)
  [ -n "$forcing" ] || { echo "swap.sh: no Daymet forcing file for basin $id under $daymet" >&2; exit 1; }
  awk -v col="$col" -v file="$forcing" '
    BEGIN { FS = "[ \t]+"; n = 0
            while ((getline line < file) > 0) { if (++n <= 4) continue; split(line, f, /[ \t]+/)
              d = sprintf("%04d-%02d-%02d", f[1], f[2], f[3]); p[d] = f[6]; t[d] = sprintf("%.2f", (f[9] + f[10]) / 2) }
            FS = ","; OFS = "," }
    NR == 1 { if ($2 != "total_precipitation_sum" || $3 != "temperature_2m_mean") {
                print "swap.sh: unexpected header in " FILENAME > "/dev/stderr"; exit 1 }; print; next }
    { if (!($1 in p)) { print "swap.sh: " file " has no row for " $1 > "/dev/stderr"; exit 1 }
      $col = (col == 2 ? p[$1] : t[$1]); print }' \
    "$era/timeseries/csv/camels/camels_$id.csv" > "$out/timeseries/csv/camels/camels_$id.csv"
done < "$here/basins_23.txt"
echo "$out: $(ls "$out/timeseries/csv/camels" | wc -l) basins, $swap from Daymet"
