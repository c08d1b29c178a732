#!/usr/bin/env bash
# DOWN-flow benchmark: PRR records per second from one ministry batch (SFTP outbox) to the printer's
# queue/ folder, the receipt's latency to the ministry broker, and the hub's peak heap (-Xmx256m).
# See docs/benchmark.md, section "PRR batch → printer queue".
#
#   bench/prr-benchmark.sh                        # 10000 records, 2 measured runs, + a tmpfs run and a JFR run
#   bench/prr-benchmark.sh --records 2000 --runs 1 --no-tmpfs --no-profile
#   bench/prr-benchmark.sh --build ...            # rebuild the jars first
#
# Options other than --build go to id.ektp.hub.bench.PrrBenchmark (--help lists them), which runs from
# bench/target/ektp-hub-bench.jar and starts the hub from app/target/ektp-hub.jar (both built when missing
# or stale, see run-driver.sh).
# Results: <out>/results.md (default bench/out/prr/results.md); per run <out>/runs/<run>/{hub.log,gc.log,
# queue-count.csv,hub.yaml}; the profile in <out>/profile.txt and <out>/hub.jfr. Traffic stays on 127.0.0.1.
# Gives up after 15 minutes (--timeout-minutes), reporting what it measured so far.
# Each run first times the same disk writing, fsyncing and renaming N job files one by one (the baseline).
# The last line is RESULT prr records=<n> hub_s=<s> fsync_per_file_s=<s> ratio=<r> heap_peak_mib=<m>
# (ratio = fsync_per_file_s / hub_s, of the measured run with the lowest ratio; heap: the highest peak).
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/run-driver.sh
run_driver prr-benchmark id.ektp.hub.bench.PrrBenchmark bench/out/prr "-Xmx1g" --jar "$@"
