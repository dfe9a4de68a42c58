#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL cluster from the Debian server package: initdb into a
# temporary directory, run as the `postgres` user when we are root, unix socket only (no TCP
# listener at all), trust auth. Prints the socket directory on start. DIR/tablespace is an empty
# directory the server owns, for tests that need CREATE TABLESPACE.
#
#   scripts/pg-throwaway.sh start DIR   -> prints DIR (the socket directory); data in DIR/data
#   scripts/pg-throwaway.sh stop DIR    -> stops the server and removes DIR
set -euo pipefail

find_bindir() {
  if [[ -n "${MIGSAFE_PG_BINDIR:-}" ]]; then echo "$MIGSAFE_PG_BINDIR"; return; fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && { echo "$d"; return; }
  done
  return 1
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cmd=${1:-}
dir=${2:-}
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

case "$cmd" in
  start)
    bindir=$(find_bindir) || { echo "no PostgreSQL server binaries (initdb, pg_ctl) found" >&2; exit 3; }
    mkdir -p "$dir" "$dir/tablespace"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir" "$dir/tablespace"
    as_owner "$bindir/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bindir/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/server.log" \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "$dir"
    ;;
  stop)
    bindir=$(find_bindir) || exit 0
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
