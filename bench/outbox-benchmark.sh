#!/usr/bin/env bash
# ACROSS benchmark: messages per second the hub relays from its outbox to the ministry broker (persistent,
# 1 KiB JSON), against the same broker's own producer in the same run. See docs/benchmark.md,
# section "Outbox → ministry broker".
#
#   bench/outbox-benchmark.sh                      # 20000 messages, 2 runs on disk + 2 on /dev/shm, JFR profile
#   bench/outbox-benchmark.sh --messages 5000 --runs 1 --no-tmpfs --no-profile
#   bench/outbox-benchmark.sh --build ...          # rebuild the jars first
#
# Options other than --build go to id.ektp.hub.bench.OutboxBenchmark (--help lists them), which runs from
# bench/target/ektp-hub-bench.jar (built when missing or stale, see run-driver.sh) with the hub in its own JVM.
# Results: <out>/results.md (default bench/out/outbox/results.md); the profile in <out>/hub-relay-profile.txt
# and <out>/hub-relay.jfr (`jfr summary`, `jfr print --events jdk.ExecutionSample`). Traffic stays on 127.0.0.1.
# Gives up after 15 minutes (--timeout-minutes), printing what it measured so far.
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/run-driver.sh
run_driver outbox-benchmark id.ektp.hub.bench.OutboxBenchmark bench/out/outbox "-Xms1g -Xmx2g" "" "$@"
