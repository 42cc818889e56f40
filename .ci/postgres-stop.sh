#!/usr/bin/env bash
# Stop the throw-away PostgreSQL that .ci/postgres.sh started and delete its data: the argument is
# the file .ci/postgres.sh wrote the data folder into. Does nothing when there is none.
set -uo pipefail

state=${1:-}
[ -n "$state" ] && [ -s "$state" ] || exit 0
data=$(cat "$state")
case "$data" in /tmp/wuyebot-pg.*) ;; *) echo "postgres-stop: not a throw-away data folder: $data" >&2; exit 1 ;; esac
[ -d "$data" ] || exit 0
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
run "'$bin/pg_ctl' -D '$data' -m immediate -w stop" >/dev/null 2>&1 || true
rm -rf "$data" "$state"
