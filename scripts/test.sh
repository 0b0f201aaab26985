#!/usr/bin/env bash
# All tests: the one command for developers and CI.
#
#   scripts/test.sh
#
# Stages: install missing deps -> rustfmt -> clippy -> cargo test (SQLite)
#         -> HTTP suite on PostgreSQL -> browser tests (Playwright + axe).
# Stops at the first failing stage.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

stage=""
banner() {
    stage="$1"
    printf '\n==================================================================\n'
    printf '== %s\n' "$1"
    printf '==================================================================\n'
}
on_exit() {
    local rc=$?
    if [ "$rc" -ne 0 ]; then
        printf '\n== FAILED (exit %s) in stage: %s\n' "$rc" "$stage" >&2
    fi
}
trap on_exit EXIT

banner "1/6 Dependencies (scripts/install-deps.sh)"
bash scripts/install-deps.sh

banner "2/6 Formatting (cargo fmt --all -- --check)"
cargo fmt --all -- --check

banner "3/6 Lints (cargo clippy --workspace --all-targets -- -D warnings)"
cargo clippy --workspace --all-targets -- -D warnings

banner "4/6 Tests on SQLite (cargo test --workspace)"
env -u ANKOMMEN_TEST_DATABASE_URL cargo test --workspace

banner "5/6 HTTP tests on PostgreSQL (scripts/with-postgres.sh cargo test -p ankommen --test http)"
bash scripts/with-postgres.sh cargo test -p ankommen --test http

banner "6/6 Browser tests (scripts/browser-tests.sh)"
bash scripts/browser-tests.sh

stage=""
printf '\n== All tests passed.\n'
