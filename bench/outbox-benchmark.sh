#!/usr/bin/env bash
# ACROSS benchmark: messages per second the hub relays from its outbox to the ministry broker (persistent,
# 1 KiB JSON), against the same broker's own producer in the same run. See docs/benchmark.md,
# section "Outbox → ministry broker".
#
#   bench/outbox-benchmark.sh                      # 20000 messages, 2 runs on disk + 2 on /dev/shm, prototypes, JFR profile
#   bench/outbox-benchmark.sh --messages 5000 --runs 1 --no-tmpfs --no-prototypes --no-profile
#   bench/outbox-benchmark.sh --build ...          # rebuild the jar first
#
# Options other than --build go to id.ektp.hub.app.bench.OutboxBenchmark (--help lists them).
# Results: <out>/results.md (default bench/out/outbox/results.md); the profile in <out>/hub-relay-profile.txt
# and <out>/hub-relay.jfr (`jfr summary`, `jfr print --events jdk.ExecutionSample`). Traffic stays on 127.0.0.1.
# Gives up after 15 minutes (--timeout-minutes), printing what it measured so far.
set -euo pipefail

cd "$(dirname "$0")/.."
JAR=app/target/ektp-hub.jar
MAIN=id.ektp.hub.app.bench.OutboxBenchmark

build=false
out=bench/out/outbox
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

command -v java >/dev/null || { echo "outbox-benchmark: java not found" >&2; exit 1; }

# Build when the jar is missing or older than any main source or pom: a stale jar would benchmark old code.
stale() {
  [[ ! -f $JAR ]] && return 0
  [[ -n $(find pom.xml */pom.xml */src/main -newer "$JAR" -type f -print -quit 2>/dev/null) ]]
}
if $build || stale; then
  echo "outbox-benchmark: building $JAR (mvn -q -DskipTests package)"
  mvn -q -DskipTests package
fi

# Run from a private copy of the jar: a rebuild meanwhile must not swap classes under the running benchmark.
mkdir -p "$out"
cp "$JAR" "$out/ektp-hub.jar"

# The benchmark keeps its own time budget and reports partial figures when it runs out; `timeout` is the
# backstop should the JVM itself hang.
set +e
timeout --kill-after=30s "$((minutes * 60 + 60))s" \
  java -Xms1g -Xmx2g -cp "$out/ektp-hub.jar" "$MAIN" --out "$out" --timeout-minutes "$minutes" \
  "${args[@]+"${args[@]}"}"
rc=$?
set -e
if ((rc == 124 || rc == 137)); then
  echo "outbox-benchmark: gave up: no result after $minutes min (+1 min grace); partial output above" >&2
fi
exit "$rc"
