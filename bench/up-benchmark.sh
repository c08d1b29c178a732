#!/usr/bin/env bash
# UP-flow benchmark: the hub vs OpenSSH sftp moving the same packets from a device account to the
# ministry inbox over loopback. See docs/benchmark.md.
#
#   bench/up-benchmark.sh                       # 500 x 2 MiB and 5000 x 8 KiB, two runs each
#   bench/up-benchmark.sh --large 100 --small 0 --runs 1
#   bench/up-benchmark.sh --profile --small 0 --runs 1   # JFR profile of the hub (and the servers)
#   bench/up-benchmark.sh --build ...           # rebuild the jar first
#
# Options other than --build go to id.ektp.hub.app.bench.UpBenchmark (--help lists them).
# Results: <out>/results.md (default bench/out/results.md). Traffic stays on 127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
JAR=app/target/ektp-hub.jar
MAIN=id.ektp.hub.app.bench.UpBenchmark

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

# Rebuild when the jar is missing or older than any main source or pom: a stale jar would
# benchmark old code.
stale() {
  [[ ! -f $JAR ]] && return 0
  [[ -n $(find pom.xml */pom.xml */src/main -newer "$JAR" -type f -print -quit 2>/dev/null) ]]
}
if $build || stale; then
  echo "up-benchmark: building $JAR (mvn -q -o -DskipTests package)"
  mvn -q -o -DskipTests package
fi

# Run from a private copy of the jar: a rebuild while the benchmark runs must not swap classes
# under the running hub or driver.
mkdir -p "$out"
cp "$JAR" "$out/ektp-hub.jar"

# The driver JVM holds the two embedded SFTP servers; the hub runs as its own child process
# with its own -Xmx and GC log.
exec java -Xmx1g -cp "$out/ektp-hub.jar" "$MAIN" --jar "$out/ektp-hub.jar" "${args[@]+"${args[@]}"}"
