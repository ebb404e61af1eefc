#!/usr/bin/env bash
# Load benchmark of RSAIDVerification with names on SQLite and PostgreSQL,
# with the trivial net/http ceiling measured in the same run.
#   bench/run.sh [duration] [concurrency]
# Prints one JSON line per run; docs/BENCHMARKS.md records the results.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-20s}; CONC=${2:-32}
PGURL=${IDGATE_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
tmp=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/idgate" ./cmd/idgate
go build -o "$tmp/load" ./bench/load
go build -o "$tmp/ceiling" ./bench/ceiling

load() { "$tmp/load" -url "$1" -header "Authorization: Bearer $3" -body @bench/rsaid.json -c "$CONC" -d "$DUR" -label "$2"; }
waitfor() { for _ in $(seq 1 100); do curl -fs "$1/healthz" >/dev/null 2>&1 && return; sleep 0.1; done; echo "server did not start" >&2; exit 1; }

"$tmp/ceiling" -listen 127.0.0.1:18090 & cpid=$!
sleep 0.5
load http://127.0.0.1:18090/ "ceiling: trivial net/http JSON handler" none
kill $cpid

"$tmp/idgate" serve --data-dir "$tmp/sqlite" --listen 127.0.0.1:18080 --log-level error >/dev/null & spid=$!
waitfor http://127.0.0.1:18080
load http://127.0.0.1:18080/Citizen/RSAIDVerification "idgate RSAIDVerification, SQLite" "$(cat "$tmp/sqlite/sandbox.key")"
kill $spid; wait $spid 2>/dev/null || true

if pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  schema="bench_$$"
  psql "$PGURL" -qc "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null
  "$tmp/idgate" serve --data-dir "$tmp/pg" --database-url "$PGURL&search_path=$schema" --listen 127.0.0.1:18081 --log-level error >/dev/null & ppid=$!
  waitfor http://127.0.0.1:18081
  load http://127.0.0.1:18081/Citizen/RSAIDVerification "idgate RSAIDVerification, PostgreSQL" "$(cat "$tmp/pg/sandbox.key")"
  kill $ppid; wait $ppid 2>/dev/null || true
  psql "$PGURL" -qc "DROP SCHEMA $schema CASCADE" >/dev/null
fi
