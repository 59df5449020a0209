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
exec node out-tsc/e2e/bench/run-bench.js "$@"
