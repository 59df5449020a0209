#!/usr/bin/env bash
# Installs MediaLive Distributor as a systemd service on Debian, from this checkout:
# Debian packages (ffmpeg, srt-tools, util-linux), the build (the same commands as CI and
# `npm start`), the runtime tree in PREFIX (built API + dashboard, workspace libs, production
# dependencies only), a system user, the data directory, /etc/medialive-distributor/env (never
# overwritten) and the unit, then enables and starts it. Run it again to upgrade.
# Prerequisite: Node.js and npm of any version. The service runs on the Node.js that package.json's
# engines names (24 LTS): the system's when it fits, otherwise the pinned official binary
# (scripts/node-runtime.sh), which is then installed into PREFIX/node with the service.
# Guide: docs/deploy-systemd.md
set -euo pipefail
umask 022

usage() {
  cat <<'USAGE'
Usage: systemd/install.sh [options]
  --prefix DIR       where the service is installed (default /opt/medialive-distributor)
  --data-dir DIR     DATA_DIR: embedded PostgreSQL, JWT key, initial admin password
                     (default /var/lib/medialive-distributor)
  --config-dir DIR   where the env file goes (default /etc/medialive-distributor)
  --user NAME        system user the service runs as (default medialive)
  --skip-build       use the artefacts already built in this checkout (dist/, libs/*/dist)
  --no-start         install and enable, but do not start (or restart) the service
  --stage-only       only stage the runtime tree into PREFIX from already-built artefacts, with the
                     env file in PREFIX/etc/medialive-distributor and the unit in
                     PREFIX/etc/systemd/system: no root, apt, useradd or systemctl (used by CI)
  --dry-run          print what would be done, change nothing
  -h, --help         this text
USAGE
}

repo=$(cd "$(dirname "$0")/.." && pwd)
prefix=/opt/medialive-distributor
data_dir=/var/lib/medialive-distributor
config_dir=
service_user=medialive
build=yes
start=yes
stage_only=no
dry_run=no

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a directory}"; shift 2 ;;
    --prefix=*) prefix="${1#*=}"; shift ;;
    --data-dir) data_dir="${2:?--data-dir needs a directory}"; shift 2 ;;
    --data-dir=*) data_dir="${1#*=}"; shift ;;
    --config-dir) config_dir="${2:?--config-dir needs a directory}"; shift 2 ;;
    --config-dir=*) config_dir="${1#*=}"; shift ;;
    --user) service_user="${2:?--user needs a name}"; shift 2 ;;
    --user=*) service_user="${1#*=}"; shift ;;
    --skip-build) build=no; shift ;;
    --no-start) start=no; shift ;;
    --stage-only) stage_only=yes; build=no; start=no; shift ;;
    --dry-run) dry_run=yes; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

unit_dir=/etc/systemd/system
if [ "$stage_only" = yes ]; then
  config_dir="${config_dir:-$prefix/etc/medialive-distributor}"
  unit_dir="$prefix/etc/systemd/system"
fi
config_dir="${config_dir:-/etc/medialive-distributor}"
env_file="$config_dir/env"
unit_name=medialive-distributor.service

die() { echo "install.sh: $*" >&2; exit 1; }

# The paths end up in the unit file and the env file: keep them plain.
for path in "$prefix" "$data_dir" "$config_dir"; do
  [[ "$path" =~ ^/[A-Za-z0-9._/+-]*$ ]] || die "paths must be absolute and contain only letters, digits and ._/+- (got \"$path\")"
done
[[ "$service_user" =~ ^[a-z_][a-z0-9_-]*$ ]] || die "invalid user name \"$service_user\""

# Prints the command; runs it unless --dry-run.
run() {
  echo "+ $*"
  if [ "$dry_run" = no ]; then "$@"; fi
}

step() { echo "==> $*"; }

# --- prerequisites -----------------------------------------------------------------------------
command -v npm >/dev/null 2>&1 || die "npm is required (with any Node.js): install it first (see docs/deploy-systemd.md)"
# The project's Node.js first on PATH: the build and `npm ci` below run on what the service runs on.
# shellcheck source=scripts/node-runtime.sh
source "$repo/scripts/node-runtime.sh"
node_bin=$(readlink -f "$(command -v node)")
# The pinned binary lives in this checkout: it is copied into the runtime tree, and the unit runs that copy.
bundled_node=no
case "$node_bin" in "$repo"/tools/node-runtime/*) bundled_node=yes ;; esac
if [ "$bundled_node" = yes ]; then
  unit_node="$prefix/node/bin/node"
else
  unit_node=$node_bin
  if [ "$stage_only" = no ]; then
    case "$node_bin" in
      /home/* | /root/*) die "node is at $node_bin, inside a home directory that the unit's ProtectHome=yes hides: install Node.js system-wide (e.g. /usr/bin/node)" ;;
    esac
  fi
fi
echo "Node.js $(node -v) ($node_bin$([ "$bundled_node" = yes ] && echo ", installed as $unit_node"))"

if [ "$stage_only" = no ] && [ "$dry_run" = no ] && [ "$(id -u)" != 0 ]; then
  die "run as root (sudo), or use --stage-only / --dry-run"
fi

if [ "$stage_only" = no ]; then
  step "Debian packages"
  missing=()
  for entry in ffmpeg:ffmpeg srt-live-transmit:srt-tools setpriv:util-linux; do
    command -v "${entry%%:*}" >/dev/null 2>&1 || missing+=("${entry##*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get: install them yourself"
    export DEBIAN_FRONTEND=noninteractive
    run apt-get update -qq
    run apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "ffmpeg, srt-live-transmit and setpriv are present"
  fi
fi

# --- build -------------------------------------------------------------------------------------
cd "$repo"
if [ "$build" = yes ]; then
  step "Build (as CI and npm start do)"
  run npm ci --no-audit --no-fund --loglevel=error
  run bash scripts/nx.sh run-many -t build -p contracts mpegts supervisor api dashboard --output-style=static
fi

if [ "$dry_run" = no ]; then
  for artefact in dist/apps/api/main.js dist/apps/dashboard/browser/index.html; do
    [ -f "$artefact" ] || die "$artefact is missing: build first (omit --skip-build/--stage-only, or run npm run build)"
  done
fi

# --- runtime tree ------------------------------------------------------------------------------
step "Runtime tree in $prefix"
staging="$prefix/.staging"
run mkdir -p "$prefix"
run chmod 0755 "$prefix"
run rm -rf "$staging"
run mkdir -p "$staging/dist/apps/dashboard"
run cp -a package.json package-lock.json README.md .env.example "$staging/"
run cp -a dist/apps/api "$staging/dist/apps/api"
run cp -a dist/apps/dashboard/browser "$staging/dist/apps/dashboard/browser"
# Every workspace manifest (npm ci needs them all); the dist of each lib that was built (the API's
# dependencies always are: Nx builds them first).
for lib in libs/*/; do
  run mkdir -p "$staging/$lib"
  run cp -a "${lib}package.json" "$staging/$lib"
  if [ -d "${lib}dist" ]; then run cp -a "${lib}dist" "$staging/$lib"; fi
done
if [ "$dry_run" = no ]; then find "$staging" -name .tsbuildinfo -delete; fi
runtime_items=(package.json package-lock.json README.md .env.example dist libs node_modules)
if [ "$bundled_node" = yes ]; then
  run install -D -m 0755 "$node_bin" "$staging/node/bin/node"
  runtime_items+=(node)
fi
# Production dependencies only; node_modules/@mld/* become links to ../../libs/*.
echo "+ (cd $staging && npm ci --omit=dev --no-audit --no-fund --loglevel=error --prefer-offline)"
if [ "$dry_run" = no ]; then
  (cd "$staging" && npm ci --omit=dev --no-audit --no-fund --loglevel=error --prefer-offline)
fi
# Swap in the new tree item by item; a running service is restarted right after.
for item in "${runtime_items[@]}"; do
  run rm -rf "${prefix:?}/$item"
  run mv "$staging/$item" "$prefix/$item"
done
run rmdir "$staging"

# --- user and data directory -------------------------------------------------------------------
if [ "$stage_only" = no ]; then
  step "System user $service_user and $data_dir"
  if ! id -u "$service_user" >/dev/null 2>&1; then
    run useradd --system --user-group --home-dir "$data_dir" --no-create-home --shell /usr/sbin/nologin "$service_user"
  fi
  run install -d -m 0750 -o "$service_user" -g "$service_user" "$data_dir"
fi

# --- env file (never overwritten) --------------------------------------------------------------
step "Environment file $env_file"
if [ -e "$env_file" ]; then
  echo "$env_file exists: kept as it is (compare it with $prefix/.env.example after upgrades)"
else
  run mkdir -p "$config_dir"
  echo "+ write $env_file from .env.example (DATA_DIR=$data_dir, DASHBOARD_DIR=$prefix/dist/apps/dashboard/browser), mode 0640"
  if [ "$dry_run" = no ]; then
    tmp_env=$(mktemp)
    {
      echo "# Generated by systemd/install.sh from .env.example; edit, then: systemctl restart ${unit_name%.service}"
      echo "# Every variable: $prefix/README.md (Configuration). Secrets belong here, not in the unit."
      sed -e "s|^DATA_DIR=.*|DATA_DIR=$data_dir|" \
          -e "s|^DASHBOARD_DIR=.*|DASHBOARD_DIR=$prefix/dist/apps/dashboard/browser|" \
          -e '1,/^[^#]/{/^#/d}' \
          .env.example
    } >"$tmp_env"
    if [ "$stage_only" = yes ]; then
      install -m 0640 "$tmp_env" "$env_file"
    else
      install -m 0640 -o root -g "$service_user" "$tmp_env" "$env_file"
    fi
    rm -f "$tmp_env"
  fi
fi

# --- unit --------------------------------------------------------------------------------------
step "Unit $unit_dir/$unit_name"
run mkdir -p "$unit_dir"
echo "+ render systemd/$unit_name (prefix, data dir, env file, user, $unit_node) into $unit_dir/$unit_name"
if [ "$dry_run" = no ]; then
  tmp_unit=$(mktemp)
  # Defaults to markers first, markers to values second: a value can never be rewritten again.
  sed -e "s|/opt/medialive-distributor|@@PREFIX@@|g" \
      -e "s|/etc/medialive-distributor/env|@@ENV_FILE@@|g" \
      -e "s|/var/lib/medialive-distributor|@@DATA_DIR@@|g" \
      -e "s|^ExecStart=/usr/bin/node |ExecStart=@@NODE@@ |" \
      -e "s|^User=medialive$|User=@@USER@@|" \
      -e "s|^Group=medialive$|Group=@@USER@@|" \
      -e "s|@@PREFIX@@|$prefix|g" \
      -e "s|@@ENV_FILE@@|$env_file|g" \
      -e "s|@@DATA_DIR@@|$data_dir|g" \
      -e "s|@@NODE@@|$unit_node|g" \
      -e "s|@@USER@@|$service_user|g" \
      "systemd/$unit_name" >"$tmp_unit"
  install -m 0644 "$tmp_unit" "$unit_dir/$unit_name"
  rm -f "$tmp_unit"
fi

if [ "$stage_only" = yes ]; then
  if [ "$dry_run" = yes ]; then echo "Dry run: nothing was changed."; else echo "Staged into $prefix (env file $env_file, unit $unit_dir/$unit_name)."; fi
  exit 0
fi

# --- enable and start --------------------------------------------------------------------------
step "systemd"
run systemctl daemon-reload
run systemctl enable "$unit_name"
if [ "$start" = no ]; then
  echo "Enabled, not started: systemctl start ${unit_name%.service}"
elif [ "$dry_run" = no ] && systemctl is-active --quiet "$unit_name" 2>/dev/null; then
  run systemctl restart "$unit_name"
else
  run systemctl start "$unit_name"
fi
if [ "$dry_run" = yes ]; then
  echo "Dry run: nothing was changed."
  exit 0
fi
port=$(sed -n 's/^PORT=//p' "$env_file" 2>/dev/null | tail -n 1 || true)
cat <<DONE
Installed. Dashboard and API: http://<this-host>:${port:-8000}
Logs: journalctl -u ${unit_name%.service} -f
First start without ADMIN_PASSWORD: the generated admin password is in $data_dir/initial-admin-password
DONE
