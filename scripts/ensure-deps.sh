#!/usr/bin/env bash
# Installs what the project needs, idempotently: npm dependencies (npm ci when node_modules is
# missing or older than package-lock.json) and Debian packages (apt-get, only when running as root).
# Usage: scripts/ensure-deps.sh runtime|test
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-runtime}"

source scripts/node-runtime.sh

# command-to-check:debian-package
runtime_tools=("ffmpeg:ffmpeg" "ffprobe:ffmpeg" "srt-live-transmit:srt-tools" "setpriv:util-linux")
test_tools=("nginx:nginx-light" "chromium:chromium" "shellcheck:shellcheck")
test_files=("/usr/lib/nginx/modules/ngx_rtmp_module.so:libnginx-mod-rtmp")

missing=()
for entry in "${runtime_tools[@]}"; do command -v "${entry%%:*}" >/dev/null 2>&1 || missing+=("${entry##*:}"); done
if [ "$profile" = "test" ]; then
  for entry in "${test_tools[@]}"; do command -v "${entry%%:*}" >/dev/null 2>&1 || missing+=("${entry##*:}"); done
  for entry in "${test_files[@]}"; do [ -e "${entry%%:*}" ] || missing+=("${entry##*:}"); done
fi
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
    if [ "$profile" = "test" ]; then exit 1; fi
    echo "Continuing: the API and dashboard work, but channels cannot stream until they are installed." >&2
  fi
fi

# node_modules/.node-version: the Node.js that installed node_modules; another one reinstalls
# (install scripts and native addons ran under it).
node_version=$(node -p process.versions.node)
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
  || [ "$(cat node_modules/.node-version 2>/dev/null)" != "$node_version" ]; then
  echo "Installing npm dependencies (npm ci) with Node.js $node_version"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$node_version" > node_modules/.node-version
fi
