#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on loopback for the tests; prints the admin URL to use as
# WUYEBOT_TEST_POSTGRES_URL. Installs the server from Debian's packages when it is missing.
# With an argument, writes the server's data folder into that file, for .ci/postgres-stop.sh.
set -euo pipefail

find_bin() {
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

if ! bin=$(find_bin); then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
  bin=$(find_bin)
fi

port=${PGPORT_FOR_TESTS:-$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}
data=$(mktemp -d /tmp/wuyebot-pg.XXXXXX)
if [ $# -ge 1 ]; then echo "$data" > "$1"; fi
chown postgres "$data" 2>/dev/null || true
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
run "'$bin/initdb' -D '$data' -U postgres -A trust -E UTF8 --no-locale" >/dev/null
run "'$bin/pg_ctl' -D '$data' -l '$data/log' -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" -w start" >/dev/null
echo "postgresql+asyncpg://postgres@127.0.0.1:$port/postgres"
