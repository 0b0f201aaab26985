#!/usr/bin/env bash
# Browser tests (Playwright + axe-core) against the real `ankommen` binary.
#
#   scripts/browser-tests.sh [playwright test args...]
#
# Builds the binary, creates a fresh data directory with a first administrator,
# then runs `npx playwright test` in browser-tests/; Playwright's webServer starts
# `ankommen serve` on that data directory (see browser-tests/playwright.config.ts).
# The server is always stopped and the data directory removed at the end.
# Exit code = Playwright's. Works non-interactively (CI=true, no stdin).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

export ANKOMMEN_BASE_URL="${ANKOMMEN_BASE_URL:-http://127.0.0.1:18123}"
export CI="${CI:-true}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ ! -x /usr/bin/chromium ] && [ -z "${ANKOMMEN_E2E_CHROMIUM:-}" ]; then
    echo "browser-tests: /usr/bin/chromium missing (run scripts/install-deps.sh)" >&2
    exit 1
fi

echo "browser-tests: cargo build -p ankommen"
cargo build -p ankommen
bin="${CARGO_TARGET_DIR:-$root/target}/debug/ankommen"

work=$(mktemp -d "${TMPDIR:-/tmp}/ankommen-e2e.XXXXXX")
data_dir="$work/data"
pid_file="$work/server.pid"
mkdir -p "$data_dir"

stop_server() {
    local pid
    if [ -f "$pid_file" ]; then
        pid=$(cat "$pid_file" 2>/dev/null || true)
        # Only signal our own server (guards against a recycled pid).
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
            && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--data-dir $data_dir"; then
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
}
cleanup() {
    stop_server
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export ANKOMMEN_E2E_BIN="$bin"
export ANKOMMEN_E2E_DATA_DIR="$data_dir"
export ANKOMMEN_E2E_PID_FILE="$pid_file"
export ANKOMMEN_E2E_ADMIN_USERNAME="${ANKOMMEN_E2E_ADMIN_USERNAME:-admin}"
if [ -z "${ANKOMMEN_E2E_ADMIN_PASSWORD:-}" ]; then
    ANKOMMEN_E2E_ADMIN_PASSWORD="Browsertest-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
fi
export ANKOMMEN_E2E_ADMIN_PASSWORD

echo "browser-tests: creating administrator '$ANKOMMEN_E2E_ADMIN_USERNAME' in $data_dir"
printf '%s\n' "$ANKOMMEN_E2E_ADMIN_PASSWORD" | "$bin" admin create-user \
    --username "$ANKOMMEN_E2E_ADMIN_USERNAME" --name "Erika Admin" \
    --password-stdin --data-dir "$data_dir"

cd "$root/browser-tests"
echo "browser-tests: npm ci"
npm ci --no-audit --no-fund --loglevel=error </dev/null

echo "browser-tests: npx playwright test (server: $ANKOMMEN_BASE_URL)"
rc=0
npx --no-install playwright test "$@" </dev/null || rc=$?
exit "$rc"
