#!/usr/bin/env bash
# Long mode of the NATS fault tests (issue 8): two JVMs exchange 2 x 50,000 events while the
# broker is killed with SIGKILL five times (at about 15/30/45/60/75 %) and restarted on its store,
# and a receiving node killed mid-stream catches up from its durable consumer. The test command
# runs the short mode (2 x 10,000 events, 2 kills). Needs nats-server (scripts/ensure-nats-server.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-nats-server.sh
mvn -B -q -pl jorchestrate-nats -am install -DskipTests
mvn -B -pl jorchestrate-nats test -Dtest='BrokerCrashFaultTest,NodeCrashFaultTest' \
  -Djorchestrate.stress=long -Dsurefire.failIfNoSpecifiedTests=false
grep -hE '^(nats faults|node crash|  node-)' \
  jorchestrate-nats/target/surefire-reports/org.jorchestrate.nats.fault.*-output.txt || true
