#!/usr/bin/env bash
# `npm start`: install what is missing, build, and run the service (embedded PostgreSQL unless DATABASE_URL is set).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
bash scripts/ensure-deps.sh runtime
bash scripts/nx.sh run-many -t build -p contracts mpegts supervisor api dashboard --output-style=static
exec node --enable-source-maps dist/apps/api/main.js
