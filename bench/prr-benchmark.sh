#!/usr/bin/env bash
# DOWN-flow benchmark: PRR records per second from one ministry batch (SFTP outbox) to the printer's
# queue/ folder, the receipt's latency to the ministry broker, and the hub's peak heap (-Xmx256m).
# See docs/benchmark.md, section "PRR batch → printer queue".
#
#   bench/prr-benchmark.sh                        # 10000 records, 2 measured runs, + a tmpfs run and a JFR run
#   bench/prr-benchmark.sh --records 2000 --runs 1 --no-tmpfs --no-profile
#   bench/prr-benchmark.sh --build ...            # rebuild the jar first
#
# Options other than --build go to id.ektp.hub.app.bench.PrrBenchmark (--help lists them).
# Results: <out>/results.md (default bench/out/prr/results.md); per run <out>/runs/<run>/{hub.log,gc.log,
# queue-count.csv,hub.yaml}; the profile in <out>/profile.txt and <out>/hub.jfr. Traffic stays on 127.0.0.1.
# Gives up after 15 minutes (--timeout-minutes), reporting what it measured so far.
set -euo pipefail

cd "$(dirname "$0")/.."
JAR=app/target/ektp-hub.jar
MAIN=id.ektp.hub.app.bench.PrrBenchmark

build=false
out=bench/out/prr
minutes=15
args=()
while (($#)); do
  case "$1" in
    --build) build=true ;;
    --out) out="$2"; shift ;;
    --timeout-minutes) minutes="$2"; shift ;;
    *) args+=("$1") ;;
  esac
  shift
done

command -v java >/dev/null || { echo "prr-benchmark: java not found" >&2; exit 1; }

# Build when the jar is missing or older than any main source or pom: a stale jar would benchmark old code.
stale() {
  [[ ! -f $JAR ]] && return 0
  [[ -n $(find pom.xml */pom.xml */src/main -newer "$JAR" -type f -print -quit 2>/dev/null) ]]
}
if $build || stale; then
  echo "prr-benchmark: building $JAR (mvn -q -DskipTests package)"
  mvn -q -DskipTests package
fi

# Run from a private copy of the jar: a rebuild meanwhile must not swap classes under the running hub.
mkdir -p "$out"
cp "$JAR" "$out/ektp-hub.jar"

# The driver keeps its own time budget and reports partial figures when it runs out; `timeout` is the
# backstop should the JVM itself hang.
set +e
timeout --kill-after=30s "$((minutes * 60 + 60))s" \
  java -Xmx1g -cp "$out/ektp-hub.jar" "$MAIN" --out "$out" --timeout-minutes "$minutes" \
  "${args[@]+"${args[@]}"}"
rc=$?
set -e
if ((rc == 124 || rc == 137)); then
  echo "prr-benchmark: gave up: no result after $minutes min (+1 min grace); partial output above" >&2
fi
exit "$rc"
