# Shared by the bench/*-benchmark.sh scripts (sourced, not run, from the project root): builds the jars
# when they are stale and runs a benchmark driver from private copies of them, with a time budget and a
# backstop. The drivers are in bench/target/ektp-hub-bench.jar (module bench/); the hub they measure is
# app/target/ektp-hub.jar, which holds no benchmark code.
#
#   stage_jars NAME OUT BUILD
#   run_driver NAME MAIN_CLASS DEFAULT_OUT JVM_OPTS HUB_JAR_OPTION "$@"
#
# run_driver takes --build (rebuild first), --out DIR and --timeout-minutes M; the rest go to the driver.
# HUB_JAR_OPTION is the driver's option naming the hub jar it starts as a child process (--jar), or ''
# for a driver that runs the hub in its own JVM.
HUB_JAR=app/target/ektp-hub.jar
BENCH_JAR=bench/target/ektp-hub-bench.jar

# Builds both jars when BUILD is true, when one is missing, or when any main source or pom is newer than
# either (a stale jar would benchmark old code); then copies them into OUT (OUT/ektp-hub.jar,
# OUT/ektp-hub-bench.jar), so that a rebuild during the run cannot swap classes under the running hub
# or driver.
stage_jars() {
  local name=$1 out=$2 build=$3
  if $build || [[ ! -f $HUB_JAR || ! -f $BENCH_JAR ]] \
      || [[ -n $(find pom.xml */pom.xml */src/main -type f \( -newer "$HUB_JAR" -o -newer "$BENCH_JAR" \) \
                   -print -quit 2>/dev/null) ]]; then
    echo "$name: building $HUB_JAR and $BENCH_JAR (mvn -q -DskipTests package)"
    mvn -q -DskipTests package
  fi
  mkdir -p "$out"
  cp "$HUB_JAR" "$BENCH_JAR" "$out/"
}

run_driver() {
  local name=$1 main=$2 out=$3 jvm=$4 hub_jar_option=$5
  shift 5
  local build=false minutes=15 args=()
  while (($#)); do
    case "$1" in
      --build) build=true ;;
      --out) out="$2"; shift ;;
      --timeout-minutes) minutes="$2"; shift ;;
      *) args+=("$1") ;;
    esac
    shift
  done
  command -v java >/dev/null || { echo "$name: java not found" >&2; return 1; }
  stage_jars "$name" "$out" "$build"
  if [[ -n $hub_jar_option ]]; then
    args=("$hub_jar_option" "$out/ektp-hub.jar" ${args[@]+"${args[@]}"})
  fi

  # The driver keeps its own time budget and reports partial figures when it runs out; `timeout` is the
  # backstop should the JVM itself hang.
  local rc
  set +e
  # shellcheck disable=SC2086 # JVM options are words on purpose
  timeout --kill-after=30s "$((minutes * 60 + 60))s" \
    java $jvm -cp "$out/ektp-hub-bench.jar" "$main" --out "$out" --timeout-minutes "$minutes" \
    "${args[@]+"${args[@]}"}"
  rc=$?
  set -e
  if ((rc == 124 || rc == 137)); then
    echo "$name: gave up: no result after $minutes min (+1 min grace); partial output above" >&2
  fi
  return "$rc"
}
