#!/usr/bin/env bash
# Runs the benchmark suite against the peers and writes docs/BENCHMARKS.md with its charts.
#
#   bench/run.sh          short mode: about 10 minutes on a 2-core machine
#   bench/run.sh full     full mode: 2 forks, longer iterations (about 40 minutes)
#
# Any JMH benchmark can also be run alone, e.g.:
#   java -jar jorchestrate-bench/target/benchmarks.jar ThroughputBenchmark -p listeners=1 -prof gc
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-short}"
mvn -B -q -pl jorchestrate-bench -am package -DskipTests
java -Djava.awt.headless=true -cp jorchestrate-bench/target/benchmarks.jar \
  org.jorchestrate.bench.Suite docs "$mode"
