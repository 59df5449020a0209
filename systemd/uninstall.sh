#!/usr/bin/env bash
# Removes the MediaLive Distributor systemd service installed by systemd/install.sh: stops and
# disables the unit, removes it and PREFIX. Keeps the data (database, JWT key), the env file and
# the system user unless --purge is given.
# Guide: docs/deploy-systemd.md
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: systemd/uninstall.sh [options]
  --prefix DIR       installed service (default /opt/medialive-distributor)
  --data-dir DIR     data directory (default /var/lib/medialive-distributor), removed only with --purge
  --config-dir DIR   env file directory (default /etc/medialive-distributor), removed only with --purge
  --user NAME        system user (default medialive), removed only with --purge
  --purge            also delete the data directory (the embedded database!), env file and user
  --dry-run          print what would be done, change nothing
  -h, --help         this text
USAGE
}

prefix=/opt/medialive-distributor
data_dir=/var/lib/medialive-distributor
config_dir=/etc/medialive-distributor
service_user=medialive
purge=no
dry_run=no
unit_name=medialive-distributor.service
unit_file=/etc/systemd/system/$unit_name

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
    --purge) purge=yes; shift ;;
    --dry-run) dry_run=yes; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

die() { echo "uninstall.sh: $*" >&2; exit 1; }
run() {
  echo "+ $*"
  if [ "$dry_run" = no ]; then "$@"; fi
}

for path in "$prefix" "$data_dir" "$config_dir"; do
  [[ "$path" =~ ^/[A-Za-z0-9._/+-]*$ ]] || die "paths must be absolute and plain (got \"$path\")"
  [ "$path" != / ] || die "refusing to remove /"
done
[ "$dry_run" = yes ] || [ "$(id -u)" = 0 ] || die "run as root (sudo), or use --dry-run"

if command -v systemctl >/dev/null 2>&1; then
  # Stopping first: the service shuts its pipelines and embedded PostgreSQL down cleanly.
  if systemctl is-active --quiet "$unit_name"; then run systemctl stop "$unit_name"; fi
  if systemctl is-enabled --quiet "$unit_name" 2>/dev/null; then run systemctl disable "$unit_name"; fi
fi
if [ -e "$unit_file" ]; then run rm -f "$unit_file"; fi
if command -v systemctl >/dev/null 2>&1; then run systemctl daemon-reload; fi
if [ -d "$prefix" ]; then run rm -rf "$prefix"; fi

if [ "$purge" = yes ]; then
  if [ -d "$data_dir" ]; then run rm -rf "$data_dir"; fi
  if [ -d "$config_dir" ]; then run rm -rf "$config_dir"; fi
  if id -u "$service_user" >/dev/null 2>&1; then run userdel "$service_user"; fi
  echo "Removed the service, its data, its configuration and user $service_user."
else
  echo "Removed the service. Kept: $data_dir (data), $config_dir (configuration), user $service_user."
  echo "Delete them too with: $0 --purge"
fi
