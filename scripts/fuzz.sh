#!/usr/bin/env bash
# Fuzzes every Jazzer target in kwik-core for a set time each (default 5 minutes), one JVM per target
# (Jazzer fuzzes one @FuzzTest per run). New coverage goes to kwik-core/.cifuzz-corpus (not committed);
# the corpus is then copied next to the target's saved inputs (commit what is worth keeping), and
# a crashing input is written to the target's Inputs directory under src/test/resources, where ordinary
# test runs replay it: fix the bug, keep the input.
#
#   scripts/fuzz.sh [seconds-per-target] [Class#method ...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(
    FrameDecoderFuzzTest#packetBodies
    FrameDecoderFuzzTest#helloFields
    FrameDecoderFuzzTest#streamSplitIntoPackets
    JoinTicketFuzzTest#unsignedBytesAreForged
    JoinTicketFuzzTest#signedBodiesParseOrAreRefused
    ReceiveBufferFuzzTest#framesAtArbitraryOffsets
  )
fi
mvn -B -q -o -pl kwik-core test-compile >/dev/null 2>&1 || mvn -B -q -pl kwik-core test-compile
status=0
for t in "${targets[@]}"; do
  log="kwik-core/target/fuzz-${t/\#/-}.log"
  echo "== fuzzing $t for ${seconds}s (log: $log)"
  if JAZZER_FUZZ=1 mvn -B -o -pl kwik-core surefire:test -Dtest="$t" -Djazzer.max_duration="${seconds}s" \
       -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
    echo "   no finding"
  else
    echo "   FINDING or failure: see $log"
    status=1
  fi
  # libFuzzer's final statistics: executions run and coverage reached.
  grep -aE "^#[0-9]+[[:space:]]+DONE|^Done [0-9]+ runs" "$log" | sed 's/^/   /' || true
  # Keep the corpus the run grew as regression inputs (file names are content hashes, so this is idempotent).
  cls="${t%%#*}"; method="${t##*#}"
  corpus=$(ls -d kwik-core/.cifuzz-corpus/*."$cls/$method" 2>/dev/null | head -1 || true)
  inputs=$(find kwik-core/src/test/resources -type d -path "*/${cls}Inputs" | head -1)
  if [ -n "$corpus" ] && [ -n "$inputs" ]; then
    mkdir -p "$inputs/$method" && cp -n "$corpus"/* "$inputs/$method"/ 2>/dev/null || true
  fi
done
exit "$status"
