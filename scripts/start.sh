#!/usr/bin/env bash
# The start command: installs dependencies, then
#  - full mode (PostgreSQL and Redis answer, DATABASE_URL/REDIS_URL are set, or MPB_MODE=full): makes
#    PostgreSQL and Redis available (starts or apt-installs local ones), runs migrations and starts the api
#    (port 3000) and one worker;
#  - embedded mode (neither server answers and none is configured, or MPB_MODE=embedded): one process with
#    an in-process PostgreSQL (PGlite, data in .data/embedded) and no Redis.
# Ctrl-C stops everything.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

install_node_modules

# Configuration: config/config.yaml from the example, secrets generated once into .env.
[ -f config/config.yaml ] || { cp config/config.example.yaml config/config.yaml; log "created config/config.yaml from the example"; }
if [ ! -f .env ]; then
  printf 'JWT_SECRET=%s\n' "$(node -e 'console.log(require("crypto").randomBytes(48).toString("base64url"))')" > .env
  chmod 600 .env
  log "generated a JWT secret in .env"
fi
set -a; source .env; set +a

db_host_port() { node -e 'const u=new URL(process.argv[1]); console.log(`${u.hostname} ${u.port||5432}`)' "$1"; }
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

if [ -z "${MPB_MODE:-}" ]; then
  if [ -n "${DATABASE_URL:-}${REDIS_URL:-}" ] || port_open 127.0.0.1 5432 || port_open 127.0.0.1 6379; then
    MPB_MODE=full
  else
    MPB_MODE=embedded
  fi
fi
export MPB_MODE
if [ "$MPB_MODE" = embedded ]; then
  log "no PostgreSQL or Redis found or configured: embedded mode (one process; MPB_MODE=full ./scripts/start.sh installs and uses the servers)"
  log "building"; npm run --silent build
  # The api process runs the worker too; it migrates on start. exec: Ctrl-C reaches it directly.
  export NODE_OPTIONS="${NODE_OPTIONS:---max-semi-space-size=16}"
  exec node dist/apps/api/src/main.js
fi

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/manus_gateway}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

ensure_postgres() {
  read -r host port < <(db_host_port "$DATABASE_URL")
  if ! port_open "$host" "$port"; then
    [ "$host" = 127.0.0.1 ] || [ "$host" = localhost ] || die "PostgreSQL at $host:$port is unreachable"
    if ! have_pg_binaries; then
      apt_install postgresql || die "PostgreSQL is not running and cannot be installed: install it or set DATABASE_URL"
      fresh_pg=1
    fi
    if command -v pg_ctlcluster >/dev/null && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
      log "starting the system PostgreSQL cluster"
      as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -n | tail -1)" main start || true
    fi
    for _ in $(seq 1 50); do port_open "$host" "$port" && break; sleep 0.2; done
    port_open "$host" "$port" || die "PostgreSQL did not come up on $host:$port"
    if [ "${fresh_pg:-0}" = 1 ] && [[ "$DATABASE_URL" != *:*@* ]]; then
      # A fresh Debian cluster wants a password over TCP: give the local postgres user one, remember the URL.
      as_root runuser -u postgres -- psql -qc "alter user postgres password 'postgres'" >/dev/null
      export DATABASE_URL="postgres://postgres:postgres@127.0.0.1:$port/manus_gateway"
      printf 'DATABASE_URL=%s\n' "$DATABASE_URL" >> .env
    fi
  fi
  node -e '
    const { Client } = require("pg");
    const target = new URL(process.argv[1]); const name = target.pathname.slice(1);
    const admin = new URL(process.argv[1]); admin.pathname = "/postgres";
    (async () => {
      const c = new Client({ connectionString: admin.toString() }); await c.connect();
      const r = await c.query("select 1 from pg_database where datname = $1", [name]);
      if (!r.rowCount) { await c.query(`create database "${name.replace(/"/g, "")}"`); console.log(`created database ${name}`); }
      await c.end();
    })().catch((e) => { console.error(`cannot prepare database ${name}: ${e.message}`); process.exit(1); });
  ' "$DATABASE_URL"
}

ensure_redis() {
  local host port
  read -r host port < <(node -e 'const u=new URL(process.argv[1]); console.log(`${u.hostname} ${u.port||6379}`)' "$REDIS_URL")
  port_open "$host" "$port" && return 0
  [ "$host" = 127.0.0.1 ] || [ "$host" = localhost ] || die "Redis at $host:$port is unreachable"
  command -v redis-server >/dev/null || apt_install redis-server || die "Redis is not running and cannot be installed: install it or set REDIS_URL"
  mkdir -p .data/redis
  log "starting redis-server on port $port (AOF in .data/redis)"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --appendonly yes --dir "$ROOT/.data/redis" >/dev/null
  for _ in $(seq 1 50); do port_open "$host" "$port" && return 0; sleep 0.1; done
  die "Redis did not come up on $host:$port"
}

ensure_postgres
ensure_redis
log "building"; npm run --silent build
log "migrating"; node dist/libs/database/src/migrate.js

pids=()
cleanup() { trap - INT TERM EXIT; for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; wait; }
trap cleanup INT TERM EXIT
# A 16 MB young generation, as in the Docker image (README, Performance); a caller's NODE_OPTIONS wins.
export NODE_OPTIONS="${NODE_OPTIONS:---max-semi-space-size=16}"
node dist/apps/worker/src/main.js & pids+=($!)
node dist/apps/api/src/main.js & pids+=($!)
log "api on http://localhost:${PORT:-3000} (docs at /docs), worker pid ${pids[0]}; Ctrl-C stops both"
wait -n
log "a process exited; stopping the other"
