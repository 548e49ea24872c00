#!/usr/bin/env bash
# PostgreSQL's own ceiling for the rows one small report writes, measured with pgbench (a C client, no app):
# a spent proof-of-work id, the report with a 2 KiB content bucket (and its inbox summary where the schema has
# one), 3 key wraps, an attachment with one 32 KiB part of random bytes. It runs on a copy of the app's schema
# (this checkout's migrations, loaded by `npm run demo`) with the demo directory, so the statistics triggers and
# indexes are the app's. Kept in the repository (issue 20) beside ../shared/bench/pg-ceiling.sh, whose statement
# it follows, so it moves with the schema: columns the schema has dropped are left out.
# Prints pgbench's summary on stderr and `pg_ceiling_tps=<n>` on stdout.
# usage: tests/bench/pg-ceiling.sh [APP_DIR] [clients] [seconds]   (APP_DIR: a checkout with node_modules)
set -eu
APP_DIR=${1:-$(cd "$(dirname "$0")/../.." && pwd)}; C=${2:-16}; T=${3:-20}
PGHOST=${PGHOST:-127.0.0.1}; PGUSER=${PGUSER:-postgres}
DB=qf_pgceiling_$$; URL=postgres://$PGUSER@$PGHOST:5432/$DB
TMP=$(mktemp -d)
cleanup() { psql -qX -h "$PGHOST" -U "$PGUSER" -d postgres -c "drop database if exists $DB" >/dev/null 2>&1 || true; rm -rf "$TMP"; }
trap cleanup EXIT
psql -qX -h "$PGHOST" -U "$PGUSER" -d postgres -c "create database $DB" >/dev/null
(cd "$APP_DIR" && DATABASE_URL=$URL timeout 300 npm run -s demo >"$TMP/demo.log" 2>&1) || { cat "$TMP/demo.log" >&2; echo "demo load failed" >&2; exit 1; }
q() { psql -qXAt -v ON_ERROR_STOP=1 -h "$PGHOST" -U "$PGUSER" -d "$DB" "$@"; }
has() { [ "$(q -c "select count(*) from information_schema.columns where table_name = '$1' and column_name = '$2'")" = 1 ]; }
q >/dev/null <<'SQL'
create extension if not exists pgcrypto;
insert into staff_user (username, display_name, auth_salt, auth_params, auth_hash)
  select 'bench' || g, 'bench', '\x00', '{}'::jsonb, 'x' from generate_series(1, 3) g;
create table bench_blob (id int primary key, c bytea, a bytea, w bytea, s bytea);
insert into bench_blob select g,
  (select string_agg(gen_random_bytes(1024), ''::bytea) from generate_series(1, 2)) || gen_random_bytes(60),
  (select string_agg(gen_random_bytes(1024), ''::bytea) from generate_series(1, 32)) || gen_random_bytes(120),
  gen_random_bytes(80), gen_random_bytes(300)
  from generate_series(1, 200) g;
SQL
cols="locator, unit_id, position, category, real_name, escalate, organ_id, received_on, content, content_bytes, kdf_spec, auth_hash, receipt_wrapped"
vals="encode(gen_random_bytes(8), 'hex'), 'sf-c01-k02', 'top_leader', 'integrity', false, false, 'o-sf-c01', current_date, blob.c, length(blob.c), gen_random_bytes(40), gen_random_bytes(32), gen_random_bytes(72)"
if has report kind; then cols="$cols, kind"; vals="$vals, 'public_tip'"; fi
if has report summary; then cols="$cols, summary"; vals="$vals, blob.s"; fi
cat > "$TMP/run.sql" <<SQL
\set b random(1, 200)
with spent as (insert into pow_spent (id, expires_at) values (gen_random_bytes(16), now() + interval '1 hour') returning id),
blob as (select c, a, w, s from bench_blob where id = :b),
r as (insert into report ($cols) select $vals from spent, blob returning id),
w as (insert into report_key_wrap (report_id, staff_id, entry_id, sealed) select r.id, s.id, gen_random_bytes(32), blob.w from r, blob, (select id from staff_user where username like 'bench%') s returning 1),
a as (insert into attachment (report_id, file_no, bytes, parts) select r.id, 0, length(blob.a), 1 from r, blob returning id)
insert into attachment_part (attachment_id, idx, data) select a.id, 0, blob.a from a, blob;
SQL
# CPU (ms) of every PostgreSQL process, with what the postmaster has reaped (backends that exited keep counting).
pgcpu() { cat /proc/[0-9]*/stat 2>/dev/null | awk '$2 == "(postgres)" { t += $14 + $15 + $16 + $17 } END { printf "%d", t * 10 }'; }
sleep 1; cpu0=$(pgcpu)
TIMEFORMAT='%U %S'
{ time pgbench -n -h "$PGHOST" -U "$PGUSER" -c "$C" -j 2 -T "$T" -f "$TMP/run.sql" "$DB" >"$TMP/out" 2>&1 || { cat "$TMP/out" >&2; exit 1; }; } 2>"$TMP/time"
sleep 1; cpu1=$(pgcpu)
grep -E "tps|latency average|failed" "$TMP/out" >&2
tps=$(grep -oE 'tps = [0-9.]+' "$TMP/out" | head -1 | grep -oE '[0-9.]+$')
n=$(grep -oE 'transactions actually processed: [0-9]+' "$TMP/out" | grep -oE '[0-9]+$')
# CPU per report: PostgreSQL's processes and pgbench's own (the client), printed for the bench's CPU budget.
awk -v n="$n" -v pg=$((cpu1 - cpu0)) '{ printf "pg_ceiling_cpu_ms=%.3f %.3f\n", pg / n, ($1 + $2) * 1000 / n }' "$TMP/time"
echo "  stored: $(q -c "select (select count(*) from report) || ' reports, ' || (select count(*) from report_key_wrap) || ' wraps, ' || (select count(*) from attachment_part) || ' parts'")" >&2
echo "pg_ceiling_tps=${tps%.*}"
