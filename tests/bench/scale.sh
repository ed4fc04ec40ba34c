#!/usr/bin/env bash
# Scale-out figures (a benchmark, not a test; loopback only; about 90 s): the
# release build, a primary with seeded data and its streaming replica
# (scripts/pg replica), then wrk on a portal's vacancies list (a replica read
# when DATABASE_READ_URL is set) and on one vacancy by id (always the
# primary) against
#   1. one server, DATABASE_URL only (everything on the primary);
#   2. one server with DATABASE_READ_URL (the list on the replica);
#   3. haproxy (docker/haproxy.cfg) over two servers with DATABASE_READ_URL.
# Each server has --threads 2. On a 2-core machine everything (wrk, haproxy,
# the servers, both PostgreSQL) shares the same two cores: the figures show
# what the topology costs, not what more machines would give.
#
#   tests/bench/scale.sh        (BENCH_DURATION, default 10s; BENCH_CONNS, default 64)
set -euo pipefail
# shellcheck source=SCRIPTDIR/../../scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"
cd "$INCROCIO_ROOT"

duration=${BENCH_DURATION:-10s}
conns=${BENCH_CONNS:-64}
ensure_packages "${RUN_PACKAGES[@]}" curl wrk haproxy

echo "== build (release) in build-bench"
[ -f build-bench/build.ninja ] || meson setup build-bench --buildtype=release >/dev/null
ninja -C build-bench incrocio >/dev/null
bin=$INCROCIO_ROOT/build-bench/incrocio

work=$(mktemp -d /tmp/incrocio-scale-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -d "$work/replica/pg" ] && scripts/pg stop "$work/replica"
  [ -d "$work/primary/pg" ] && scripts/pg stop "$work/primary"
  rm -rf "$work"
}
trap cleanup EXIT

echo "== a primary with seeded data, and its replica"
scripts/pg init "$work/primary" "$(free_port)" && scripts/pg start "$work/primary"
url=$(scripts/pg url "$work/primary")
DATABASE_URL=$url "$bin" migrate >/dev/null 2>&1
DATABASE_URL=$url "$bin" seed --job-seekers 2000 --employers 300 --seed 8 >/dev/null
scripts/pg replica "$work/primary" "$work/replica" "$(free_port)"
read_url=$(scripts/pg url "$work/replica")
key=$(DATABASE_URL=$url "$bin" keys create --role portal --label "scale bench" | sed -n 's/^key: //p')
vid=$(psql -X -At "$url" -c "SELECT id FROM vacancies WHERE state = 'published' LIMIT 1")
[ -n "$vid" ] || { echo "no published vacancy in the seeded data" >&2; exit 1; }
sleep 1 # the replica replays the seed

serve() { # serve PORT [READ_URL]: one server in the background
  DATABASE_URL=$url DATABASE_READ_URL=${2:-} "$bin" serve --no-migrate --port "$1" --threads 2 \
    --rate-limits portal=100000000 --log-level warning >>"$work/server-$1.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$1/v1/status" 60
}

run() { # run LABEL PORT: wrk on the list and on the read by id
  local label=$1 port=$2 path out
  for path in "/v1/vacancies?limit=20" "/v1/vacancies/$vid"; do
    out=$(wrk -t2 -c"$conns" -d"$duration" --latency -H "Authorization: Bearer $key" \
      "http://127.0.0.1:$port$path")
    printf '| %s | `GET %s` | %s | %s | %s |\n' "$label" "${path/$vid/{id\}}" \
      "$(awk '/^Requests\/sec/ {printf "%d", $2}' <<<"$out")" \
      "$(awk '$1 == "99%" {print $2}' <<<"$out")" \
      "$(grep -oE 'Non-2xx or 3xx responses: [0-9]+' <<<"$out" | grep -oE '[0-9]+$' || echo 0)"
  done
}

echo "== wrk -t2 -c$conns -d$duration"
echo "| topology | request | req/s | p99 | non-2xx |"
echo "|---|---|---|---|---|"
p1=$(free_port); serve "$p1"
run "one server, primary only" "$p1"
kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

p2=$(free_port); serve "$p2" "$read_url"
run "one server + replica" "$p2"

p3=$(free_port); serve "$p3" "$read_url"
lb=$(free_port)
INCROCIO_LB_BIND=127.0.0.1:$lb INCROCIO_API_A=127.0.0.1:$p2 INCROCIO_API_B=127.0.0.1:$p3 \
  haproxy -db -f docker/haproxy.cfg >"$work/haproxy.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$lb/v1/status" 20
sleep 1.5 # both servers pass their health checks
run "haproxy, two servers + replica" "$lb"
