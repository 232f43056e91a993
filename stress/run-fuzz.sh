#!/usr/bin/env bash
# Coverage-guided fuzzing with Jazzer (issue 7) of the events module and of the NATS bridge's
# envelope decoding. The test command runs each fuzz test only on its saved inputs (regression
# mode); this script fuzzes each target for real, one JVM per target and round, each round lasting
# the maxDuration of its @FuzzTest (60 s).
# Jazzer 0.24 takes the duration from the annotation only (there is no jazzer.max_duration
# property to override it), so a longer campaign is several rounds; each round starts from the
# corpus the previous ones grew.
#
#   stress/run-fuzz.sh                  # every target, 1 round of 60 s
#   stress/run-fuzz.sh 5                # every target, 5 rounds: 5 minutes each, before a release
#   stress/run-fuzz.sh 1 'EmitFuzzTest#emit_map_matchesTheModel'   # one target
#
# Each target runs in the module whose src/test/java holds its class. A finding stops its target
# and is written as crash-<sha1> next to the saved inputs, in
# <module>/src/test/resources/<package>/<Class>Inputs/<method>/ (for example
# jorchestrate-events/src/test/resources/org/jorchestrate/events/fuzz/EmitFuzzTestInputs/...);
# from then on the test command replays it. Fix the bug, keep the file as a regression input.
# The growing corpus lives in <module>/.cifuzz-corpus/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(
  'EmitFuzzTest#emit_keyValues_matchTheModel'
  'EmitFuzzTest#emit_map_matchesTheModel'
  'ListenerBindingFuzzTest#listener_bindsOrRejects_andInvokesExactlyWhenValuesFit'
  'ApiSequenceFuzzTest#sequence_matchesTheModel'
  'EnvelopeDecodingFuzzTest#decode_neverThrowsAnythingElse'
  'EnvelopeDecodingFuzzTest#structured_validEnvelopesRoundTrip'
)
rounds="${1:-1}"
if [[ $# -ge 2 ]]; then
  targets=("$2")
fi

# The module of a target: the one whose test sources hold its class.
module_of() {
  local file
  file=$(find jorchestrate-*/src/test/java -name "${1%%#*}.java" -print -quit)
  if [[ -z "$file" ]]; then
    echo "No fuzz test class ${1%%#*} in any module" >&2
    return 1
  fi
  echo "${file%%/*}"
}

mvn -B -q -pl jorchestrate-events,jorchestrate-nats -am install -DskipTests
failed=()
for target in "${targets[@]}"; do
  module=$(module_of "$target")
  for ((round = 1; round <= rounds; round++)); do
    echo "== fuzzing $target in $module (round $round of $rounds)"
    # Callback failures are expected by the targets and logged by the engine; at thousands of
    # executions per second their stack traces would fill the disk, so the library log is off.
    if ! JAZZER_FUZZ=1 mvn -B -q -pl "$module" test \
        -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false -Djorchestrate.fuzzOnly=true \
        -DargLine='-Xmx1g -Dorg.slf4j.simpleLogger.log.org.jorchestrate=off'; then
      failed+=("$target")
      break
    fi
  done
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "Findings (see crash-* files and surefire reports): ${failed[*]}" >&2
  exit 1
fi
echo "No findings."
