#!/usr/bin/env bash
# test/reference.sh: writes docs/reference.md from the catalog (make docs).
#
#   bash test/reference.sh [OUT]       (or: make docs)
#
# Installs what is missing, builds and installs chronos, starts a throwaway
# cluster (removed at the end), runs CREATE EXTENSION chronos in a fresh
# database and writes what test/reference.sql prints from its catalog (every
# function, table, column, type, operator and setting of chronos, with their
# comments) to OUT, docs/reference.md by default.  PG=15, 17 or 18 give the
# same file; test/shell/reference.sh fails when the committed file differs.
set -euo pipefail
# shellcheck source=test/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OUT=${1:-$CHRONOS_ROOT/docs/reference.md}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
ensure_packages
build_and_install
start_cluster
psql_quiet -d postgres -c "CREATE DATABASE chronos_reference"
psql_quiet -d chronos_reference -c "SET client_min_messages = warning" -c "CREATE EXTENSION chronos"
tmp=$(mktemp)
psql_quiet -d chronos_reference -At -f "$CHRONOS_ROOT/test/reference.sql" >"$tmp"
mv "$tmp" "$OUT"
chmod 644 "$OUT"
log "wrote $OUT"
