#!/usr/bin/env bash
# Usage: scripts/bench.sh sqlite|postgres|both [RUN...]
#
# The benchmark of docs/benchmarks.md in one command: builds the release binary, generates the
# county dataset into a NEW database, starts the server on it, runs the load runner for each RUN
# (default: open day timeline), prints one result row per run with the server's resident set
# after it, and stops the server.
#
#   sqlite    a new SQLite file in $BENCH_DIR (default: ./target/bench/sqlite, removed first)
#   postgres  a new database $BENCH_PG_DB (default: ankommen_bench, dropped first) on the server
#             that scripts/with-postgres.sh finds or starts
#   both      sqlite, then postgres
#
# Each RUN is
#   open      the open loop: BENCH_RATE page views/s (50 % day view, 30 % timeline, 20 % record)
#             from BENCH_OPEN_USERS IMs, latency from each request's scheduled time; first by
#             default, so that the resident set printed after it is the one of the target
#   day|timeline|caseload|record|figures
#             the closed loop on one page: BENCH_USERS users, saturation throughput (figures: last
#             year's key figures as the user's role sees them; BENCH_USER=lead1 for a team lead,
#             BENCH_USER=koordination BENCH_PASSWORD=ankommen-demo for the coordinator)
#
# Environment (all optional):
#   BENCH_CLIENTS=7500 BENCH_YEARS=5 BENCH_SEED=1   dataset size (see `ankommen bench generate --help`)
#   BENCH_RATE=200 BENCH_OPEN_USERS=40              open loop (see `ankommen bench run --help`)
#   BENCH_OPEN_DURATION=60s BENCH_OPEN_WARMUP=10s   open loop: measured time after the warm-up
#   BENCH_ARRIVALS=even                             open loop: even or poisson (seed BENCH_SEED)
#   BENCH_USERS=20 BENCH_DURATION=30s BENCH_WARMUP=5s  closed loop
#   BENCH_THINK=0s                                  closed loop: each user's pause between pages
#   BENCH_PORT=18080                                port of the server
#   BENCH_BIN=PATH                                  use this binary instead of building the release one
#   BENCH_KEEP=1                                    reuse an existing dataset instead of generating
#   ANKOMMEN_MAX_CONNECTIONS                        database pool of the server (default 8)
set -euo pipefail

backend=${1:-}
shift || true
pages=("$@")
[ ${#pages[@]} -eq 0 ] && pages=(open day timeline)
case "$backend" in
sqlite | postgres) ;;
both)
    bash "$0" sqlite "${pages[@]}"
    exec bash "$0" postgres "${pages[@]}"
    ;;
*)
    echo "usage: $0 sqlite|postgres|both [open|day|timeline|caseload|record|figures ...]" >&2
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
rate=${BENCH_RATE:-200}
open_users=${BENCH_OPEN_USERS:-40}
open_duration=${BENCH_OPEN_DURATION:-60s}
open_warmup=${BENCH_OPEN_WARMUP:-10s}
arrivals=${BENCH_ARRIVALS:-even}
port=${BENCH_PORT:-18080}
dir=${BENCH_DIR:-$root/target/bench/$backend}
bin=${BENCH_BIN:-$root/target/release/ankommen}

log() { echo "bench: $*" >&2; }

if [ -z "${BENCH_BIN:-}" ]; then
    log "building the release binary"
    cargo build --release -p ankommen >&2
fi

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

rss() { awk '/^VmRSS:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$server/status"; }

for page in "${pages[@]}"; do
    if [ "$page" = open ]; then
        log "open loop: $rate page views/s ($arrivals) from $open_users users, $open_warmup warm-up, $open_duration measured"
        "$bin" bench run --url "http://127.0.0.1:$port" --rate "$rate" --users "$open_users" \
            --arrivals "$arrivals" --seed "$seed" --duration "$open_duration" \
            --warmup "$open_warmup" --server-pid "$server" --label "$backend"
    else
        log "page $page: $users users, think time $think, $warmup warm-up, $duration measured"
        "$bin" bench run --url "http://127.0.0.1:$port" --users "$users" --duration "$duration" \
            --warmup "$warmup" --think "$think" --page "$page" --label "$backend" \
            ${BENCH_USER:+--user "$BENCH_USER"} ${BENCH_PASSWORD:+--password "$BENCH_PASSWORD"}
    fi
    log "server resident set after $page: $(rss)"
done
