#!/usr/bin/env bash
# The benchmark suite: builds, runs every benchmark that can run here, and writes
# kwik-benchmarks/target/bench/results.json (one object per suite) and results.md (their tables).
# A part that cannot run says why; the rest still runs. The multi-host part (network namespaces, tc, iptables,
# iperf3 under mptcpize) needs root; as root the script installs iperf3, mptcpize and iproute2 if missing.
#
#   scripts/bench.sh           full: medians of 5 runs (about 40 minutes)
#   scripts/bench.sh --quick   shorter runs for routine checks (under 5 minutes)
set -uo pipefail
cd "$(dirname "$0")/.."
quick=false
[ "${1:-}" = "--quick" ] && quick=true
out=kwik-benchmarks/target/bench
rm -rf "$out" && mkdir -p "$out"

t0=$SECONDS
mvn -B -q -pl kwik-benchmarks -am package -DskipTests || { echo "build failed"; exit 1; }
echo "== build took $((SECONDS - t0)) s"
cp="kwik-benchmarks/target/classes:$(cat kwik-benchmarks/target/classpath.txt)"
java=(java -Xmx2g -Dkwik.bench.out="$out" -cp "$cp")

run() { # name, command...
  local name="$1"; shift
  local t0=$SECONDS
  echo "== $name"
  if ! "$@" 2>&1 | tee "$out/$name.log"; then
    echo "   $name failed: see $out/$name.log"
  fi
  echo "== $name took $((SECONDS - t0)) s"
}

if $quick; then
  run single-path "${java[@]}" -Dkwik.bench.messages=50000 dev.kwik.bench.SinglePathThroughput 32 3
  run scale "${java[@]}" -Dkwik.bench.sessions=200 -Dkwik.bench.streams=2000 dev.kwik.bench.ScaleBench 1
  run micro "${java[@]}" dev.kwik.bench.MicroBench --quick
else
  run single-path "${java[@]}" dev.kwik.bench.SinglePathThroughput 256 5
  run scale "${java[@]}" dev.kwik.bench.ScaleBench 5
  run micro "${java[@]}" dev.kwik.bench.MicroBench
fi

if [ "$(id -u)" = 0 ]; then
  missing=""
  for t in iperf3 mptcpize nstat; do command -v "$t" >/dev/null || missing="$missing $t"; done
  if [ -n "$missing" ]; then
    echo "== installing iperf3, mptcpize, iproute2 (missing:$missing)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q iperf3 mptcpize iproute2 >/dev/null 2>&1 \
      || echo "   could not install them: the MPTCP comparison will say so"
  fi
fi
if $quick; then
  run multi-host "${java[@]}" dev.kwik.bench.NetBench --quick
else
  run multi-host "${java[@]}" dev.kwik.bench.NetBench
fi

{ echo "["; first=true; for f in "$out"/*.json; do
    $first || echo ","; first=false; cat "$f"; done; echo "]"; } > "$out/results.json"
{ echo "# KWIK benchmark results ($(date -u +%Y-%m-%d), $(nproc) cpus, $(java -version 2>&1 | head -1))"; echo
  for f in "$out"/*.md; do [ "$(basename "$f")" = results.md ] && continue; cat "$f"; echo; done; } > "$out/results.md.tmp"
mv "$out/results.md.tmp" "$out/results.md"
echo "== results: $out/results.json, $out/results.md"
cat "$out/results.md"
