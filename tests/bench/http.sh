#!/usr/bin/env bash
# HTTP throughput of GET /v1/status: Incrocio (release build) next to nginx
# serving the same bytes as a static file, both on loopback, measured with wrk.
# A benchmark, not a test: it prints a table and exits 0 unless something
# could not be started. Loopback only; about 70 s (6 wrk runs of 10 s each).
#
#   tests/bench/http.sh
#
# Environment: BENCH_DURATION (wrk -d, default 10s), BENCH_SAVE_DIR (if set,
# the raw wrk outputs, the server log and nginx.conf are copied there).
#
# Both servers get the same CPU budget: Incrocio --threads 2 (its epoll thread
# pool) and nginx worker_processes 2, on a 2-core machine shared with wrk -t2.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../../scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"
cd "$INCROCIO_ROOT"

duration=${BENCH_DURATION:-10s}
conns=(8 64 1000)
nginx_workers=2

ensure_packages "${RUN_PACKAGES[@]}" curl wrk nginx-light

echo "== build (release) in build-bench"
[ -f build-bench/build.ninja ] || meson setup build-bench --buildtype=release >/dev/null
ninja -C build-bench incrocio >/dev/null
bin=$INCROCIO_ROOT/build-bench/incrocio

# 1,000 connections need that many descriptors in wrk, nginx and the server.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
nofile=$(ulimit -n)
if [ "$nofile" != unlimited ] && [ "$nofile" -lt 4096 ]; then
  echo "open files limit is $nofile (< 4096): the 1000-connection runs are skipped" >&2
  conns=(8 64)
fi

work=$(mktemp -d /tmp/incrocio-bench.XXXXXX)
chmod 755 "$work" # the postgres user (as root) and nginx's workers read below it
pgdir=$work/pg
api_pid=
nginx_pid=

save_logs() {
  [ -n "${BENCH_SAVE_DIR:-}" ] || return 0
  mkdir -p "$BENCH_SAVE_DIR"
  cp "$work"/wrk-*.txt "$work/api.log" "$work/nginx/nginx.conf" "$work/nginx/error.log" \
    "$BENCH_SAVE_DIR"/ 2>/dev/null || true
}

cleanup() {
  trap - EXIT INT TERM
  stop_pid "$api_pid"
  stop_pid "$nginx_pid"
  save_logs
  [ -d "$pgdir/pg" ] && scripts/pg stop "$pgdir"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== PostgreSQL 15 (throwaway cluster)"
scripts/pg init "$pgdir" "$(free_port)"
scripts/pg start "$pgdir"

echo "== Incrocio"
api_port=$(free_port)
DATABASE_URL=$(scripts/pg url "$pgdir") "$bin" serve --listen 127.0.0.1 --port "$api_port" \
  --threads 2 --pool-size 8 --rate-limit 100000000 --log-level warning >"$work/api.log" 2>&1 &
api_pid=$!
api_url=http://127.0.0.1:$api_port/v1/status
wait_http "$api_url" 30 || { echo "the server did not answer" >&2; cat "$work/api.log" >&2; exit 1; }
# 200 once the pool's background check has seen the database.
for ((i = 0; i < 100; i++)); do
  curl -sf -o "$work/status.json" "$api_url" && break
  sleep 0.1
done
[ -s "$work/status.json" ] || { echo "GET /v1/status never answered 200" >&2; exit 1; }

echo "== nginx ($nginx_workers workers) serving the same body"
mkdir -p "$work/nginx/www/v1" "$work/nginx/tmp"
cp "$work/status.json" "$work/nginx/www/v1/status"
chmod -R a+rX "$work/nginx"
user_line=
if [ "$(id -u)" -eq 0 ]; then
  # Workers drop to nobody (Debian's group for it is nogroup); the files are world-readable.
  user_line="user nobody $(id -gn nobody);"
fi
nginx_port=$(free_port)
cat >"$work/nginx/nginx.conf" <<CONF
$user_line
daemon off;
master_process on;
worker_processes $nginx_workers;
worker_rlimit_nofile 16384;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events {
  worker_connections 8192;
}
http {
  access_log off;
  server_tokens off;
  keepalive_timeout 65s;
  keepalive_requests 100000000; # as Incrocio: no cap on requests per connection
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/nginx/www;
    location = /v1/status {
      types { }
      default_type application/problem+json;
    }
  }
}
CONF
nginx -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
nginx_url=http://127.0.0.1:$nginx_port/v1/status
wait_http "$nginx_url" 10 || { echo "nginx did not answer" >&2; cat "$work/nginx/error.log" >&2; exit 1; }
curl -sf -o "$work/nginx-status.json" "$nginx_url"
cmp -s "$work/status.json" "$work/nginx-status.json" || { echo "nginx serves other bytes" >&2; exit 1; }

# parse FILE: prints "req/s p50 p99 connect/read/write/timeout non-2xx/3xx" from wrk's output.
parse() {
  awk '
    /^Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = $2 }
    $1 == "99%" { p99 = $2 }
    /Socket errors:/ { gsub(",", ""); se = $4 "/" $6 "/" $8 "/" $10 }
    /Non-2xx or 3xx responses:/ { non = $5 }
    END { printf "%s %s %s %s %s\n", rps ? rps : "-", p50 ? p50 : "-", p99 ? p99 : "-",
                 se ? se : "0/0/0/0", non ? non : 0 }' "$1"
}

declare -A rps errs
echo "== wrk -t2 -d$duration --latency (ulimit -n $nofile)"
for c in "${conns[@]}"; do
  for target in api nginx; do
    url=$api_url
    [ "$target" = nginx ] && url=$nginx_url
    echo "   $target, $c connections"
    wrk -t2 -c"$c" -d"$duration" --latency "$url" >"$work/wrk-$target-$c.txt" 2>&1 ||
      echo "   wrk exited non-zero: $(tail -n 1 "$work/wrk-$target-$c.txt")"
    read -r r p50 p99 se non <<<"$(parse "$work/wrk-$target-$c.txt")"
    rps[$target-$c]=$r
    errs[$target-$c]=$se
    printf '%-6s %6s %12s %10s %10s %20s %12s\n' "$target" "$c" "$r" "$p50" "$p99" "$se" "$non" \
      >>"$work/table.txt"
  done
  sleep 1 # let the closed connections of the 1000-connection runs drain
done

alive "$api_pid" || { echo "the server exited during the runs" >&2; cat "$work/api.log" >&2; exit 1; }

echo
echo "GET /v1/status, $(nproc) cores, wrk -t2 -d$duration; Incrocio --threads 2 --pool-size 8, nginx worker_processes $nginx_workers"
echo "socket errors are connect/read/write/timeout; the last column is wrk's 'Non-2xx or 3xx responses'"
echo
printf '%-6s %6s %12s %10s %10s %20s %12s\n' target conns req/s p50 p99 "socket errors" "non-2xx/3xx"
cat "$work/table.txt"
echo
echo "API/nginx req/s:"
notes=()
for c in "${conns[@]}"; do
  ratio=$(awk -v a="${rps[api-$c]}" -v n="${rps[nginx-$c]}" \
    'BEGIN { if (a + 0 > 0 && n + 0 > 0) printf "%.2f", a / n; else print "-" }')
  printf '  %5s connections: %s\n' "$c" "$ratio"
  if [ "$c" = 64 ] && [ "$ratio" != - ] && awk -v r="$ratio" 'BEGIN { exit !(r < 0.8) }'; then
    notes+=("the API reaches $ratio of nginx's req/s at 64 connections (< 0.8)")
  fi
done
if [ -n "${errs[api-1000]:-}" ] && [ "${errs[api-1000]}" != 0/0/0/0 ]; then
  notes+=("the API had socket errors at 1000 connections: ${errs[api-1000]} (connect/read/write/timeout)")
fi
for n in "${notes[@]}"; do echo "NOTE: $n"; done

if [ -s "$work/api.log" ]; then
  echo
  echo "server log (warnings and errors, last 20 of $(wc -l <"$work/api.log") lines):"
  tail -n 20 "$work/api.log" | sed 's/^/  /'
fi
