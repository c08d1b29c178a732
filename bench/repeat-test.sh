#!/usr/bin/env bash
# Runs one test class (or Class#method) N times in a row and reports each run's result and time:
# how a rare failure (a crash window, a race) is hunted down or shown gone, since CI runs each
# test only once. Failing runs keep their surefire output in bench/out/repeat/.
#
#   bench/repeat-test.sh KillAndRestartTest 10
#   bench/repeat-test.sh 'UpResilienceTest#aRemoval*' 5
#
# Builds the modules the test needs each run (-am), offline when the local repository allows.
set -uo pipefail

cd "$(dirname "$0")/.."
test=${1:?usage: bench/repeat-test.sh TestClass[#method] [runs]}
runs=${2:-10}
class=${test%%#*}
module=$(grep -rl --include="${class}.java" "class ${class}" -- */src/test | head -1 | cut -d/ -f1)
[ -n "$module" ] || { echo "no test class ${class} in any module" >&2; exit 2; }
out=bench/out/repeat
rm -rf "$out" && mkdir -p "$out"
failed=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  if mvn -q -o -pl "$module" -am verify -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
      > "$out/run-$i.log" 2>&1; then
    result=passed
    rm -f "$out/run-$i.log"
  else
    result=FAILED
    failed=$((failed + 1))
    for f in "$module"/target/surefire-reports/*"${class}"*.txt; do cp "$f" "$out/run-$i-$(basename "$f")"; done
  fi
  echo "run $i: $result in $(( $(date +%s) - start )) s"
done
echo "$test: $((runs - failed)) of $runs passed"
[ "$failed" -eq 0 ]
