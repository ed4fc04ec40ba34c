# Shared by scripts/run, scripts/test and the benchmarks: sourced, not run.

INCROCIO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# What building and serving needs on Debian 12.
RUN_PACKAGES=(gcc meson ninja-build pkg-config python3 libulfius-dev libjansson-dev
  liborcania-dev libyder-dev libmicrohttpd-dev libpq-dev postgresql-15 postgresql-client-15)
# What the tests need on top of that.
TEST_PACKAGES=(libcmocka-dev clang libclang-rt-14-dev cppcheck clang-format curl
  haproxy # tests/scale
  wrk)    # tests/load

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs whichever of the named Debian packages are missing.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A free TCP port on loopback.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until GET url answers (any status), at most $2 seconds.
wait_http() {
  local url=$1 tries=$(( ${2:-20} * 10 ))
  while [ "$tries" -gt 0 ]; do
    curl -s -o /dev/null "$url" && return 0
    sleep 0.1
    tries=$((tries - 1))
  done
  return 1
}

# True while PID runs (a zombie child, exited but not yet waited for, is not).
alive() {
  local state
  state=$(sed -E 's/^.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# stop_pid PID: SIGTERM, then SIGKILL after 10 s; reaps it.
stop_pid() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  alive "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}
