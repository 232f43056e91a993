#!/usr/bin/env bash
# Long mode of the stress tests (issue 7): the start/stop race loop (100,000 cycles), exact
# overflow accounting (4 producers x 250,000 per policy) and the ledger soak (10,000,000
# emissions, printing each subscription's ledger). The test command runs the short mode.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl jorchestrate-events -am install -DskipTests
# surefire:test@default-test alone: a plain `test` would run the selected tests a second time in
# the fuzz-regression execution, whose includes -Dtest overrides.
mvn -B -pl jorchestrate-events test-compile surefire:test@default-test \
  -Dtest='StartStopRaceTest,OverflowAccountingTest,LedgerSoakTest' \
  -Djorchestrate.stress=long -Dsurefire.failIfNoSpecifiedTests=false
for report in jorchestrate-events/target/surefire-reports/org.jorchestrate.events.stress.*-output.txt; do
  grep -E '^(start/stop|overflow|ledger soak|  )' "$report" || true
done
