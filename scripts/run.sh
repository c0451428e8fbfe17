#!/usr/bin/env bash
# The one run command: installs what is missing, builds the release binary and
# serves.
#
#   scripts/run.sh [serve options]          # serve
#   scripts/run.sh --demo [serve options]   # seed demo events, then serve
#
# Without DATABASE_URL the binary starts its own embedded PostgreSQL cluster
# under RECORDKEEPER_DATA_DIR (default ./.recordkeeper); this script never
# starts PostgreSQL itself. See docs/operations.md for every variable.
set -euo pipefail

readonly SCRIPT_NAME="run.sh"

say() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

demo=false
serve_args=()
for arg in "$@"; do
    if [[ "$arg" == "--demo" ]]; then
        demo=true
    else
        serve_args+=("$arg")
    fi
done

bash scripts/setup.sh
# setup.sh runs in its own process: repeat its PATH fallback for swift here.
if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    PATH="/opt/swift/usr/bin:$PATH"
    export PATH
fi
command -v swift >/dev/null 2>&1 || die "swift not found on PATH"

say "building (swift build -c release --product recordkeeper)"
swift build -c release --product recordkeeper

binary="$repo_root/.build/release/recordkeeper"
[[ -x "$binary" ]] || die "build finished but $binary is missing"

if [[ "$demo" == true ]]; then
    say "seeding demo events (recordkeeper demo)"
    "$binary" demo || die "recordkeeper demo failed"
fi

say "serving (recordkeeper serve${serve_args[*]:+ ${serve_args[*]}})"
exec "$binary" serve "${serve_args[@]}"
