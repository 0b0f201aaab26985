#!/usr/bin/env bash
# Usage: scripts/bench.sh sqlite|postgres [PAGE...]
#
# The benchmark of docs/benchmarks.md in one command: builds the release binary, generates the
# county dataset into a NEW database, starts the server on it, runs the load runner for each PAGE
# (default: day timeline), prints one result row per page, and stops the server.
#
#   sqlite    a new SQLite file in $BENCH_DIR (default: ./target/bench/sqlite, removed first)
#   postgres  a new database $BENCH_PG_DB (default: ankommen_bench, dropped first) on the server
#             that scripts/with-postgres.sh finds or starts
#
# Environment (all optional):
#   BENCH_CLIENTS=7500 BENCH_YEARS=5 BENCH_SEED=1   dataset size (see `ankommen bench generate --help`)
#   BENCH_USERS=20 BENCH_DURATION=30s BENCH_WARMUP=5s  load (see `ankommen bench run --help`)
#   BENCH_THINK=0s                                  each user's pause between pages (0: closed loop)
#   BENCH_PORT=18080                                port of the server
#   BENCH_KEEP=1                                    reuse an existing dataset instead of generating
#   ANKOMMEN_MAX_CONNECTIONS                        database pool of the server (default 8)
set -euo pipefail

backend=${1:-}
shift || true
pages=("$@")
[ ${#pages[@]} -eq 0 ] && pages=(day timeline)
case "$backend" in
sqlite | postgres) ;;
*)
    echo "usage: $0 sqlite|postgres [day|timeline|caseload|record ...]" >&2
    exit 2
    ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
clients=${BENCH_CLIENTS:-7500}
years=${BENCH_YEARS:-5}
seed=${BENCH_SEED:-1}
users=${BENCH_USERS:-20}
duration=${BENCH_DURATION:-30s}
warmup=${BENCH_WARMUP:-5s}
think=${BENCH_THINK:-0s}
port=${BENCH_PORT:-18080}
dir=${BENCH_DIR:-$root/target/bench/$backend}
bin=$root/target/release/ankommen

log() { echo "bench: $*" >&2; }

log "building the release binary"
cargo build --release -p ankommen >&2

if [ "$backend" = postgres ] && [ -z "${BENCH_IN_PG:-}" ]; then
    # Re-run this script with ANKOMMEN_TEST_DATABASE_URL pointing at a running server.
    export BENCH_IN_PG=1
    exec bash "$root/scripts/with-postgres.sh" bash "$0" "$backend" "${pages[@]}"
fi

mkdir -p "$dir"
db_args=(--data-dir "$dir")
if [ "$backend" = postgres ]; then
    admin=${ANKOMMEN_TEST_DATABASE_URL:?with-postgres.sh sets it}
    name=${BENCH_PG_DB:-ankommen_bench}
    url="${admin%/*}/$name"
    db_args+=(--database-url "$url")
    if [ -z "${BENCH_KEEP:-}" ]; then
        log "creating the database $name"
        psql -X -q -d "$admin" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
    fi
elif [ -z "${BENCH_KEEP:-}" ]; then
    rm -f "$dir"/ankommen.sqlite "$dir"/ankommen.sqlite-wal "$dir"/ankommen.sqlite-shm
fi

if [ -z "${BENCH_KEEP:-}" ]; then
    log "generating $clients clients over $years years (seed $seed)"
    /usr/bin/time -f "bench: generation took %e s, max RSS %M KiB" \
        "$bin" bench generate "${db_args[@]}" --clients "$clients" --years "$years" --seed "$seed"
fi
if [ "$backend" = sqlite ]; then
    log "database size: $(du -ch "$dir"/ankommen.sqlite* | tail -n 1 | cut -f1)"
else
    log "database size: $(psql -X -A -t -d "$url" -c "select pg_size_pretty(pg_database_size(current_database()))")"
fi

log "starting the server on 127.0.0.1:$port"
ANKOMMEN_LOG=${ANKOMMEN_LOG:-warn} "$bin" serve "${db_args[@]}" --listen "127.0.0.1:$port" \
    >"$dir/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || {
        cat "$dir/serve.log" >&2
        exit 1
    }
    sleep 0.2
done

for page in "${pages[@]}"; do
    log "page $page: $users users, think time $think, $warmup warm-up, $duration measured"
    "$bin" bench run --url "http://127.0.0.1:$port" --users "$users" --duration "$duration" \
        --warmup "$warmup" --think "$think" --page "$page" --label "$backend"
done
