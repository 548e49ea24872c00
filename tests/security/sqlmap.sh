#!/usr/bin/env bash
# Injection scan with sqlmap (Debian package `sqlmap`) against the production build on PostgreSQL with the
# keyed demo: the public API and the staff forms and pages with a signed-in (admin) session.
#
#   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test tests/security/sqlmap.sh
#
# Environment: BUILD (default ./build; run `npm run build` first), SQLMAP_LEVEL (3), SQLMAP_RISK (2),
# SQLMAP_OUT (default tests/.tmp/sqlmap-<time>), SQLMAP_ONLY (a regex of target names to run, e.g.
# 'api-.*|staff-login'; default all). Techniques BEUST (boolean, error, union, stacked, time),
# never any --os-* option. A throw-away database qf_sqlmap_… is created and dropped.
#
# Prints one line per target: "no injection found", or the injection point sqlmap reports. Exits 1 on any
# finding, 2 when a target could not be tested (sqlmap error, target missing), 0 otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-$ROOT/build}
LEVEL=${SQLMAP_LEVEL:-3}
RISK=${SQLMAP_RISK:-2}
OUT=${SQLMAP_OUT:-$ROOT/tests/.tmp/sqlmap-$(date +%Y%m%d-%H%M%S)}
: "${TEST_DATABASE_URL:?Set TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test}"
command -v sqlmap >/dev/null || { echo "sqlmap is not installed: apt-get install -y sqlmap" >&2; exit 2; }
[ -f "$BUILD/index.js" ] || { echo "No production build at $BUILD: run npm run build" >&2; exit 2; }
mkdir -p "$OUT"

DB="qf_sqlmap_$(node -e 'process.stdout.write(require("crypto").randomBytes(4).toString("hex"))')"
DBURL="$(node -e 'const u=new URL(process.argv[1]);u.pathname="/"+process.argv[2];process.stdout.write(u.toString())' "$TEST_DATABASE_URL" "$DB")"
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})')"
URL="http://127.0.0.1:$PORT"
SERVER_PID=""

psql_admin() { psql "$TEST_DATABASE_URL" -v ON_ERROR_STOP=1 -qtAc "$1" >/dev/null; }

stop_server() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill "$SERVER_PID"
		for _ in $(seq 1 40); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
		kill -9 "$SERVER_PID" 2>/dev/null || true
	fi
	SERVER_PID=""
}
cleanup() {
	stop_server
	psql_admin "drop database if exists $DB with (force)" || true
}
trap cleanup EXIT

start_server() {
	env NODE_ENV=production PORT="$PORT" HOST=127.0.0.1 ORIGIN="$URL" DATABASE_URL="$DBURL" JOBS=off "$@" \
		node "$BUILD/index.js" >>"$OUT/server.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 1 120); do
		grep -q '^Listening on ' "$OUT/server.log" 2>/dev/null && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/server.log" >&2; exit 2; }
		sleep 0.5
	done
	echo "the server did not start" >&2
	exit 2
}

echo "==> database $DB, server $URL, output $OUT"
psql_admin "create database $DB"
start_server
stop_server
: >"$OUT/server.log"
DATABASE_URL="$DBURL" node node_modules/tsx/dist/cli.mjs scripts/demo.ts >"$OUT/demo.log" 2>&1
DATABASE_URL="$DBURL" node node_modules/tsx/dist/cli.mjs scripts/demo-keys.ts --organ o-sf-c01 --organ o-sf-c01-k02 --test-kdf --signin --out "$OUT/keys.json" >>"$OUT/demo.log" 2>&1
# Limits raised so sqlmap's thousands of requests are answered by the code under test, not by a 429.
start_server RECEIPT_PER_10MIN=100000 INTAKE_PER_HOUR=100000 POW_DIFFICULTY=8

ADMIN="$(node -e 'const k=require(process.argv[1]);process.stdout.write(k.staff[0].username)' "$OUT/keys.json")"
OTHER_ID="$(node -e 'const k=require(process.argv[1]);process.stdout.write(k.staff[2].staffId)' "$OUT/keys.json")"
# A signed-in session (both factors passed) for a keyed inspector made admin: tests/security/session-cookie.ts.
COOKIE="$(DATABASE_URL="$DBURL" node node_modules/tsx/dist/cli.mjs tests/security/session-cookie.ts "$ADMIN" --admin)"
code="$(curl -s -o /dev/null -w '%{http_code}' -b "qf_session=$COOKIE" "$URL/staff")"
[ "$code" = 200 ] || { echo "the session cookie does not open /staff (HTTP $code)" >&2; exit 2; }
echo "==> signed in as $ADMIN (admin) with a session cookie"

COMMON=(--batch --level "$LEVEL" --risk "$RISK" --technique=BEUST --dbms=PostgreSQL --time-sec 2
	--flush-session --disable-coloring --output-dir "$OUT/sqlmap" --drop-set-cookie --timeout 30 --retries 1)
STAFF=(--cookie "qf_session=$COOKIE" --skip "qf_session" --headers "Origin: $URL
Accept: application/json
x-sveltekit-action: true")
FORM=(--headers "Origin: $URL
Accept: application/json
x-sveltekit-action: true")
AUTHKEY="$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))')"
AUTHKEY_ENC="$(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$AUTHKEY")"

findings=0
untested=0
run() {
	local name="$1"
	shift
	if [ -n "${SQLMAP_ONLY:-}" ] && ! [[ "$name" =~ ^(${SQLMAP_ONLY})$ ]]; then return 0; fi
	local log="$OUT/$name.log"
	local started=$SECONDS
	sqlmap "${COMMON[@]}" "$@" >"$log" 2>&1 || true
	local took=$((SECONDS - started))
	if grep -q "identified the following injection point" "$log"; then
		findings=$((findings + 1))
		printf '%-34s FINDING (%ss):\n' "$name" "$took"
		sed -n '/identified the following injection point/,/^---$/p' "$log" | sed 's/^/    /'
	elif grep -q "all tested parameters do not appear to be injectable" "$log"; then
		local params
		params="$(grep -oE "parameter '[^']+' does not seem to be injectable" "$log" | sed -E "s/.*parameter '([^']+)'.*/\1/" | sort -u | paste -sd, -)"
		printf '%-34s no injection found (%ss; parameters tested: %s)\n' "$name" "$took" "$params"
	else
		untested=$((untested + 1))
		printf '%-34s NOT TESTED (%ss): %s\n' "$name" "$took" "$(grep -E '\[(CRITICAL|ERROR)\]' "$log" | tail -1)"
	fi
}

echo "==> sqlmap $(sqlmap --version 2>/dev/null | grep -oE '^[0-9][0-9.]*[^ ]*' | head -1), level $LEVEL, risk $RISK, techniques BEUST"
# Public API (no cookies).
run api-units -u "$URL/api/v1/units?q=gxq&limit=5"
run api-routing -u "$URL/api/v1/routing?unit=sf-c01-k02-d04&position=top_leader&kind=public_tip&escalate=0"
run api-directory -u "$URL/api/v1/directory?organ=o-sf-c01&unit=sf-c01-k02-d04"
run api-stats -u "$URL/api/v1/stats/public?month=2026-11"
run api-receipt-spec -u "$URL/api/v1/receipt/spec" --data '{"locator":"ABCDE12345"}' --headers 'Content-Type: application/json'
run api-receipt-open -u "$URL/api/v1/receipt/open" --data "{\"locator\":\"ABCDE12345\",\"authKey\":\"$AUTHKEY\",\"pow\":{\"challenge\":\"x\",\"nonce\":1}}" --headers 'Content-Type: application/json'
run api-pow -u "$URL/api/v1/pow" --data '{"purpose":"intake"}' --headers 'Content-Type: application/json'
run api-reports -u "$URL/api/v1/reports" --data '{"v":1,"intake":"AAAAAAAAAAAAAAAAAAAAAA","organ":"o-sf-c01","routing":{"unit":"sf-c01-k02-d04","position":"top_leader","kind":"public_tip","category":"integrity","escalate":false,"realName":false},"content":"AAAA","wraps":[],"receipt":{"locator":"ABCDE12345","kdfSpec":"AAAA","authHash":"AAAA","wrappedKey":"AAAA"}}' --headers 'Content-Type: application/json'
run api-reports-inline -u "$URL/api/v1/reports" --data '{"v":1,"pow":{"challenge":"AQEEawjmeDQKTracuO6Zs7yhduxg8iSQ7Gwv192SpWY35u4aOUbf","nonce":1},"files":["AAAA"],"organ":"o-sf-c01","routing":{"unit":"sf-c01-k02-d04","position":"top_leader","kind":"public_tip","category":"integrity","escalate":false,"realName":false},"content":"AAAA","wraps":[],"receipt":{"locator":"ABCDE12345","kdfSpec":"AAAA","authHash":"AAAA","wrappedKey":"AAAA"}}' --headers 'Content-Type: application/json'
run api-part -u "$URL/api/v1/intake/AAAAAAAAAAAAAAAAAAAAAA*/files/0*/parts/0*" --ignore-code 404 --method PUT --data 'xxxx' --headers 'Content-Type: application/octet-stream'
# Staff sign-in (no session).
run staff-login-salt -u "$URL/staff/login/salt" --data "{\"username\":\"$ADMIN\"}" --headers "Content-Type: application/json
Origin: $URL"
run staff-login -u "$URL/staff/login" --data "username=$ADMIN&authKey=$AUTHKEY_ENC" "${FORM[@]}"
run staff-invite -u "$URL/staff/invite" --data "token=abcdefghijklmnopqrstuvwxyz012345&username=new.user&displayName=x&salt=AAAAAAAAAAAAAAAAAAAAAA%3D%3D&authKey=$AUTHKEY_ENC" "${FORM[@]}"
run staff-reset -u "$URL/staff/reset" --data "token=abcdefghijklmnopqrstuvwxyz012345&salt=AAAAAAAAAAAAAAAAAAAAAA%3D%3D&authKey=$AUTHKEY_ENC" "${FORM[@]}"
# sqlmap skips parameters that look like anti-CSRF tokens unless named with -p: test the link tokens too.
run staff-invite-token -u "$URL/staff/invite" --data "token=abcdefghijklmnopqrstuvwxyz012345&username=new.user&displayName=x&salt=AAAAAAAAAAAAAAAAAAAAAA%3D%3D&authKey=$AUTHKEY_ENC" -p token "${FORM[@]}"
run staff-reset-token -u "$URL/staff/reset" --data "token=abcdefghijklmnopqrstuvwxyz012345&salt=AAAAAAAAAAAAAAAAAAAAAA%3D%3D&authKey=$AUTHKEY_ENC" -p token "${FORM[@]}"
# Staff pages and forms with the signed-in admin session.
run staff-inbox -u "$URL/staff?stage=new&status=received&category=integrity&unit=sf-c01-k02-d04&sort=received" "${STAFF[@]}"
run staff-stats -u "$URL/staff/stats?from=2026-01&to=2026-11&category=integrity" "${STAFF[@]}"
run staff-session-cookie -u "$URL/staff" --cookie "qf_session=$COOKIE" -p qf_session
run staff-api-inbox -u "$URL/staff/api/inbox?stage=new&status=received&category=integrity&position=top_leader&unit=sf-c01-k02-d04&sort=date&limit=10" "${STAFF[@]}"
run staff-api-stats -u "$URL/staff/api/stats?from=2026-01&to=2026-11&category=integrity" "${STAFF[@]}"
run staff-api-audit -u "$URL/staff/api/audit?action=users.&limit=10" "${STAFF[@]}"
run staff-api-report -u "$URL/staff/api/reports/00000000-0000-4000-8000-000000000000*" --ignore-code 404 "${STAFF[@]}"
run staff-org-search -u "$URL/staff/admin/org?q=gxq" "${STAFF[@]}"
run staff-org-unit -u "$URL/staff/admin/org/units/sf-c01-k02-d04*" "${STAFF[@]}"
run staff-users-invite -u "$URL/staff/admin/users?/invite" --data "username=sqlmap.user&displayName=sqlmap" "${STAFF[@]}"
run staff-users-disable -u "$URL/staff/admin/users?/disable" --data "userId=$OTHER_ID" "${STAFF[@]}"
run staff-password -u "$URL/staff/password" --data "currentAuthKey=$AUTHKEY_ENC&authKey=$AUTHKEY_ENC&salt=AAAAAAAAAAAAAAAAAAAAAA%3D%3D" "${STAFF[@]}"
run staff-keys-rewrap -u "$URL/staff/keys?/rewrap" --data "publicKey=AAAA&passwordWrapped=AAAA&recoveryWrapped=AAAA" "${STAFF[@]}"

fives="$(grep -c '"unhandled_error"' "$OUT/server.log" || true)"
echo "==> server log: $fives unhandled errors (5xx) during the scan; details in $OUT"
if [ "$findings" -gt 0 ]; then
	echo "sqlmap: $findings target(s) with a finding"
	exit 1
fi
if [ "$untested" -gt 0 ]; then
	echo "sqlmap: no injection found, but $untested target(s) could not be tested"
	exit 2
fi
echo "sqlmap: no injection found in any target"
