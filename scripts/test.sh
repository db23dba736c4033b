#!/usr/bin/env bash
# The test command: lint, typecheck, build, then unit and e2e tests against real PostgreSQL and Redis.
# The e2e setup starts throwaway PostgreSQL and Redis instances in a temp dir (initdb/postgres and
# redis-server must be installed), or uses TEST_DATABASE_URL / TEST_REDIS_URL when they are not.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
install_node_modules
log "lint"; npm run --silent lint
log "typecheck"; npm run --silent typecheck
log "build"; npm run --silent build
log "unit and e2e tests"
exec jest --config jest.config.js "$@"
