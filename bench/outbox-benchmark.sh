#!/usr/bin/env bash
# ACROSS benchmark: messages per second the hub relays from its outbox to the ministry broker (persistent,
# 1 KiB JSON), against the same broker's own producer in the same run. See docs/benchmark.md,
# section "Outbox → ministry broker".
#
#   bench/outbox-benchmark.sh                      # 5000 messages, 2 runs on disk + 2 on /dev/shm, JFR profile
#   bench/outbox-benchmark.sh --messages 5000 --runs 1 --no-tmpfs --no-profile
#   bench/outbox-benchmark.sh --build ...          # rebuild the jars first
#
# Options other than --build go to id.ektp.hub.bench.OutboxBenchmark (--help lists them), which runs from
# bench/target/ektp-hub-bench.jar (built when missing or stale, see run-driver.sh), with the hub in the same JVM.
# Results: <out>/results.md (default bench/out/outbox/results.md); the profile in <out>/hub-relay-profile.txt
# and <out>/hub-relay.jfr (`jfr summary`, `jfr print --events jdk.ExecutionSample`). Traffic stays on 127.0.0.1.
# Gives up after 15 minutes (--timeout-minutes), printing what it measured so far. The last line is
#   RESULT outbox hub=<msg/s> sync=<msg/s> tx100=<msg/s> ratio_tx100=<hub/tx100>
# (means over the disk runs: the hub, the broker's own synchronous producer, its producer in transactions of 100).
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/run-driver.sh
run_driver outbox-benchmark id.ektp.hub.bench.OutboxBenchmark bench/out/outbox "-Xms1g -Xmx2g" "" "$@"
