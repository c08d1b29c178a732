#!/usr/bin/env bash
# UP-flow benchmark: the hub vs OpenSSH sftp moving the same packets from a device account to the
# ministry inbox over loopback. See docs/benchmark.md.
#
#   bench/up-benchmark.sh                       # 500 x 2 MiB and 5000 x 8 KiB, two runs each
#   bench/up-benchmark.sh --large 100 --small 0 --runs 1
#   bench/up-benchmark.sh --profile --small 0 --runs 1   # JFR profile of the hub (and the servers)
#   bench/up-benchmark.sh --build ...           # rebuild the jars first
#
# Options other than --build go to id.ektp.hub.bench.UpBenchmark (--help lists them), which runs from
# bench/target/ektp-hub-bench.jar and starts the hub from app/target/ektp-hub.jar; both are built when
# missing or stale, and copied to <out> first (see run-driver.sh).
# Results: <out>/results.md (default bench/out/results.md). Traffic stays on 127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/run-driver.sh

build=false
out=bench/out
args=()
while (($#)); do
  case "$1" in
    --build) build=true ;;
    --out) out="$2"; args+=("$1" "$2"); shift ;;
    *) args+=("$1") ;;
  esac
  shift
done

for tool in java /usr/bin/sftp; do
  command -v "$tool" >/dev/null || { echo "up-benchmark: $tool not found" >&2; exit 1; }
done
stage_jars up-benchmark "$out" "$build"

# The driver JVM holds the two embedded SFTP servers; the hub runs as its own child process
# with its own -Xmx and GC log.
exec java -Xmx1g -cp "$out/ektp-hub-bench.jar" id.ektp.hub.bench.UpBenchmark --jar "$out/ektp-hub.jar" \
  "${args[@]+"${args[@]}"}"
