#!/usr/bin/env bash
# The load test: wrk drives tests/load/mix.lua (reads, writes and matches in
# fixed proportions) for LOAD_SECONDS against the real server on seeded data,
# on loopback only. Three runs on one database:
#
#   1. the release build, first run;
#   2. the release build again, same process: its resident set (VmRSS of
#      /proc/PID/status, read after each run) may have grown by 5 % at most;
#   3. the ASan + UBSan build (LOAD_ASAN_BIN, CI's build-test) under the same
#      load, then SIGTERM: it must exit 0 with no sanitizer report in its log.
#
# Each run passes when wrk saw no socket error and every response was 2xx
# (the mix makes no request that may fail: no 4xx, no 5xx). One line per
# run (req/s, p50, p99, errors, RSS), one per check, and last
# "load: N passed, N failed" (what scripts/test counts).
#
#   DATABASE_URL=... tests/load/run.sh            # a database of its own in that cluster
#
# Environment: DATABASE_URL (a cluster where the role may CREATE DATABASE;
# the test makes and drops database incrocio_load_<pid> in it), LOAD_SECONDS
# (60), LOAD_CONNECTIONS (16), LOAD_THREADS (2), LOAD_SEEKERS (5000),
# LOAD_EMPLOYERS (300), LOAD_NEW_SEEKERS (500: the job seekers each wrk
# thread may create in a run, see mix.lua), LOAD_RELEASE_BIN (default: build-bench/incrocio,
# which ninja brings up to date, --buildtype=release), LOAD_ASAN_BIN (default
# build-test/incrocio; "none" skips run 3), LOAD_KEEP_DB=1 keeps the database.
set -uo pipefail
# shellcheck source=SCRIPTDIR/../../scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"
cd "$INCROCIO_ROOT" || exit 1

seconds=${LOAD_SECONDS:-60}
conns=${LOAD_CONNECTIONS:-16}
wthreads=${LOAD_THREADS:-2}
n_seekers=${LOAD_SEEKERS:-5000}
n_employers=${LOAD_EMPLOYERS:-300}
new_per_thread=${LOAD_NEW_SEEKERS:-500}
rel_bin=${LOAD_RELEASE_BIN:-$INCROCIO_ROOT/build-bench/incrocio}
asan_bin=${LOAD_ASAN_BIN:-$INCROCIO_ROOT/build-test/incrocio}
base_url=${DATABASE_URL:?DATABASE_URL: a PostgreSQL cluster to make the load database in}

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
finish() {
  echo "load: $passed passed, $failed failed"
  exit $((failed > 0))
}

work=$(mktemp -d /tmp/incrocio-load.XXXXXX)
db=incrocio_load_$$
DATABASE_URL=${base_url%/*}/$db
export DATABASE_URL
admin_url=${base_url%/*}/postgres
api_pid=


stop_api() { # SIGTERM, SIGKILL after 30 s; sets api_rc
  local i
  api_rc=
  [ -n "$api_pid" ] || return 0
  kill -TERM "$api_pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    alive "$api_pid" || break
    sleep 0.1
  done
  alive "$api_pid" && { echo "the server ignored SIGTERM for 30 s: SIGKILL"; kill -KILL "$api_pid"; }
  wait "$api_pid" 2>/dev/null
  api_rc=$?
  api_pid=
}

cleanup() {
  trap - EXIT INT TERM
  stop_api
  if [ "${LOAD_KEEP_DB:-0}" != 1 ]; then
    psql "$admin_url" -X -q -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  else
    echo "database kept: $DATABASE_URL"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_packages wrk curl postgresql-client-15 >/dev/null
# What scripts/test sets for the sanitizer build, unless the caller did.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$INCROCIO_ROOT/tests/lsan.supp:print_suppressions=0}

if [ -z "${LOAD_RELEASE_BIN:-}" ]; then
  echo "== build (release) in build-bench"
  { [ -f build-bench/build.ninja ] || meson setup build-bench --buildtype=release; } >"$work/build.log" 2>&1 &&
    ninja -C build-bench incrocio >>"$work/build.log" 2>&1 || { cat "$work/build.log"; fail build; finish; }
fi

echo "== database $db: migrate, seed $n_seekers job seekers and $n_employers employers"
psql "$admin_url" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db" || { fail "create database"; finish; }
psql_q() { psql "$DATABASE_URL" -X -q -At -v ON_ERROR_STOP=1 "$@"; }
t0=$(date +%s)
if ! { "$rel_bin" migrate && "$rel_bin" seed --job-seekers "$n_seekers" --employers "$n_employers" --seed 8; } \
  >"$work/seed.log" 2>&1; then
  cat "$work/seed.log"; fail seed; finish
fi
echo "   $(grep '^seed:' "$work/seed.log" | tr '\n' ' ')($(($(date +%s) - t0)) s)"
key=$("$rel_bin" keys create --role admin --label "load test" | sed -n 's/^key: //p')
[ -n "$key" ] || { fail "admin key"; finish; }

# Slots to list: ten in one office, on the day after tomorrow (UTC), made
# through the API once the first server is up (below).
slot_day=$(date -u -d '+2 days' +%Y-%m-%d)

# The ids the mix draws from, as a Lua table.
lua_list() { # lua_list SQL: the rows of SQL as a Lua list of strings
  psql_q -c "$1" | awk 'BEGIN { printf "{" } { printf "\"%s\",", $0 } END { printf "}" }'
}
{
  echo "return {"
  echo "vacancies = $(lua_list "SELECT id FROM vacancies ORDER BY id LIMIT 500"),"
  echo "positions = {$(psql_q -F ' ' -c "SELECT v.id, p.id FROM positions p JOIN vacancies v ON v.id = p.vacancy_id
      WHERE v.state = 'published' AND p.filled < p.quantity
        AND (v.valid_until IS NULL OR v.valid_until >= current_date) ORDER BY p.id LIMIT 500" |
    awk '{ printf "{\"%s\",\"%s\"},", $1, $2 }')},"
  echo "seekers = $(lua_list "SELECT id FROM job_seekers ORDER BY id LIMIT 1000"),"
  echo "match_seekers = $(lua_list "SELECT id FROM job_seekers WHERE matching_consent ORDER BY id LIMIT 500"),"
  echo "offices = $(lua_list "SELECT code FROM offices ORDER BY code"),"
  echo "skills = $(lua_list "SELECT DISTINCT code FROM job_seeker_skills ORDER BY code"),"
  echo "occupations = $(lua_list "SELECT DISTINCT unnest(desired_occupations) FROM job_seekers ORDER BY 1"),"
  echo "office = \"NA01\", comune = \"063049\", today = \"$(date -u +%Y-%m-%d)\","
  echo "slot_office = \"NA01\", slot_from = \"${slot_day}T00:00:00Z\", slot_to = \"${slot_day}T23:59:00Z\","
  echo "}"
} >"$work/data.lua"
for list in vacancies positions seekers match_seekers skills occupations; do
  grep -q "^$list = {{\?\"" "$work/data.lua" || { echo "no $list in the seeded data"; fail "seeded data"; finish; }
done

limits=admin=100000000,operator=100000000,portal=100000000,employer=100000000
start_api() { # start_api BIN LOG: serves on a free port; sets api_pid and api
  local port i
  port=$(free_port)
  "$1" serve --no-migrate --listen 127.0.0.1 --port "$port" --threads 2 --pool-size 8 \
    --rate-limit 100000000 --rate-limits "$limits" --log-level warning >"$2" 2>&1 &
  api_pid=$!
  api=http://127.0.0.1:$port
  for ((i = 0; i < 600; i++)); do # the matching index loads first: 60 s at most
    curl -sf "$api/v1/status" 2>/dev/null | grep -q '"ready":true' && return 0
    alive "$api_pid" || break
    sleep 0.1
  done
  echo "the server did not become ready"; tail -n 20 "$2"
  return 1
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$api_pid/status" 2>/dev/null; }

# run_load NAME: wrk for LOAD_SECONDS; prints the summary line, checks it.
run_load() {
  local name=$1 out=$work/wrk-$1.txt line rss
  wrk -t"$wthreads" -c"$conns" -d"${seconds}s" --timeout 10s --latency -s tests/load/mix.lua "$api" \
    -- "$work/data.lua" "$2" "$key" "$new_per_thread" >"$out" 2>"$work/wrk-$name.err"
  line=$(grep '^LOAD ' "$out")
  rss=$(rss_kb)
  printf '%-8s %s rss_kb=%s\n' "$name" "${line#LOAD }" "${rss:-?}"
  if [ -s "$work/wrk-$name.err" ]; then
    echo "   responses that were not 2xx (the first 5 of each wrk thread):"
    head -n 10 "$work/wrk-$name.err" | sed 's/^/   /'
  fi
  if [ -z "$line" ]; then
    tail -n 20 "$out"; fail "$name: wrk ran"; return
  fi
  val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  if [ "$(val requests)" -gt 0 ] && [ "$(val socket_errors)" = 0 ] && [ "$(val non2xx3xx)" = 0 ] &&
    [ "$(val 4xx)" = 0 ] && [ "$(val 5xx)" = 0 ]; then
    ok "$name: $(val requests) requests, 0 socket errors, 0 non-2xx"
  else
    fail "$name: socket errors $(val socket_errors), non-2xx $(val non2xx3xx) (4xx $(val 4xx), 5xx $(val 5xx))"
  fi
  alive "$api_pid" && ok "$name: the server is still up" || { fail "$name: the server exited"; tail -n 20 "$work/api-$name.log"; }
  eval "rss_$name=${rss:-0}"
}

make_slots() {
  local i h
  for ((i = 0; i < 10; i++)); do
    h=$(printf '%02d' $((8 + i)))
    curl -sf -o /dev/null -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
      -d "{\"service_type\":\"orientation\",\"starts_at\":\"${slot_day}T$h:00:00Z\",\"ends_at\":\"${slot_day}T$h:30:00Z\",\"capacity\":4}" \
      "$api/v1/offices/NA01/slots" || return 1
  done
}

echo "== runs of ${seconds} s: wrk -t$wthreads -c$conns, tests/load/mix.lua, $(nproc) cores"
printf '%-8s %s\n' run "summary (latencies in ms; RSS of the server after the run)"
if start_api "$rel_bin" "$work/api-release.log"; then
  make_slots || fail "slots for the mix"
  echo "release  rss_kb=$(rss_kb) before the first run"
  run_load release1 1
  run_load release2 2
  if [ "${rss_release1:-0}" -gt 0 ] && [ "${rss_release2:-0}" -gt 0 ]; then
    limit=$((rss_release1 + rss_release1 / 20))
    if [ "$rss_release2" -le "$limit" ]; then
      ok "memory: RSS after run 2 ${rss_release2} kB <= after run 1 ${rss_release1} kB + 5 % ($limit kB)"
    else
      fail "memory: RSS after run 2 ${rss_release2} kB > after run 1 ${rss_release1} kB + 5 % ($limit kB)"
    fi
  else
    fail "memory: no RSS to compare"
  fi
  stop_api
  [ "$api_rc" = 0 ] && ok "release: exit 0 on SIGTERM" || fail "release: exit $api_rc on SIGTERM"
else
  fail "release: the server started"
fi

if [ "$asan_bin" != none ]; then
  if [ ! -x "$asan_bin" ]; then
    fail "asan: no binary at $asan_bin (ninja -C build-test)"
  elif start_api "$asan_bin" "$work/api-asan.log"; then
    run_load asan 3
    stop_api
    [ "$api_rc" = 0 ] && ok "asan: exit 0 on SIGTERM" || fail "asan: exit $api_rc on SIGTERM"
    if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: .*Sanitizer' "$work/api-asan.log"; then
      fail "asan: sanitizer reports in the server's log"
      grep -E -A30 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$work/api-asan.log" | head -n 60
    else
      ok "asan: no sanitizer report"
    fi
  else
    fail "asan: the server started"
  fi
fi

finish
