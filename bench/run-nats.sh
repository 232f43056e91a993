#!/usr/bin/env bash
# Measures the NATS bridge across processes on loopback (throughput, and latency at 1,000/s and
# 10,000/s from emit on one node to the callback on another) and writes docs/BENCHMARKS-nats.md,
# plus its section "Across processes: the NATS bridge on loopback" in docs/BENCHMARKS.md.
#
#   bench/run-nats.sh          short mode: about 1.5 minutes
#   bench/run-nats.sh full     full mode: 1,000,000 events, 30 s per rate (about 3 minutes)
#
# Needs nats-server (scripts/ensure-nats-server.sh installs it; or set NATS_SERVER to a binary).
# Each measurement runs in its own JVM against its own nats-server child process and store.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-short}"
if [[ -z "${NATS_SERVER:-}" ]] && ! command -v nats-server >/dev/null \
    && [[ ! -x /usr/sbin/nats-server ]]; then
  bash scripts/ensure-nats-server.sh
fi
mvn -B -q -pl jorchestrate-bench -am package -DskipTests
java -cp jorchestrate-bench/target/benchmarks.jar \
  org.jorchestrate.bench.nats.NatsBridgeBenchmark docs "$mode"
