#!/usr/bin/env bash
# `npm test`: install what is missing, then lint, build and run every test tier
# (unit, integration against real PostgreSQL, end-to-end with real peers and a real browser).
# Ends with one line "N passed, N failed" adding up all suites.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
source scripts/node-runtime.sh
bash scripts/ensure-deps.sh test || exit 1
# A clean slate like CI's: tsc -b trusts stale out-tsc build info when only a path-mapped lib changed.
rm -rf test-artifacts/junit out-tsc
status=0
bash scripts/nx.sh run-many -t lint --output-style=static || status=1
bash scripts/nx.sh run-many -t build --output-style=static || status=1
if [ $status -eq 0 ]; then
  # Not cached: tests talk to real processes and must really run.
  bash scripts/nx.sh run-many -t test --skip-nx-cache --output-style=static || status=1
fi
if [ $status -eq 0 ]; then node scripts/test-summary.mjs || status=1; else node scripts/test-summary.mjs --runner-failed; status=1; fi
exit $status
