#!/usr/bin/env bash
# `npm run soak -- --minutes 30 [--seed N] [--fault-every SECONDS]`: builds the service and the e2e
# harness, then runs e2e/src/soak/run-soak.ts under a hard time limit (minutes + 5). Not part of CI;
# what it does and how to read it: docs/soak.md. SOAK_SKIP_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
minutes=30
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = "--minutes" ]; then minutes="${args[$((i + 1))]}"; fi
done
if [ "${SOAK_SKIP_BUILD:-0}" != "1" ]; then
  bash scripts/nx.sh run-many -t build -p contracts mpegts supervisor dataplane api --output-style=static >&2
  npx tsc -b e2e/tsconfig.json >&2
fi
# The runner and everything it starts die with this script (pdeathsig), and at the latest here.
exec timeout --kill-after=30 "$(( (minutes + 5) * 60 ))" setpriv --pdeathsig KILL node out-tsc/e2e/soak/run-soak.js "$@"
