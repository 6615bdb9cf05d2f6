#!/bin/sh
# pg.sh - a throw-away PostgreSQL server for the tests of the PostgreSQL register (issue 14):
# initdb + pg_ctl in a temporary folder, listening on a Unix socket there only, no TCP.
#   sh tests/pg.sh start    prints "DIR ADDRESS": the folder (for stop) and the address of an
#                           empty database (postgresql://…?host=DIR); status ≠ 0 and the
#                           reason on stderr when no server can be started
#   sh tests/pg.sh stop DIR stops that server and removes DIR
# initdb refuses to run as root: as root, the server runs as the user postgres (Debian's
# postgresql package makes it), or nobody.
set -u

bindir() {
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

# as CMD...: run CMD as the server's user.
as() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$owner" -- "$@"
    else
        "$@"
    fi
}

start() {
    bin=$(bindir) || { echo "pg.sh: initdb not found: install Debian's postgresql package (make setup)" >&2; exit 1; }
    owner=$(id -un)
    if [ "$(id -u)" -eq 0 ]; then
        owner=postgres
        id postgres >/dev/null 2>&1 || owner=nobody
    fi
    dir=$(mktemp -d /tmp/sc-pg.XXXXXX) || exit 1
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown "$owner" "$dir"
    # C locale: texts compare byte by byte (the register's tables ask for it anyway).
    if ! as "$bin/initdb" -D "$dir/data" -U skillcert -A trust --no-sync -E UTF8 --locale=C \
        >"$dir/initdb.log" 2>&1; then
        echo "pg.sh: initdb failed:" >&2
        tail -n 5 "$dir/initdb.log" >&2
        rm -rf "$dir"
        exit 1
    fi
    if ! as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $dir -c fsync=off -c max_connections=60" start >/dev/null 2>&1; then
        echo "pg.sh: the server did not start:" >&2
        tail -n 5 "$dir/server.log" >&2
        rm -rf "$dir"
        exit 1
    fi
    echo "$dir postgresql://skillcert@/postgres?host=$dir"
}

stop() {
    dir=$1
    case $dir in /tmp/sc-pg.*) ;; *) echo "pg.sh: not a test server folder: $dir" >&2; exit 2 ;; esac
    bin=$(bindir) || exit 1
    owner=$(stat -c %U "$dir")
    as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$dir"
}

case ${1:-} in
start) start ;;
stop) stop "${2:?usage: pg.sh stop DIR}" ;;
*) echo "usage: pg.sh start | stop DIR" >&2; exit 2 ;;
esac
