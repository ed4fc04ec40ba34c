#!/usr/bin/env bash
# Matching at scale: the in-memory index against the SQL oracle, and the same
# searches over HTTP. A benchmark, not a test: it prints what it measured
# against the targets and exits 0 unless something could not be set up.
# Loopback only.
#
#   tests/bench/match.sh
#
# What it does, in one run:
#   1. builds the release binaries in build-bench (incrocio, and bench-match,
#      which only this script builds: ninja -C build-bench tests/bench/bench-match);
#   2. makes a throwaway PostgreSQL 15 cluster (scripts/pg), migrates it, and
#      fills it with BENCH_SEEKERS live job seekers and BENCH_POSITIONS open
#      positions: `incrocio seed` makes a realistic base (BENCH_BASE_SEEKERS
#      people, BENCH_BASE_EMPLOYERS employers; seeding a million through the
#      API's code path would take hours), then tests/bench/multiply.sql copies
#      it in SQL up to the exact counts (fresh ids, valid codici fiscali,
#      coordinates jittered by about 1 km; see that file);
#   3. loads the SQL oracle (sql/oracle/score.sql, records.sql, topk.sql) into
#      schema incrocio_oracle and gives it an index on job_seeker_skills (code)
#      (the engine has its posting lists; the migrations have no such index);
#   4. bench-match: the index's load time and bytes per seeker, then p50/p99
#      of the top 50 for BENCH_SAMPLES random open positions and as many random
#      job seekers, in process and through the oracle, and their ratio (both
#      answers compared as well);
#   5. `incrocio serve` on the same database, an admin key from `incrocio keys
#      create`, and the same searches timed over HTTP with curl (one
#      keep-alive connection, after 5 untimed requests).
#
# Environment: BENCH_SEEKERS (1000000), BENCH_POSITIONS (20000), BENCH_SAMPLES
# (200), BENCH_BASE_SEEKERS (20000), BENCH_BASE_EMPLOYERS (1000),
# BENCH_PG_DIR (a cluster folder to keep and reuse: it is made when missing
# and seeded only when its counts differ; default: a throwaway one),
# BENCH_KEEP=1 (keep the throwaway cluster and print its folder).
#
# Time: at a million people about 10 minutes on 2 cores (seeding the base
# ~1 min, multiplying ~2 min, the oracle's 400 searches ~3 min, two index
# loads). Try BENCH_SEEKERS=50000 BENCH_POSITIONS=2000 first.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../../scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"
cd "$INCROCIO_ROOT"

seekers=${BENCH_SEEKERS:-1000000}
positions=${BENCH_POSITIONS:-20000}
samples=${BENCH_SAMPLES:-200}
base_seekers=${BENCH_BASE_SEEKERS:-20000}
base_employers=${BENCH_BASE_EMPLOYERS:-1000}
[ "$base_seekers" -gt "$seekers" ] && base_seekers=$seekers

ensure_packages "${RUN_PACKAGES[@]}" curl

echo "== build (release) in build-bench"
[ -f build-bench/build.ninja ] || meson setup build-bench --buildtype=release >/dev/null
ninja -C build-bench incrocio tests/bench/bench-match >/dev/null
bin=$INCROCIO_ROOT/build-bench/incrocio
bench=$INCROCIO_ROOT/build-bench/tests/bench/bench-match

work=$(mktemp -d /tmp/incrocio-bench-match.XXXXXX)
chmod 755 "$work" # the postgres user (as root) reads below it
if [ -n "${BENCH_PG_DIR:-}" ]; then
  pgdir=$BENCH_PG_DIR
  keep_pg=1
else
  pgdir=$work/pg
  keep_pg=${BENCH_KEEP:-0}
fi
api_pid=

cleanup() {
  trap - EXIT INT TERM
  stop_pid "$api_pid"
  if [ "$keep_pg" = 1 ]; then
    [ -d "$pgdir/pg" ] && scripts/pg stop "$pgdir"
    echo "cluster kept in $pgdir (scripts/pg start $pgdir)"
    [ "$pgdir" = "$work/pg" ] && { find "$work" -maxdepth 1 -type f -delete; return; }
  else
    [ -d "$pgdir/pg" ] && scripts/pg stop "$pgdir"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== PostgreSQL 15 in $pgdir"
if [ ! -f "$pgdir/pg/PG_VERSION" ]; then
  scripts/pg init "$pgdir" "$(free_port)"
  # Room for a million people's tables in the server's own cache (an eighth
  # of the memory, at most 2 GB), and a bulk load without a checkpoint every
  # minute.
  mem_mb=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
  sb_mb=$((mem_mb / 8 > 2048 ? 2048 : mem_mb / 8))
  [ "$sb_mb" -lt 128 ] && sb_mb=128
  cat >>"$pgdir/pg/postgresql.conf" <<CONF
# tests/bench/match.sh
shared_buffers = ${sb_mb}MB
max_wal_size = 8GB
checkpoint_timeout = 30min
CONF
fi
scripts/pg start "$pgdir"
export DATABASE_URL
DATABASE_URL=$(scripts/pg url "$pgdir")
psql_q() { psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 "$@"; }
"$bin" migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; exit 1; }

counts() {
  psql_q -At -c "SELECT (SELECT count(*) FROM job_seekers WHERE erased_at IS NULL) || ' ' ||
    (SELECT count(*) FROM positions p JOIN vacancies v ON v.id = p.vacancy_id
     WHERE v.state = 'published' AND p.filled < p.quantity
       AND (v.valid_until IS NULL OR v.valid_until >= (now() AT TIME ZONE 'UTC')::date))"
}
read -r have_seekers have_positions <<<"$(counts)"
if [ "$have_seekers" != "$seekers" ] || [ "$have_positions" != "$positions" ]; then
  if [ "$have_seekers" -ne 0 ]; then
    echo "the cluster has $have_seekers job seekers and $have_positions open positions, not" \
      "$seekers and $positions: use another BENCH_PG_DIR" >&2
    exit 1
  fi
  echo "== seed: a base of $base_seekers job seekers and $base_employers employers"
  t0=$(date +%s.%N)
  "$bin" seed --job-seekers "$base_seekers" --employers "$base_employers" --seed 42
  t1=$(date +%s.%N)
  echo "== multiply to $seekers job seekers and $positions open positions (tests/bench/multiply.sql)"
  psql_q -v seekers="$seekers" -v positions="$positions" -v seed=0.42 -f tests/bench/multiply.sql
  t2=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "   seed %.0f s, multiply %.0f s\n", b - a, c - b }'
else
  echo "== reusing $have_seekers job seekers and $have_positions open positions"
fi

echo "== the SQL oracle (schema incrocio_oracle) and its index on job_seeker_skills (code)"
psql_q <<SQL
SET client_min_messages = warning;
CREATE INDEX IF NOT EXISTS job_seeker_skills_code_idx ON job_seeker_skills (code);
ANALYZE job_seeker_skills;
DROP SCHEMA IF EXISTS incrocio_oracle CASCADE;
CREATE SCHEMA incrocio_oracle;
SET search_path = incrocio_oracle, public;
\i sql/oracle/score.sql
\i sql/oracle/records.sql
\i sql/oracle/topk.sql
SQL

echo "== in process: the index and the oracle ($samples positions, $samples job seekers)"
"$bench" --samples "$samples" --k 50 --schema incrocio_oracle --urls "$work/urls.txt" |
  tee "$work/bench.txt"

echo "== over HTTP: incrocio serve, the same searches"
key=$("$bin" keys create --role admin --label "bench-match $(date +%s)" | sed -n 's/^key: //p')
[ -n "$key" ] || { echo "no key was made" >&2; exit 1; }
api_port=$(free_port)
t0=$(date +%s.%N)
"$bin" serve --no-migrate --listen 127.0.0.1 --port "$api_port" --threads 2 --pool-size 8 \
  --rate-limits admin=100000000,operator=100000000,portal=100000000,employer=100000000 \
  --log-level warning >"$work/api.log" 2>&1 &
api_pid=$!
base=http://127.0.0.1:$api_port
ready=0
for ((i = 0; i < 3000; i++)); do # 300 s at most
  if curl -sf "$base/v1/status" 2>/dev/null | grep -q '"ready":true'; then
    ready=1
    break
  fi
  alive "$api_pid" || break
  sleep 0.1
done
t1=$(date +%s.%N)
[ "$ready" = 1 ] || { echo "the server's index never became ready" >&2; cat "$work/api.log" >&2; exit 1; }
server_ready=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
echo "   server up with its index loaded after $server_ready s"

# One curl, one keep-alive connection, one line per request: code and seconds.
timed() { # timed FILE-OF-PATHS OUT
  sed -e "s|^|url = \"$base|" -e 's|$|"\noutput = "/dev/null"|' "$1" >"$work/curl.cfg"
  curl -s -K "$work/curl.cfg" -H "Authorization: Bearer $key" -w '%{http_code} %{time_total}\n' >"$2"
}
head -n 5 "$work/urls.txt" >"$work/warm.txt"
timed "$work/warm.txt" "$work/warm.out"
head -n "$samples" "$work/urls.txt" >"$work/pos.txt"
tail -n +"$((samples + 1))" "$work/urls.txt" >"$work/seek.txt"
timed "$work/pos.txt" "$work/pos.out"
timed "$work/seek.txt" "$work/seek.out"
alive "$api_pid" || { echo "the server exited during the runs" >&2; cat "$work/api.log" >&2; exit 1; }

# stats FILE: "n p50_ms p99_ms non200" (nearest rank)
stats() {
  local bad
  bad=$(grep -vc '^200 ' "$1" || true)
  awk '{ print $2 * 1000 }' "$1" | sort -g |
    awk -v bad="$bad" '{ v[NR] = $1 }
      END { if (NR == 0) { print "0 0 0 " bad; exit }
            i50 = int(0.50 * NR + 0.999999); i99 = int(0.99 * NR + 0.999999)
            printf "%d %.3f %.3f %d\n", NR, v[i50], v[i99], bad }'
}
read -r hp_n hp_50 hp_99 hp_bad <<<"$(stats "$work/pos.out")"
read -r hs_n hs_50 hs_99 hs_bad <<<"$(stats "$work/seek.out")"
printf 'HTTP, top 50 with explanations, curl on loopback:\n'
printf '  position -> job seekers  %d requests  p50 %9.3f ms   p99 %9.3f ms   non-200: %d\n' \
  "$hp_n" "$hp_50" "$hp_99" "$hp_bad"
printf '  job seeker -> positions  %d requests  p50 %9.3f ms   p99 %9.3f ms   non-200: %d\n' \
  "$hs_n" "$hs_50" "$hs_99" "$hs_bad"
if [ $((hp_bad + hs_bad)) -gt 0 ]; then
  echo "   first answers that were not 200:"
  grep -hv '^200 ' "$work/pos.out" "$work/seek.out" | head -n 3
fi
echo "BENCH http_position_p50_ms=$hp_50 http_position_p99_ms=$hp_99 http_seeker_p50_ms=$hs_50" \
  "http_seeker_p99_ms=$hs_99 http_non200=$((hp_bad + hs_bad)) server_ready_s=$server_ready"
stop_pid "$api_pid"
api_pid=

# ---- against the targets ----
val() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" "$work/bench.txt" | head -n 1; }
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {
  ok = (op == "<=") ? (v + 0 <= t + 0) : (v + 0 >= t + 0); print ok ? "met" : "NOT met" }'; }
load_s=$(val load_s)
bps=$(val bytes_per_seeker)
p50=$(val position_engine_p50_ms)
ratio=$(val position_ratio_p50)
n_seekers=$(val seekers)
echo
echo "targets ($n_seekers job seekers, $(val positions) open positions, $(nproc) cores):"
printf '  %-48s %12s  %s\n' "top-50 for a position, engine p50 <= 20 ms" "$p50 ms" "$(verdict "$p50" 20 '<=')"
printf '  %-48s %12s  %s\n' "oracle p50 / engine p50 >= 50x" "${ratio}x" "$(verdict "$ratio" 50 '>=')"
printf '  %-48s %12s  %s\n' "index bytes per seeker <= 200" "$bps" "$(verdict "$bps" 200 '<=')"
printf '  %-48s %12s  %s\n' "index load <= 15 s" "$load_s s" "$(verdict "$load_s" 15 '<=')"
printf '  (also: job seeker -> positions engine p50 %s ms, oracle/engine %sx; HTTP p50 %s / %s ms)\n' \
  "$(val seeker_engine_p50_ms)" "$(val seeker_ratio_p50)" "$hp_50" "$hs_50"
same_p=$(val position_same)
same_s=$(val seeker_same)
if [ "$same_p" != "$samples" ] || [ "$same_s" != "$samples" ]; then
  echo "NOTE: the engine and the oracle differ on $((samples - same_p)) positions and" \
    "$((samples - same_s)) job seekers (tests/db/test_topk.c shows how)"
fi
