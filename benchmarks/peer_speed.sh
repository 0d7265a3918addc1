#!/usr/bin/env bash
# Training throughput side by side: the PyTorch peer (../shared/peer/kgssl_torch.py, the authors' recipe) and
# `kgssl bench train --config CONFIG`, alternated, ROUNDS rounds, the same batch and 2 threads. Each prints
# anchor windows per second (median of its steps); compare the medians over the rounds.
# Needs Debian's python3-torch (apt-get install -y python3-torch) and a Release build of kgssl.
# Usage: benchmarks/peer_speed.sh [CONFIG] [BATCH] [ROUNDS]   (PEER_FLAGS=--flush-denormal: the peer's faster setting)
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-configs/camels_era5l.yml}
batch=${2:-200}
rounds=${3:-3}
peer=../shared/peer/kgssl_torch.py
kgssl=src/Kgssl.Cli/bin/Release/net10.0/linux-x64/kgssl
[ -x "$kgssl" ] || dotnet build src/Kgssl.Cli -c Release >/dev/null
echo "machine: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%Y-%m-%d)"
for round in $(seq 1 "$rounds"); do
  echo "round $round"
  /usr/bin/env -i PATH=/usr/bin:/bin python3 "$peer" --threads 2 --batch "$batch" --steps 5 ${PEER_FLAGS:-}
  "$kgssl" bench train --config "$config" --batch "$batch" --steps 10 --threads 2 2>/dev/null | grep '^kgssl'
done
