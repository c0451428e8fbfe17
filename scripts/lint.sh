#!/usr/bin/env bash
# The checks that need no database: formatting (swift format lint, .swift-format) and the module
# map (scripts/check-modules.py). Exits non-zero naming each offence; scripts/test.sh runs it
# first. `scripts/lint.sh --fix` formats the tree in place instead of only checking it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    PATH="/opt/swift/usr/bin:$PATH"
fi
paths=(Sources Tests Package.swift)
if [[ "${1:-}" == "--fix" ]]; then
    swift format format --in-place --recursive --parallel "${paths[@]}"
fi
if ! swift format lint --strict --recursive --parallel "${paths[@]}"; then
    echo "lint.sh: the code is not formatted as .swift-format says: run scripts/lint.sh --fix" >&2
    exit 1
fi
python3 scripts/check-modules.py
