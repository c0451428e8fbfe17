#!/usr/bin/env bash
# The one test command: installs what is missing, builds, starts a throwaway
# PostgreSQL 15 cluster, runs the whole test suite against it and removes the
# cluster again, exiting with the test run's exit code.
#
#   scripts/test.sh                      # lint, then everything
#   scripts/test.sh --fast               # lint, then the fast tier only: no database, seconds
#   scripts/test.sh --filter LedgerTests # extra arguments go to `swift test`
#
# Works from any directory. The suite creates and drops its own databases in
# the cluster, so tests are not run with --parallel here.
set -euo pipefail

readonly SCRIPT_NAME="test.sh"

say() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
die() { printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }

# Microseconds since the epoch (EPOCHREALTIME's separator follows the locale).
now_us() { printf '%s\n' "${EPOCHREALTIME//[.,]/}"; }

# Prints "<label> took N.Ns" for a start time from now_us.
report_elapsed() {
    local label=$1 start=$2 end elapsed
    end="$(now_us)"
    elapsed=$(((end - start) / 100000))
    say "$label took $((elapsed / 10)).$((elapsed % 10))s"
}

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

run_start="$(now_us)"

# The fast tier: the test targets that need no database (docs/architecture.md, "Tests").
readonly FAST_TIER='^(LedgerTests|ZstdTests|WhatsAppTests|TimestampingTests|ClassificationTests|AccessTests|MessagingTests|InboxUnitTests|EventsTests|RetentionTests|ExportsTests|RequestsTests|DeadlinesTests|WebTests)\.'
fast=false
if [[ "${1:-}" == "--fast" ]]; then
    fast=true
    shift
fi

say "setup"
phase_start="$(now_us)"
bash scripts/setup.sh
# setup.sh runs in its own process: repeat its PATH fallback for swift here.
if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    PATH="/opt/swift/usr/bin:$PATH"
    export PATH
fi
command -v swift >/dev/null 2>&1 || die "swift not found on PATH"
report_elapsed "setup" "$phase_start"

# Installs (or reuses) a Python tool's venv with its script and exports the printed python path
# as VARIABLE; without it the tests that need the tool fail in CI and are skipped locally.
#   python_tool LABEL SCRIPT VARIABLE [SCRIPT ARGUMENTS]
python_tool() {
    local label=$1 script=$2 variable=$3 python
    shift 3
    say "$label"
    phase_start="$(now_us)"
    if python="$(bash "$script" "$@" | tail -n 1)" && [[ -x "$python" ]]; then
        export "$variable=$python"
    else
        say "warning: could not install it ($script); the tests that need it fail in CI and are skipped locally"
    fi
    report_elapsed "${label%% *}" "$phase_start"
}

say "lint (scripts/lint.sh: formatting and the module map)"
phase_start="$(now_us)"
bash scripts/lint.sh || die "lint failed (see above)"
report_elapsed "lint" "$phase_start"

if $fast; then
    say "build (swift build --build-tests)"
    phase_start="$(now_us)"
    swift build --build-tests
    report_elapsed "build" "$phase_start"
    say "test, fast tier (swift test --skip-build --filter '$FAST_TIER')"
    phase_start="$(now_us)"
    test_rc=0
    swift test --skip-build --filter "$FAST_TIER" "$@" || test_rc=$?
    report_elapsed "test" "$phase_start"
    report_elapsed "total" "$run_start"
    exit "$test_rc"
fi

python_tool "pywa (the real WhatsApp client the recording-proxy test drives, from PyPI)" scripts/pywa-venv.sh RECORDKEEPER_PYWA_PYTHON
python_tool "openapi (openapi-spec-validator and jsonschema from PyPI, for the OpenAPI document tests)" \
    scripts/openapi-venv.sh RECORDKEEPER_OPENAPI_VALIDATOR
python_tool "schemathesis (from PyPI, for the test that checks the running service against its OpenAPI document)" \
    scripts/schemathesis.sh RECORDKEEPER_SCHEMATHESIS --install-only
python_tool "browser (selenium and axe-core from PyPI, driving Debian's chromium, for the pages' accessibility checks)" \
    scripts/browser-venv.sh RECORDKEEPER_BROWSER_PYTHON

say "build (swift build --build-tests)"
phase_start="$(now_us)"
swift build --build-tests
report_elapsed "build" "$phase_start"

RECORDKEEPER_BIN="$repo_root/.build/debug/recordkeeper"
RECORDKEEPER_BENCH_BIN="$repo_root/.build/debug/recordkeeper-bench"
export RECORDKEEPER_BIN RECORDKEEPER_BENCH_BIN
for binary in "$RECORDKEEPER_BIN" "$RECORDKEEPER_BENCH_BIN"; do
    if [[ ! -x "$binary" ]]; then
        say "warning: $binary was not built; tests that run it will fail"
    fi
done

# shellcheck source=scripts/pg-throwaway.sh
source "$repo_root/scripts/pg-throwaway.sh"

# Stop the cluster however the script ends, keeping the exit code. INT and
# TERM become exits with the conventional codes, so the EXIT trap covers all.
# shellcheck disable=SC2317 # only reached through the traps
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    pg_throwaway_stop || say "warning: could not remove the throwaway cluster"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "starting a throwaway PostgreSQL cluster"
phase_start="$(now_us)"
pg_throwaway_start || die "could not start the throwaway PostgreSQL cluster"
export RECORDKEEPER_TEST_DATABASE_URL
report_elapsed "database start" "$phase_start"

# Swift Testing runs every suite at once by default. On 2 shared cores, with suites that start
# servers, child processes and their own databases, that starves some of them into timeouts;
# at most RECORDKEEPER_TEST_WIDTH tests run at a time (default 8).
width="${RECORDKEEPER_TEST_WIDTH:-8}"
say "test (swift test --skip-build --experimental-maximum-parallelization-width $width${*:+ $*})"
phase_start="$(now_us)"
test_rc=0
swift test --skip-build --experimental-maximum-parallelization-width "$width" "$@" || test_rc=$?
report_elapsed "test" "$phase_start"

report_elapsed "total" "$run_start"
if ((test_rc == 0)); then
    say "tests passed"
else
    say "tests failed (swift test exited $test_rc)"
fi
exit "$test_rc"
