#!/usr/bin/env bash
# The main endpoints' throughput and p99 next to nginx serving the same bytes
# and to pgbench running the same SQL, all measured in one run on loopback.
# A benchmark, not a test: it prints a table and exits 0 unless something
# could not be set up. About 7 minutes on 2 cores (seeding 2-3 min, 19 runs of 10 s).
#
#   tests/bench/endpoints.sh
#
# For each endpoint, one id (or query) is fixed, and three runs of
# BENCH_DURATION with BENCH_CONNECTIONS clients each:
#   api      wrk -t2 against `incrocio serve` (release build, --threads BENCH_API_THREADS,
#            --pool-size 8: a request holds its HTTP thread while PostgreSQL works,
#            so the threads are what lets 8 database connections be busy at once);
#   nginx    wrk -t2 against nginx (2 workers) answering the body the API gave for
#            that very request, saved to a file (a POST: `return 201` of that body);
#   pgbench  pgbench -j2 -M prepared -f SCRIPT with the statements the handler
#            runs, taken verbatim from src/db/*.c (its $n parameters filled in:
#            the same values, NULL where the API passes NULL; the colons of
#            to_char's format as E'\x3a', which pgbench would take for variables), in the same
#            transaction shape (BEGIN ... COMMIT where the handler has one).
# Matching runs in the server's memory, not in SQL: its pgbench script is the
# SQL oracle that computes the same top k (sql/oracle/topk.sql, as
# tests/bench/match.sh loads it). And a plain `pgbench -S` (its own
# pgbench_accounts, scale 1) for reference.
#
# Environment: BENCH_DURATION (10, seconds), BENCH_CONNECTIONS (16),
# BENCH_SEEKERS (20000), BENCH_EMPLOYERS (1000), BENCH_API_THREADS (8),
# BENCH_SAVE_DIR (if set, the
# raw wrk and pgbench outputs and the scripts are copied there).
set -euo pipefail
# shellcheck source=SCRIPTDIR/../../scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"
cd "$INCROCIO_ROOT"

duration=${BENCH_DURATION:-10}
conns=${BENCH_CONNECTIONS:-16}
seekers=${BENCH_SEEKERS:-20000}
employers=${BENCH_EMPLOYERS:-1000}
api_threads=${BENCH_API_THREADS:-8}

ensure_packages "${RUN_PACKAGES[@]}" curl wrk nginx-light # pgbench comes with postgresql-15

echo "== build (release) in build-bench"
[ -f build-bench/build.ninja ] || meson setup build-bench --buildtype=release >/dev/null
ninja -C build-bench incrocio >/dev/null
bin=$INCROCIO_ROOT/build-bench/incrocio

work=$(mktemp -d /tmp/incrocio-bench-endpoints.XXXXXX)
chmod 755 "$work" # the postgres user (as root) and nginx's workers read below it
pgdir=$work/pg
api_pid=
nginx_pid=

cleanup() {
  trap - EXIT INT TERM
  stop_pid "$api_pid"
  stop_pid "$nginx_pid"
  if [ -n "${BENCH_SAVE_DIR:-}" ]; then
    mkdir -p "$BENCH_SAVE_DIR"
    cp -r "$work"/out "$work"/sql "$work/api.log" "$work/nginx/nginx.conf" "$BENCH_SAVE_DIR"/ 2>/dev/null || true
  fi
  [ -d "$pgdir/pg" ] && scripts/pg stop "$pgdir"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$work/out" "$work/sql" "$work/body"

echo "== PostgreSQL 15 (throwaway cluster): migrate, seed $seekers job seekers and $employers employers"
scripts/pg init "$pgdir" "$(free_port)"
scripts/pg start "$pgdir"
export DATABASE_URL
DATABASE_URL=$(scripts/pg url "$pgdir")
psql_q() { psql "$DATABASE_URL" -X -q -At -v ON_ERROR_STOP=1 "$@"; }
"$bin" migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; exit 1; }
"$bin" seed --job-seekers "$seekers" --employers "$employers" --seed 42 | sed 's/^/   /'
psql_q <<SQL
SET client_min_messages = warning;
CREATE INDEX IF NOT EXISTS job_seeker_skills_code_idx ON job_seeker_skills (code);
ANALYZE;
CREATE SCHEMA incrocio_oracle;
SET search_path = incrocio_oracle, public;
\i sql/oracle/score.sql
\i sql/oracle/records.sql
\i sql/oracle/topk.sql
SQL
key_out=$("$bin" keys create --role admin --label "bench endpoints $(date +%s)")
key=$(sed -n 's/^key: //p' <<<"$key_out")
key_id=$(sed -n 's/^id: //p' <<<"$key_out")
[ -n "$key" ] && [ -n "$key_id" ] || { echo "no key was made" >&2; exit 1; }

echo "== Incrocio (release, --threads $api_threads --pool-size 8)"
api_port=$(free_port)
"$bin" serve --no-migrate --listen 127.0.0.1 --port "$api_port" --threads "$api_threads" --pool-size 8 \
  --rate-limit 100000000 --rate-limits admin=100000000,operator=100000000,portal=100000000,employer=100000000 \
  --log-level warning >"$work/api.log" 2>&1 &
api_pid=$!
api=http://127.0.0.1:$api_port
for ((i = 0; i < 1200; i++)); do
  curl -sf "$api/v1/status" 2>/dev/null | grep -q '"ready":true' && break
  alive "$api_pid" || break
  sleep 0.1
done
curl -sf "$api/v1/status" | grep -q '"ready":true' || { echo "the server never became ready" >&2; cat "$work/api.log" >&2; exit 1; }
mem() { awk -v k="$2" '$1 == k ":" { print $2 }' "/proc/$1/status"; }
rss_ready=$(mem "$api_pid" VmRSS)

# The fixed ids: a vacancy, a job seeker, an open position and a person who
# both have matches, an office with vacancies.
today=$(psql_q -c "SELECT (now() AT TIME ZONE 'UTC')::date - date '1970-01-01'")
vacancy=$(psql_q -c "SELECT id FROM vacancies WHERE state = 'published' ORDER BY id LIMIT 1")
office=$(psql_q -c "SELECT office_code FROM vacancies GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
seeker=
for id in $(psql_q -c "SELECT id FROM job_seekers WHERE matching_consent ORDER BY id LIMIT 50"); do
  curl -sf -H "Authorization: Bearer $key" "$api/v1/job-seekers/$id/matches?limit=20" |
    grep -q '"eligible":0,' && continue
  seeker=$id
  break
done
pos_vacancy=
position=
while read -r v p; do
  curl -sf -H "Authorization: Bearer $key" "$api/v1/vacancies/$v/positions/$p/matches?limit=20" |
    grep -q '"eligible":[0-9]\{2,\},' || continue
  pos_vacancy=$v
  position=$p
  break
done < <(psql_q -F ' ' -c "SELECT v.id, p.id FROM positions p JOIN vacancies v ON v.id = p.vacancy_id
  WHERE v.state = 'published' AND p.filled < p.quantity ORDER BY p.id LIMIT 100")
[ -n "$vacancy" ] && [ -n "$seeker" ] && [ -n "$position" ] ||
  { echo "no vacancy, person or position with matches in the seeded data" >&2; exit 1; }

# stmt FILE ID: the SQL of the statement ID in src/db/FILE, its C literals joined.
stmt() {
  python3 - "src/db/$1" "$2" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
m = re.search(r"\{\s*" + sys.argv[2] + r",\s*\d+,\s*((?:\"(?:[^\"\\]|\\.)*\"\s*|RECORD_JSON\s*)+)\}", src)
defs = {"RECORD_JSON": "".join(re.findall(r'"((?:[^"\\]|\\.)*)"',
        re.search(r"#define RECORD_JSON(.*?)\n\n", src, re.S).group(1)))} if "#define RECORD_JSON" in src else {}
parts = re.findall(r'"((?:[^"\\]|\\.)*)"|(RECORD_JSON)', m.group(1))
sql = "".join(defs[n] if n else s for s, n in parts).replace('\\"', '"')
# pgbench takes every ":name" for a variable, even in a string literal: the
# timestamps' format gets its colons as escapes (the same constant).
print(sql.replace("'YYYY-MM-DD\"T\"HH24:MI:SS", "E'YYYY-MM-DD\"T\"HH24\\x3aMI\\x3aSS"))
PY
}
# fill SQL N=VALUE...: $N replaced (highest first), VALUE a pgbench :variable or NULL.
fill() {
  local sql=$1 a; shift
  for a in "$@"; do sql=$(sed "s/\\\$${a%%=*}\\b/${a#*=}/g" <<<"$sql"); done
  printf '%s' "$sql"
}
audit() { # audit ACTION TYPE RESOURCE SEEKER: the audit row's INSERT
  fill "$(stmt audit.c INCROCIO_STMT_AUDIT_INSERT)" 1=:key_id 2="'admin'" 3="'$1'" 4="'$2'" 5="$3" 6="$4" 7="'bench'"
}
nulls() { local n; for n in "$@"; do printf '%s=NULL ' "$n"; done; }

# shellcheck disable=SC2046
{
  fill "$(stmt vacancies.c INCROCIO_STMT_VACANCY_SCOPE)" 1=:id; echo ";"
  fill "$(stmt vacancies.c INCROCIO_STMT_VACANCY_GET)" 1=:id; echo ";"
} >"$work/sql/vacancy.sql"
# shellcheck disable=SC2046
{
  fill "$(stmt vacancies.c INCROCIO_STMT_VACANCIES_LIST)" 14=21 13=NULL 12=NULL 11=NULL 10=NULL 9=NULL \
    8=NULL 7=NULL 6=NULL 5=NULL 4=NULL 3=NULL 2=:office 1=NULL; echo ";"
} >"$work/sql/vacancy_list.sql"
{
  echo "BEGIN;"
  fill "$(stmt job_seekers.c INCROCIO_STMT_JOB_SEEKER_GET)" 1=:id; echo ";"
  audit read job_seeker :id :id; echo ";"
  echo "COMMIT;"
} >"$work/sql/job_seeker.sql"
{
  echo "BEGIN;"
  fill "$(stmt service_records.c INCROCIO_STMT_SERVICE_RECORD_REFS)" 4=NULL 3=:js 2="'did'" 1=:office; echo ";"
  fill "$(stmt service_records.c INCROCIO_STMT_SERVICE_RECORD_INSERT)" 8=:key_id 7=NULL 6=NULL 5=:js \
    4="'2026-11-20'" 3="'in_person'" 2="'did'" 1=:office; echo " \\gset"
  audit create service_record :id :js; echo ";"
  fill "$(stmt service_records.c INCROCIO_STMT_SERVICE_RECORD_GET)" 1=:id; echo ";"
  echo "COMMIT;"
} >"$work/sql/service_record.sql"
echo "SELECT * FROM incrocio_oracle_top_seekers(:position, :today, 20);" >"$work/sql/position_matches.sql"
echo "SELECT * FROM incrocio_oracle_top_positions(:seeker, :today, 20);" >"$work/sql/seeker_matches.sql"
grep -q '\$[0-9]' "$work"/sql/*.sql && { echo "a parameter was left unfilled:" >&2; grep '\$[0-9]' "$work"/sql/*.sql >&2; exit 1; }

record_body="{\"office_code\":\"$office\",\"service_type\":\"did\",\"channel\":\"in_person\",\"delivered_on\":\"2026-11-20\",\"job_seeker_id\":\"$seeker\"}"
printf '%s' "$record_body" >"$work/body/service_record.json"
cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
LUA

# name|method|path|pgbench script
endpoints=(
  "vacancy|GET|/v1/vacancies/$vacancy|vacancy"
  "vacancy_list|GET|/v1/vacancies?office=$office&limit=20|vacancy_list"
  "job_seeker|GET|/v1/job-seekers/$seeker|job_seeker"
  "service_record|POST|/v1/service-records|service_record"
  "position_matches|GET|/v1/vacancies/$pos_vacancy/positions/$position/matches?limit=20|position_matches"
  "seeker_matches|GET|/v1/job-seekers/$seeker/matches?limit=20|seeker_matches"
)

echo "== the bodies nginx serves: each endpoint's answer to that very request"
mkdir -p "$work/nginx/tmp"
locations=
for e in "${endpoints[@]}"; do
  IFS='|' read -r name method path _ <<<"$e"
  if [ "$method" = GET ]; then
    code=$(curl -s -o "$work/body/$name" -w '%{http_code}' -H "Authorization: Bearer $key" "$api$path")
    locations+="    location = ${path%%\?*} { alias $work/body/$name; }"$'\n'
  else
    code=$(curl -s -o "$work/body/$name" -w '%{http_code}' -H "Authorization: Bearer $key" \
      -H 'Content-Type: application/json' --data-binary @"$work/body/$name.json" "$api$path")
    grep -q "'" "$work/body/$name" && { echo "a ' in the $name body" >&2; exit 1; }
    locations+="    location = $path { default_type application/json; return 201 '$(sed 's/\\/\\\\/g' "$work/body/$name")'; }"$'\n'
  fi
  [[ $code == 2* ]] || { echo "$method $path answered $code" >&2; cat "$work/body/$name" >&2; exit 1; }
  printf '   %-17s %4s %6s bytes  %s\n' "$name" "$code" "$(stat -c %s "$work/body/$name")" "$method ${path%%\?*}"
done
chmod -R a+rX "$work/nginx" "$work/body"
user_line=
[ "$(id -u)" -eq 0 ] && user_line="user nobody $(id -gn nobody);"
nginx_port=$(free_port)
cat >"$work/nginx/nginx.conf" <<CONF
$user_line
daemon off;
master_process on;
worker_processes 2;
worker_rlimit_nofile 16384;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  server_tokens off;
  keepalive_requests 100000000;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  types { }
  default_type application/json;
  server {
    listen 127.0.0.1:$nginx_port;
$locations  }
}
CONF
nginx -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
nginx=http://127.0.0.1:$nginx_port
wait_http "$nginx/" 10 || { echo "nginx did not answer" >&2; cat "$work/nginx/error.log" >&2; exit 1; }
for e in "${endpoints[@]}"; do
  IFS='|' read -r name method path _ <<<"$e"
  [ "$method" = GET ] || continue
  curl -sf -o "$work/nginx-check" "$nginx$path" && cmp -s "$work/nginx-check" "$work/body/$name" ||
    { echo "nginx serves other bytes for $path" >&2; exit 1; }
done

# to_ms VALUE: wrk's "1.23ms" / "456.00us" / "1.02s" in ms
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
    else if (v ~ /[0-9]s$/) n *= 1000; printf "%.2f", n }'
}
wrk_run() { # wrk_run OUT URL [POST-BODY-FILE]: prints "req/s p99_ms errors"
  local out=$1 url=$2 body=${3:-}
  if [ -n "$body" ]; then
    BENCH_BODY=$body wrk -t2 -c"$conns" -d"${duration}s" --latency -H "Authorization: Bearer $key" \
      -s "$work/post.lua" "$url" >"$out" 2>&1 || true
  else
    wrk -t2 -c"$conns" -d"${duration}s" --latency -H "Authorization: Bearer $key" "$url" >"$out" 2>&1 || true
  fi
  awk '/^Requests\/sec:/ { rps = $2 } $1 == "99%" { p99 = $2 }
    /Socket errors:/ { gsub(",", ""); se = $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/ { non = $5 }
    END { printf "%s %s %d\n", rps ? rps : 0, p99 ? p99 : "0ms", se + non }' "$out" |
    { read -r r p e; printf '%s %s %s\n' "$r" "$(to_ms "$p")" "$e"; }
}
pgbench_run() { # pgbench_run OUT SCRIPT [pgbench args]: prints "tps p99_ms failed"
  local out=$1 script=$2 logdir=$work/out/pglog-${1##*/}; shift 2
  mkdir -p "$logdir"
  (cd "$logdir" && PGOPTIONS="-c search_path=incrocio_oracle,public" \
    pgbench -n -M prepared -c "$conns" -j 2 -T "$duration" -l --log-prefix=tx "$@" \
      ${script:+-f "$script"} "$DATABASE_URL") >"$out" 2>&1 || true
  local tps p99 bad
  tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$out")
  bad=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out")
  # pgbench's log: client tx latency_us ...; the 99th percentile (nearest rank)
  p99=$(cat "$logdir"/tx.* 2>/dev/null | awk '{ print $3 }' | sort -n |
    awk '{ v[NR] = $1 } END { if (NR) printf "%.2f", v[int(0.99 * NR + 0.999999)] / 1000; else print 0 }')
  rm -rf "$logdir"
  printf '%s %s %s\n' "${tps:-0}" "$p99" "${bad:-?}"
}

echo "== runs: ${duration} s each, $conns clients (wrk -t2; pgbench -j2 -M prepared), $(nproc) cores"
declare -A R
for e in "${endpoints[@]}"; do
  IFS='|' read -r name method path script <<<"$e"
  body=
  [ "$method" = POST ] && body=$work/body/$name.json
  R[$name-api]=$(wrk_run "$work/out/wrk-api-$name.txt" "$api$path" "$body")
  R[$name-nginx]=$(wrk_run "$work/out/wrk-nginx-$name.txt" "$nginx$path" "$body")
  id=$vacancy
  [ "$name" = job_seeker ] && id=$seeker
  R[$name-pg]=$(pgbench_run "$work/out/pgbench-$name.txt" "$work/sql/$script.sql" \
    -D id="$id" -D office="$office" -D js="$seeker" -D key_id="$key_id" \
    -D position="$position" -D seeker="$seeker" -D today="$today")
  printf '   %-17s api %-28s nginx %-28s pgbench %s\n' "$name" "${R[$name-api]}" "${R[$name-nginx]}" "${R[$name-pg]}"
done
psql_q -c "SELECT 1" >/dev/null
pgbench -i -s 1 -q "$DATABASE_URL" >"$work/out/pgbench-init.txt" 2>&1
R[S]=$(pgbench_run "$work/out/pgbench-S.txt" "" -S)
alive "$api_pid" || { echo "the server exited during the runs" >&2; cat "$work/api.log" >&2; exit 1; }
rss_after=$(mem "$api_pid" VmRSS)
hwm=$(mem "$api_pid" VmHWM)
rss_tree() { # rss_tree PID: kB of PID and its children
  local p
  for p in "$1" $(pgrep -P "$1" || true); do mem "$p" VmRSS || true; done | awk '{ s += $1 } END { print s + 0 }'
}
nginx_rss=$(rss_tree "$nginx_pid")
pg_rss=$(rss_tree "$(head -n 1 "$pgdir/pg/postmaster.pid" 2>/dev/null || echo 0)")

echo
echo "$(nproc) cores, ${duration} s per run, $conns clients; $seekers job seekers, $employers employers seeded;"
echo "the API with --threads $api_threads --pool-size 8, nginx with 2 workers, pgbench -j2 -M prepared"
echo "req/s and p99 (ms); errors = wrk socket errors + non-2xx, pgbench failed transactions"
echo
printf '| %-44s | %9s | %8s | %9s | %8s | %9s | %8s | %9s | %9s |\n' endpoint "API req/s" "API p99" \
  "nginx r/s" "ngx p99" "pgbench" "pg p99" "API/nginx" "API/pgb"
echo '|---|---:|---:|---:|---:|---:|---:|---:|---:|'
for e in "${endpoints[@]}"; do
  IFS='|' read -r name method path _ <<<"$e"
  read -r ar ap ae <<<"${R[$name-api]}"
  read -r nr np ne <<<"${R[$name-nginx]}"
  read -r pr pp pe <<<"${R[$name-pg]}"
  label="$method $(sed -E 's/[0-9a-f]{8}-[0-9a-f-]{27}/{id}/g; s/office=[A-Z0-9]+/office=…/' <<<"$path")"
  printf '| %-44s | %9.0f | %8s | %9.0f | %8s | %9.0f | %8s | %9s | %9s |\n' "$label" "$ar" "$ap" "$nr" "$np" \
    "$pr" "$pp" "$(awk -v a="$ar" -v b="$nr" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / b }')" \
    "$(awk -v a="$ar" -v b="$pr" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / b }')"
  [ "$ae$ne" = 00 ] && [ "$pe" = 0 ] || echo "NOTE: $name: errors api $ae, nginx $ne, pgbench $pe"
done
read -r sr sp se <<<"${R[S]}"
[ "$se" = 0 ] || echo "NOTE: pgbench -S: $se failed transactions"
printf '| %-44s | %9s | %8s | %9s | %8s | %9.0f | %8s | %9s | %9s |\n' "pgbench -S (its own pgbench_accounts)" "" "" "" "" \
  "$sr" "$sp" "" ""
echo
echo "memory (VmRSS): server $((rss_ready / 1024)) MB with the index loaded, $((rss_after / 1024)) MB after the runs" \
  "(peak $((hwm / 1024)) MB); nginx $((nginx_rss / 1024)) MB (master + 2 workers); PostgreSQL $((pg_rss / 1024)) MB" \
  "(postmaster and its children, the shared buffers they touched counted in each)"
echo "BENCH rss_ready_kb=$rss_ready rss_after_kb=$rss_after rss_peak_kb=$hwm nginx_rss_kb=$nginx_rss pg_rss_kb=$pg_rss"
