# Shared by the bench/*-benchmark.sh scripts (sourced, not run): builds the jar when it is stale,
# runs a benchmark driver class from a private copy of it, with a time budget and a backstop.
#
#   run_driver NAME MAIN_CLASS DEFAULT_OUT JVM_OPTS "$@"
#
# Options taken here: --build (rebuild first), --out DIR, --timeout-minutes M; the rest go to the driver.
run_driver() {
  local name=$1 main=$2 out=$3 jvm=$4
  shift 4
  local jar=app/target/ektp-hub.jar build=false minutes=15 args=()
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

  # Build when the jar is missing or older than any main source or pom: a stale jar would benchmark old code.
  if $build || [[ ! -f $jar ]] || [[ -n $(find pom.xml */pom.xml */src/main -newer "$jar" -type f -print -quit 2>/dev/null) ]]; then
    echo "$name: building $jar (mvn -q -DskipTests package)"
    mvn -q -DskipTests package
  fi
  # Run from a private copy of the jar: a rebuild meanwhile must not swap classes under the running benchmark.
  mkdir -p "$out"
  cp "$jar" "$out/ektp-hub.jar"

  # The driver keeps its own time budget and reports partial figures when it runs out; `timeout` is the
  # backstop should the JVM itself hang.
  local rc
  set +e
  # shellcheck disable=SC2086 # JVM options are words on purpose
  timeout --kill-after=30s "$((minutes * 60 + 60))s" \
    java $jvm -cp "$out/ektp-hub.jar" "$main" --out "$out" --timeout-minutes "$minutes" "${args[@]+"${args[@]}"}"
  rc=$?
  set -e
  if ((rc == 124 || rc == 137)); then
    echo "$name: gave up: no result after $minutes min (+1 min grace); partial output above" >&2
  fi
  return "$rc"
}
