#!/usr/bin/env bash
# UP over a cut kecamatan line: 2 Mbit/s (250,000 bytes/s each way) cut every 12 s for 2 s, made with
# WanLink (a throttling TCP proxy in the sandbox) in front of the embedded SFTP servers. See
# docs/benchmark.md.
#
#   bench/wan-benchmark.sh                           # 6 x 2 MiB, device -> hub, then hub -> ministry (~2 min)
#   bench/wan-benchmark.sh --packets 1 --bytes 12582912   # the issue's 12 MiB packet
#   bench/wan-benchmark.sh --help
#
# Prints bytes over the line per packet byte (target <= 1.1) and the share of the line's capacity
# used while it was up (target >= 0.9) for each direction; the last line is
#   RESULT wan down_bytes_per_byte=<r> down_line_use=<r> up_bytes_per_byte=<r> up_line_use=<r>
# Results: <out>/results.md (default bench/out/wan/results.md). Traffic stays on 127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/run-driver.sh

build=false
out=bench/out/wan
args=()
while (($#)); do
  case "$1" in
    --build) build=true ;;
    --out) out="$2"; shift ;;
    *) args+=("$1") ;;
  esac
  shift
done

stage_jars wan-benchmark "$out" "$build"
exec java -Xmx512m -cp "$out/ektp-hub-bench.jar" id.ektp.hub.bench.WanBenchmark --jar "$out/ektp-hub.jar" \
  --out "$out" "${args[@]+"${args[@]}"}"
