#!/usr/bin/env bash
# What one pair of networked ActiveMQ brokers takes on this machine (docs/scale.md): a producer on an
# edge broker in transactions of 100, a consumer on the core broker it is bridged to, both KahaDB.
#
#   bench/broker-pair-benchmark.sh                         # 20000 messages, 2 runs
#   bench/broker-pair-benchmark.sh --messages 5000 --runs 1
#
# Runs id.ektp.hub.bench.BrokerPairBenchmark from bench/target/ektp-hub-bench.jar (built when missing or
# stale, see run-driver.sh). Loopback only. The last line is
#   RESULT broker-pair accepted=<msg/s> delivered=<msg/s>
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/run-driver.sh
run_driver broker-pair-benchmark id.ektp.hub.bench.BrokerPairBenchmark bench/out/broker-pair "-Xmx1g" "" "$@"
