#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
#
# Makes sure a PostgreSQL server is reachable, exports ANKOMMEN_TEST_DATABASE_URL
# (an admin connection; the Rust test harness creates one database per test from
# it) and runs COMMAND. Order of preference:
#   1. ANKOMMEN_TEST_DATABASE_URL already set        -> used as is
#   2. a server answers on 127.0.0.1:5432            -> postgres://postgres@127.0.0.1:5432/postgres
#   3. a Debian cluster exists (/etc/postgresql/*)   -> pg_ctlcluster ... main start, then as 2.
#   4. throwaway server from /usr/lib/postgresql/*/bin (initdb into a temp dir,
#      trust auth, port 55432, unix socket in the temp dir), stopped on exit.
# Exit code is COMMAND's.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

log() { echo "with-postgres: $*" >&2; }

# Can we actually log in (not only "is something listening")? Without psql we
# have to trust pg_isready.
can_connect() { # host port
    if command -v psql >/dev/null 2>&1; then
        PGCONNECT_TIMEOUT=5 psql -X -q -w -h "$1" -p "$2" -U postgres -d postgres \
            -c 'select 1' >/dev/null 2>&1
    else
        pg_isready -q -h "$1" -p "$2" >/dev/null 2>&1
    fi
}

if [ -n "${ANKOMMEN_TEST_DATABASE_URL:-}" ]; then
    export ANKOMMEN_TEST_DATABASE_URL
    exec "$@"
fi

if command -v pg_isready >/dev/null 2>&1; then
    if pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
        if can_connect 127.0.0.1 5432; then
            export ANKOMMEN_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
            exec "$@"
        fi
        log "a server answers on 127.0.0.1:5432 but user postgres cannot log in without a password; starting a throwaway server"
    elif command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ] \
        && [ -n "$(ls -A /etc/postgresql 2>/dev/null)" ]; then
        for version in $(ls /etc/postgresql | sort -V -r); do
            [ -d "/etc/postgresql/$version/main" ] || continue
            log "starting cluster $version/main"
            pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
            for _ in $(seq 1 30); do
                pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1 && break
                sleep 0.5
            done
            if pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
                break
            fi
        done
        if can_connect 127.0.0.1 5432; then
            export ANKOMMEN_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
            exec "$@"
        fi
        log "could not use the system cluster on 127.0.0.1:5432; starting a throwaway server"
    fi
fi

# --- throwaway server ------------------------------------------------------
bindir=""
if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null 2>&1; then
    bindir=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
elif command -v initdb >/dev/null 2>&1; then
    bindir=$(dirname "$(command -v initdb)")
else
    log "no PostgreSQL server binaries found (run scripts/install-deps.sh)"
    exit 1
fi

port=55432
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ankommen-pg.XXXXXX")
run_pg=()
if [ "$(id -u)" -eq 0 ]; then
    # initdb and postgres refuse to run as root.
    if ! id postgres >/dev/null 2>&1; then
        log "running as root but there is no 'postgres' user to run the server as"
        rm -rf "$tmp"
        exit 1
    fi
    chown postgres: "$tmp"
    chmod 700 "$tmp"
    run_pg=(runuser -u postgres --)
fi

cleanup() {
    "${run_pg[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "starting throwaway server ($bindir) on 127.0.0.1:$port, socket in $tmp"
if ! "${run_pg[@]}" "$bindir/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$tmp/initdb.log" 2>&1; then
    cat "$tmp/initdb.log" >&2
    log "initdb failed"
    exit 1
fi
if ! "${run_pg[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 30 \
    -o "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null 2>&1; then
    cat "$tmp/server.log" >&2 || true
    log "could not start the throwaway server"
    exit 1
fi

export ANKOMMEN_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
rc=0
"$@" || rc=$?
exit "$rc"
