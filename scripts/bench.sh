#!/usr/bin/env bash
# The benchmark suite: builds, runs every benchmark that can run here, and writes
# kwik-benchmarks/target/bench/results.json (one object per suite) and results.md (their tables).
# A part that cannot run says why; the rest still runs.
#
#   scripts/bench.sh           full: medians of 5 runs (about 30 minutes)
#   scripts/bench.sh --quick   shorter runs for routine checks (under 5 minutes)
set -uo pipefail
cd "$(dirname "$0")/.."
quick=false
[ "${1:-}" = "--quick" ] && quick=true
out=kwik-benchmarks/target/bench
rm -rf "$out" && mkdir -p "$out"

mvn -B -q -pl kwik-benchmarks -am package -DskipTests || { echo "build failed"; exit 1; }
cp="kwik-benchmarks/target/classes:$(cat kwik-benchmarks/target/classpath.txt)"
java=(java -Xmx2g -Dkwik.bench.out="$out" -cp "$cp")

run() { # name, command...
  local name="$1"; shift
  echo "== $name"
  if ! "$@" 2>&1 | tee "$out/$name.log"; then
    echo "   $name failed: see $out/$name.log"
  fi
}

if $quick; then
  run single-path "${java[@]}" dev.kwik.bench.SinglePathThroughput 64 3
  run scale "${java[@]}" -Dkwik.bench.sessions=300 -Dkwik.bench.streams=3000 dev.kwik.bench.ScaleBench 1
  run micro "${java[@]}" dev.kwik.bench.MicroBench --quick
else
  run single-path "${java[@]}" dev.kwik.bench.SinglePathThroughput 256 5
  run scale "${java[@]}" dev.kwik.bench.ScaleBench 5
  run micro "${java[@]}" dev.kwik.bench.MicroBench
fi

if [ "$(id -u)" != 0 ]; then
  echo "== multi-host suites skipped: they need root (network namespaces, tc, iptables)"
else
  echo "== multi-host suites: not part of this script yet; run the netns profile (see docs/BENCHMARKS.md)"
fi

{ echo "["; first=true; for f in "$out"/*.json; do
    $first || echo ","; first=false; cat "$f"; done; echo "]"; } > "$out/results.json"
{ echo "# KWIK benchmark results ($(date -u +%Y-%m-%d), $(nproc) cpus, $(java -version 2>&1 | head -1))"; echo
  for f in "$out"/*.md; do [ "$(basename "$f")" = results.md ] && continue; cat "$f"; echo; done; } > "$out/results.md.tmp"
mv "$out/results.md.tmp" "$out/results.md"
echo "== results: $out/results.json, $out/results.md"
cat "$out/results.md"
