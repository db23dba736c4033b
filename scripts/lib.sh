# Shared helpers for start.sh and test.sh (sourced, not run).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '\033[1m[%s]\033[0m %s\n' "$(basename "$0")" "$*"; }
die() { printf '[%s] error: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

# Node 24 comes from the `node` devDependency (the machine's own node may be older); npm scripts and
# these scripts put node_modules/.bin first on PATH.
install_node_modules() {
  command -v npm >/dev/null || die "npm is missing: install Node.js (any version >= 18; Node 24 is installed from npm)"
  local stamp=node_modules/.install-stamp
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    log "installing dependencies (npm install from the lockfile)"
    # Not `npm ci`: this registry serves no other-platform optional binaries (@swc/core-darwin-*...), so
    # the lockfile lacks them and npm ci refuses it; npm install keeps the locked versions all the same.
    npm install --no-audit --no-fund --loglevel=error
    touch "$stamp"
  fi
  export PATH="$ROOT/node_modules/.bin:$PATH"
  node -e 'if (+process.versions.node.split(".")[0] < 24) { console.error("node " + process.version + " found; expected the node@24 devDependency"); process.exit(1) }' \
    || die "node_modules/.bin/node is not Node 24: run npm ci again"
}

apt_install() {
  command -v apt-get >/dev/null || return 1
  log "installing $* with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

have_pg_binaries() { command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
