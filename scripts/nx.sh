#!/usr/bin/env bash
# Runs Nx non-interactively: no cloud prompt, no daemon, no analytics prompt.
set -euo pipefail
export NX_NO_CLOUD=true NX_DAEMON=false NX_INTERACTIVE=false NX_TUI=false NG_CLI_ANALYTICS=false NX_SKIP_NX_CACHE="${NX_SKIP_NX_CACHE:-false}"
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
exec node node_modules/nx/dist/bin/nx.js "$@"
