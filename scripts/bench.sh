#!/usr/bin/env bash
# `npm run bench -- [options]`: builds what the benchmark needs (libraries, the API, the e2e
# harness), then measures the service against bare srt-live-transmit relays on this machine.
# Options and how to read the output: docs/benchmark.md. BENCH_SKIP_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
  # Build output goes to stderr so stdout carries only the benchmark's report.
  bash scripts/nx.sh run-many -t build -p contracts mpegts supervisor dataplane api --output-style=static >&2
  npx tsc -b e2e/tsconfig.json >&2
fi
# `npm run bench -- --micro NAME [options]`: one of the data plane's micro-benchmarks instead
# (libs/dataplane/src/bench/NAME-bench.ts), e.g. slate, ad-markers, whip-ingest.
if [ "${1:-}" = "--micro" ]; then
  name="${2:-}"
  case "$name" in
    *[!a-z0-9-]* | "")
      names=""
      for f in libs/dataplane/src/bench/*-bench.ts; do names="$names $(basename "$f" -bench.ts)"; done
      echo "--micro needs a name (letters, digits, -): one of$names" >&2
      exit 2 ;;
  esac
  script="libs/dataplane/dist/bench/${name}-bench.js"
  [ -f "$script" ] || { echo "no micro-benchmark \"$name\" ($script)" >&2; exit 2; }
  exec node "$script" "${@:3}"
fi
# `npm run bench -- --cluster [--kills 10] [--lease-ttl 5000]`: three nodes on one PostgreSQL — takeover
# after kill -9, drain gaps, the idle cost of cluster state (e2e/src/bench/run-cluster.ts).
if [ "${1:-}" = "--cluster" ]; then exec node out-tsc/e2e/bench/run-cluster.js "${@:2}"; fi
exec node out-tsc/e2e/bench/run-bench.js "$@"
