#!/usr/bin/env bash
# What the database alone allows on this machine: the floors beside issue 17's targets
# (docs/benchmarks.md, "What the machine allows"). Runs PostgreSQL's own pgbench against a
# scratch table in a schema of its own, then drops the schema.
#
#   scripts/bench-floors.sh [URL]     URL: a role that may create a schema (default: DATABASE_OWNER_URL)
#   SECONDS_PER_FLOOR=15 (default)    how long each figure runs
#
# Prints one line per floor: clients, transactions per second, mean latency. Run it on a quiet
# machine, beside `recordkeeper-bench all` on the same cluster.
set -euo pipefail

url=${1:-${DATABASE_OWNER_URL:-}}
if [[ -z "$url" ]]; then
    echo "bench-floors.sh: give the database URL (or set DATABASE_OWNER_URL): a role that may create a schema" >&2
    exit 2
fi
seconds=${SECONDS_PER_FLOOR:-15}
pgbench=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -1 || true)
if [[ -z "$pgbench" || ! -x "$pgbench" ]]; then
    echo "bench-floors.sh: pgbench not found (Debian: the postgresql package installs it under /usr/lib/postgresql/*/bin)" >&2
    exit 2
fi

work=$(mktemp -d)
schema="rk_floor_$$"
cleanup() {
    psql -q "$url" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# 50,000 rows of about 600 bytes: the size of a webhook delivery.
psql -q -v ON_ERROR_STOP=1 "$url" >/dev/null <<SQL
CREATE SCHEMA $schema;
CREATE TABLE $schema.floor_log (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), body text NOT NULL);
INSERT INTO $schema.floor_log (body) SELECT repeat(md5(i::text), 18) FROM generate_series(1, 50000) i;
VACUUM ANALYZE $schema.floor_log;
SQL

cat >"$work/insert.sql" <<SQL
INSERT INTO $schema.floor_log (body) VALUES (repeat(md5(random()::text), 18));
SQL
cat >"$work/select.sql" <<SQL
\set id random(1, 50000)
SELECT body FROM $schema.floor_log WHERE id = :id;
SQL
cat "$work/select.sql" "$work/insert.sql" >"$work/read-and-log.sql"

run() {
    local label=$1 script=$2 clients=$3 out
    out=$("$pgbench" -n -M prepared -c "$clients" -j 2 -T "$seconds" -f "$work/$script" "$url" 2>&1) || {
        echo "bench-floors.sh: pgbench failed on $label:" >&2
        echo "$out" >&2
        exit 1
    }
    local tps latency
    tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")
    latency=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$out")
    printf '%-52s clients %3d  %9.0f transactions/s  mean %6.2f ms\n' "$label" "$clients" "$tps" "$latency"
}

run "one INSERT, committed" insert.sql 32
run "one primary-key SELECT" select.sql 16
run "one SELECT and one INSERT, committed" read-and-log.sql 16
run "one SELECT and one INSERT, committed" read-and-log.sql 32
