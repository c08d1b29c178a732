#!/usr/bin/env bash
# Builds the hub's image from the Dockerfile and runs it, on a machine with no Docker engine and no
# image registry: Debian's podman (with runc: crun fails on some kernels' cgroups) and Debian base
# images made here with debootstrap from Debian's packages. docs/deploy.md ("Checking the image
# without Docker: podman") explains it.
#
#   sudo deploy/container/podman-check.sh
#
# 1. installs podman, runc and debootstrap if missing (apt-get, as root);
# 2. debootstraps Debian bookworm twice, a JDK + Maven base for the build stage and a Java runtime
#    base, and imports them as localhost/ektp-debian-{build,jre}:bookworm (kept in podman's store:
#    the next run skips this);
# 3. builds localhost/ektp-hub:check with them; Maven uses the host's ~/.m2 repository, mounted
#    into the build, so nothing is downloaded twice;
# 4. starts the image's `sandbox` (the hub with embedded SFTP servers, broker and simulators, all
#    on 127.0.0.1, so the container shares the host's network: --network host) and waits for
#    /observe/health/ready; checks that the hub runs as uid 10001, not root; stops it;
# 5. starts the image's `run` command on the configuration the sandbox wrote (its peers now gone:
#    the hub retries them, which does not keep it from being ready), waits for ready, checks the
#    uid, and checks that `podman stop` ends it gracefully: exit code 0, "stopped gracefully".
#
# Everything listens on 127.0.0.1 only. The last line sums it up:
#   RESULT container build_s=<s> ready_s=<s> stop_exit=<code> user=<uid>
# Environment: EKTP_PODMAN_WORK (work folder, default /var/tmp/ektp-podman-check), DEBIAN_MIRROR,
# READY_TIMEOUT (seconds, default 180), EKTP_REBUILD_BASES=1 (debootstrap again).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${EKTP_PODMAN_WORK:-/var/tmp/ektp-podman-check}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
READY_TIMEOUT=${READY_TIMEOUT:-180}
SUITE=bookworm
BUILD_BASE=localhost/ektp-debian-build:$SUITE
RUNTIME_BASE=localhost/ektp-debian-jre:$SUITE
IMAGE=localhost/ektp-hub:check
NAME=ektp-hub-check
HUB_UID=10001
READY_URL=http://127.0.0.1:8080/observe/health/ready
SANDBOX_DIR=/var/lib/ektp-hub/sandbox-run

say() { printf '[podman-check %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
phase_start=0
phase() { phase_start=$(date +%s); say "== $*"; }
phase_took() { local s=$(( $(date +%s) - phase_start )); say "   took ${s}s"; echo "$s"; }

# --- 1. tools -----------------------------------------------------------------------------------
phase "tools"
missing=()
for tool in podman runc debootstrap; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || fail "${missing[*]} missing; run as root, or: sudo apt-get install podman runc debootstrap"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap
fi
[ "$(id -u)" = 0 ] || fail "run as root: debootstrap and the uid check need it"
install -d -m 700 "$WORK"
# This kernel refuses the default rlimits podman asks for and crun its cgroups: no default
# ulimits (the runs below give their own), and runc.
cat > "$WORK/containers.conf" <<'EOF'
[containers]
default_ulimits = []

[engine]
runtime = "runc"
EOF
export CONTAINERS_CONF="$WORK/containers.conf"
PODMAN=(podman --runtime runc)
if ! "${PODMAN[@]}" info >/dev/null 2>"$WORK/podman-info.err"; then
  say "podman info failed with the default storage ($(head -c 300 "$WORK/podman-info.err")); using vfs"
  PODMAN+=(--storage-driver vfs)
  "${PODMAN[@]}" info >/dev/null || fail "podman does not work here, even with vfs storage"
fi
RUN_LIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
tools_s=$(phase_took)

# --- 2. Debian base images ----------------------------------------------------------------------
base_image() { # image packages
  local image=$1 packages=$2 dir="$WORK/rootfs-${1##*/}"
  dir=${dir%%:*}
  if [ "${EKTP_REBUILD_BASES:-0}" != 1 ] && "${PODMAN[@]}" image exists "$image"; then
    say "$image is in podman's store already"
    return
  fi
  rm -rf "$dir"
  say "debootstrap $SUITE into $dir ($packages)"
  debootstrap --variant=minbase --include="$packages" "$SUITE" "$dir" "$MIRROR" > "$dir.log" 2>&1 \
    || fail "debootstrap for $image (see $dir.log)"
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar -C "$dir" -c . | "${PODMAN[@]}" import -q \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
  rm -rf "$dir"
}
phase "base images"
# passwd: the runtime stage's groupadd/useradd (minbase has it, named here so it stays so).
base_image "$BUILD_BASE" openjdk-17-jdk-headless,maven,ca-certificates
base_image "$RUNTIME_BASE" openjdk-17-jre-headless,curl,ca-certificates,passwd
bases_s=$(phase_took)

# --- 3. the hub's image -------------------------------------------------------------------------
phase "image build"
M2=${M2_REPO:-$HOME/.m2/repository}
install -d "$M2"
# --network host: the build reaches Maven Central as the host does (no bridge needed here).
"${PODMAN[@]}" build --network host \
  --build-arg BUILD_IMAGE="$BUILD_BASE" --build-arg RUNTIME_IMAGE="$RUNTIME_BASE" \
  -v "$M2:/m2repo" --build-arg MAVEN_ARGS="-Dmaven.repo.local=/m2repo" \
  -t "$IMAGE" -f "$REPO/Dockerfile" "$REPO" > "$WORK/build.log" 2>&1 \
  || { tail -n 40 "$WORK/build.log" >&2; fail "image build (whole log: $WORK/build.log)"; }
build_s=$(phase_took)

# --- 4. and 5. run it ---------------------------------------------------------------------------
cleanup() { "${PODMAN[@]}" rm -f "$NAME" >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
if curl -fsS -o /dev/null --max-time 2 "$READY_URL" 2>/dev/null; then
  fail "something already answers on $READY_URL; stop it first"
fi
RUN_DIR="$WORK/sandbox-run"
rm -rf "$RUN_DIR"
install -d -m 700 -o "$HUB_UID" -g "$HUB_UID" "$RUN_DIR"

start() { # command args...
  "${PODMAN[@]}" run -d --name "$NAME" "${RUN_LIMITS[@]}" --network host \
    -v "$RUN_DIR:$SANDBOX_DIR" "$IMAGE" "$@" >/dev/null
}
wait_ready() {
  local deadline=$(( $(date +%s) + READY_TIMEOUT ))
  until curl -fsS -o /dev/null --max-time 5 "$READY_URL" 2>/dev/null; do
    if [ "$("${PODMAN[@]}" inspect -f '{{.State.Running}}' "$NAME")" != true ]; then
      "${PODMAN[@]}" logs "$NAME" 2>&1 | tail -n 40 >&2; fail "the hub's container ended before it was ready"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || { "${PODMAN[@]}" logs "$NAME" 2>&1 | tail -n 40 >&2; fail "not ready within ${READY_TIMEOUT}s"; }
    sleep 2
  done
}
# The hub is the container's pid 1 (ENTRYPOINT in exec form); a `podman exec` runs as the image's
# USER whatever the hub runs as, so ask the hub's own process, inside and on the host.
hub_uid() {
  local inside host_pid
  inside=$("${PODMAN[@]}" exec "$NAME" stat -c %u /proc/1)
  host_pid=$("${PODMAN[@]}" inspect -f '{{.State.Pid}}' "$NAME")
  [ "$inside" = "$(stat -c %u "/proc/$host_pid")" ] || fail "uid inside ($inside) and on the host differ"
  [ "$inside" = "$HUB_UID" ] || fail "the hub runs as uid $inside, not $HUB_UID"
  echo "$inside"
}
stop_exit() {
  "${PODMAN[@]}" stop -t 40 "$NAME" >/dev/null
  "${PODMAN[@]}" inspect -f '{{.State.ExitCode}}' "$NAME"
}

phase "sandbox: start until ready"
start sandbox --dir "$SANDBOX_DIR"
wait_ready
sandbox_ready_s=$(phase_took)
sandbox_uid=$(hub_uid)
say "   the sandbox's hub runs as uid $sandbox_uid"
phase "sandbox: stop"
# The sandbox leaves SIGTERM to the JVM (exit 143); only `run` handles it (exit 0).
sandbox_exit=$(stop_exit)
say "   exit code $sandbox_exit"
phase_took >/dev/null
"${PODMAN[@]}" rm "$NAME" >/dev/null

phase "run (the image's production command) on the sandbox's configuration: start until ready"
start run --config "$SANDBOX_DIR/config/sandbox.yaml"
wait_ready
ready_s=$(phase_took)
user=$(hub_uid)
say "   the hub runs as uid $user"
phase "run: podman stop -t 40"
exit_code=$(stop_exit)
stop_s=$(phase_took)
"${PODMAN[@]}" logs "$NAME" > "$WORK/run.log" 2>&1
grep -q "stopped gracefully" "$WORK/run.log" || { tail -n 20 "$WORK/run.log" >&2; fail "no 'stopped gracefully' in the log"; }
[ "$exit_code" = 0 ] || { tail -n 20 "$WORK/run.log" >&2; fail "exit code $exit_code after podman stop, not 0"; }
say "   exit code 0 after ${stop_s}s, log says: $(grep -o 'ektp-hub for .* stopped gracefully' "$WORK/run.log" | tail -n 1)"

say "tools ${tools_s}s, bases ${bases_s}s, build ${build_s}s, sandbox ready ${sandbox_ready_s}s (exit $sandbox_exit on stop), run ready ${ready_s}s, stop ${stop_s}s"
echo "RESULT container build_s=$build_s ready_s=$ready_s stop_exit=$exit_code user=$user"
