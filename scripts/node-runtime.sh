# shellcheck shell=bash
# Sourced (not run) by every script that runs Node: makes the project's Node.js the first `node` on
# PATH. A system Node that satisfies package.json's "engines" is used as it is (nothing is
# downloaded); any other (Debian 12's Node 20, say) is left alone and the official binary pinned in
# tools/node-runtime/package.json is installed once from the npm registry into
# tools/node-runtime/node_modules and put first on PATH. npm itself then runs on it too (its
# launcher is `#!/usr/bin/env node`), and node-gyp builds against that binary's own headers.
# Why a registry package and not a system install: ADR 0001.

mld_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

mld_node_fits() {
  # $1: a node binary. True when its version satisfies package.json's engines.node (">=A.B.C <D").
  # shellcheck disable=SC2016 # the single-quoted text is JavaScript, its ${…} are template literals
  "$1" -e '
    const range = require(process.argv[1]).engines.node;
    const m = /^>=(\d+)\.(\d+)(?:\.(\d+))?\s+<(\d+)$/.exec(range);
    if (!m) { console.error(`package.json engines.node must read ">=A.B.C <D", not ${range}`); process.exit(2); }
    const [a, b, c] = process.versions.node.split(".").map(Number);
    const [lo1, lo2, lo3, hi] = [m[1], m[2], m[3] ?? 0, m[4]].map(Number);
    const atLeast = a !== lo1 ? a > lo1 : b !== lo2 ? b > lo2 : c >= lo3;
    process.exit(atLeast && a < hi ? 0 : 1);
  ' "$mld_root/package.json" 2>/dev/null
}

if ! command -v node >/dev/null 2>&1 || ! mld_node_fits node; then
  case "$(uname -m)" in
    x86_64) mld_node_arch=x64 ;;
    aarch64 | arm64) mld_node_arch=arm64 ;;
    *) echo "No pinned Node.js for $(uname -m): install the Node.js that package.json's engines names." >&2; exit 1 ;;
  esac
  mld_node_dir="$mld_root/tools/node-runtime/node_modules/node-linux-$mld_node_arch"
  if [ ! -x "$mld_node_dir/bin/node" ] || ! mld_node_fits "$mld_node_dir/bin/node"; then
    command -v npm >/dev/null 2>&1 || { echo "npm is required to install the project's Node.js" >&2; exit 1; }
    echo "Node.js $(node -v 2>/dev/null || echo '(none)') does not satisfy engines $(sed -n 's/.*"node": *"\(.*\)".*/\1/p' "$mld_root/package.json" | head -1):" \
      "installing the pinned one into tools/node-runtime (once)" >&2
    (cd "$mld_root/tools/node-runtime" && npm ci --no-audit --no-fund --loglevel=error) || exit 1
    mld_node_fits "$mld_node_dir/bin/node" || { echo "tools/node-runtime does not pin a Node.js that satisfies engines" >&2; exit 1; }
  fi
  export PATH="$mld_node_dir/bin:$PATH"
  export npm_config_nodedir="$mld_node_dir"
  unset mld_node_arch mld_node_dir
fi
unset -f mld_node_fits
