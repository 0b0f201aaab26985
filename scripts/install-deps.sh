#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for scripts/test.sh:
#   chromium, fonts-noto-core, poppler-utils  (browser tests, PDF checks)
#   postgresql                                (only if no server binaries are present)
#   nodejs + npm                              (only if `npm` is missing)
#   rustfmt, clippy                           (rustup components, only if missing)
# Idempotent: `apt-get update` runs only when a package is actually missing, and
# nothing is printed for things already present (one line per thing installed).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo -n)
    fi
fi

pkg_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

have_postgres_server() {
    command -v initdb >/dev/null 2>&1 && return 0
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null 2>&1 && return 0
    # A cluster managed by postgresql-common counts as well.
    command -v pg_ctlcluster >/dev/null 2>&1 \
        && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null 2>&1 && return 0
    return 1
}

missing=()
for pkg in chromium fonts-noto-core poppler-utils; do
    pkg_installed "$pkg" || missing+=("$pkg")
done
# An externally provided database (ANKOMMEN_TEST_DATABASE_URL) needs no local server.
if [ -z "${ANKOMMEN_TEST_DATABASE_URL:-}" ] && ! have_postgres_server; then
    missing+=(postgresql)
fi
if ! command -v npm >/dev/null 2>&1; then
    pkg_installed nodejs || missing+=(nodejs)
    missing+=(npm)
fi

if [ "${#missing[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "install-deps: apt-get not available; please install: ${missing[*]}" >&2
        exit 1
    fi
    if [ "$(id -u)" -ne 0 ] && [ "${#SUDO[@]}" -eq 0 ]; then
        echo "install-deps: not root and no sudo; please install: ${missing[*]}" >&2
        exit 1
    fi
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    if ! "${SUDO[@]}" apt-get update -qq >"$log" 2>&1; then
        cat "$log" >&2
        echo "install-deps: apt-get update failed" >&2
        exit 1
    fi
    if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Use-Pty=0 "${missing[@]}" >"$log" 2>&1; then
        cat "$log" >&2
        echo "install-deps: apt-get install ${missing[*]} failed" >&2
        exit 1
    fi
    for pkg in "${missing[@]}"; do
        echo "install-deps: installed $pkg (apt)"
    done
fi

if command -v node >/dev/null 2>&1; then
    node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    if [ "$node_major" -lt 20 ]; then
        echo "install-deps: warning: Node.js $(node --version) found; @playwright/test needs Node >= 20" >&2
    fi
fi

components=()
cargo fmt --version >/dev/null 2>&1 || components+=(rustfmt)
cargo clippy --version >/dev/null 2>&1 || components+=(clippy)
if [ "${#components[@]}" -gt 0 ]; then
    if ! command -v rustup >/dev/null 2>&1; then
        echo "install-deps: rustup not available; please install: ${components[*]}" >&2
        exit 1
    fi
    rustup --quiet component add "${components[@]}" >/dev/null 2>&1 \
        || rustup component add "${components[@]}"
    for c in "${components[@]}"; do
        echo "install-deps: installed $c (rustup component)"
    done
fi
