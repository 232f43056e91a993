#!/usr/bin/env bash
# Full mode of the jcstress tests (issue 7): every auto-detected JVM configuration and split
# compilation, on 2 CPUs. The test command runs a quick mode of the same tests.
#   stress/run-jcstress.sh            all tests
#   stress/run-jcstress.sh -t Emit    a subset (any jcstress option can follow)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl jorchestrate-stress -am package -DskipTests
mkdir -p jorchestrate-stress/target/jcstress-full
cd jorchestrate-stress/target/jcstress-full
java -jar ../jcstress.jar -c 2 -r . "$@"
