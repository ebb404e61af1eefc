#!/usr/bin/env bash
# Load benchmark of a verification endpoint on SQLite and PostgreSQL, with
# the trivial net/http ceiling measured in the same run.
#   bench/run.sh [duration] [concurrency] [rsaid|vnin]
# rsaid: SecureCitizen RSAIDVerification with names (bench/rsaid.json);
# vnin: Youverify vNIN with data validation (bench/vnin.json).
# Prints one JSON line per run; docs/BENCHMARKS.md records the results.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-20s}; CONC=${2:-32}; TARGET=${3:-rsaid}
case $TARGET in
  rsaid) PATH_=/Citizen/RSAIDVerification; BODY=bench/rsaid.json; AUTH="Authorization: Bearer"; NAME="RSAIDVerification" ;;
  vnin)  PATH_=/v1/api/identity/ng/vnin;   BODY=bench/vnin.json;  AUTH="token:";                NAME="Youverify vNIN" ;;
  *) echo "unknown target $TARGET (rsaid, vnin)" >&2; exit 2 ;;
esac
PGURL=${IDGATE_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
tmp=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/idgate" ./cmd/idgate
go build -o "$tmp/load" ./bench/load
go build -o "$tmp/ceiling" ./bench/ceiling

load() { "$tmp/load" -url "$1" -header "$AUTH $3" -body "@$BODY" -c "$CONC" -d "$DUR" -label "$2"; }
waitfor() { for _ in $(seq 1 100); do curl -fs "$1/healthz" >/dev/null 2>&1 && return; sleep 0.1; done; echo "server did not start" >&2; exit 1; }

"$tmp/ceiling" -listen 127.0.0.1:18090 & cpid=$!
sleep 0.5
load http://127.0.0.1:18090/ "ceiling: trivial net/http JSON handler" none
kill $cpid

"$tmp/idgate" serve --data-dir "$tmp/sqlite" --listen 127.0.0.1:18080 --log-level error >/dev/null & spid=$!
waitfor http://127.0.0.1:18080
load "http://127.0.0.1:18080$PATH_" "idgate $NAME, SQLite" "$(cat "$tmp/sqlite/sandbox.key")"
kill $spid; wait $spid 2>/dev/null || true

if pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  schema="bench_$$"
  psql "$PGURL" -qc "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null
  "$tmp/idgate" serve --data-dir "$tmp/pg" --database-url "$PGURL&search_path=$schema" --listen 127.0.0.1:18081 --log-level error >/dev/null & ppid=$!
  waitfor http://127.0.0.1:18081
  load "http://127.0.0.1:18081$PATH_" "idgate $NAME, PostgreSQL" "$(cat "$tmp/pg/sandbox.key")"
  kill $ppid; wait $ppid 2>/dev/null || true
  psql "$PGURL" -qc "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1
fi
