#!/usr/bin/env bash
# Creates (or reuses) a Python virtual environment with openapi-spec-validator and jsonschema
# from PyPI (PyYAML comes with them), for Tests/APITests/OpenAPIDocumentTests.swift (the
# OpenAPI document is valid, real responses match it, and PyYAML reads Sources/API/openapi.yaml
# as the same document that /openapi.json serves), and prints the path of its python on the
# last line of standard output.
#
#   python="$(bash scripts/openapi-venv.sh | tail -n 1)"
#   RECORDKEEPER_OPENAPI_VALIDATOR="$python" swift test --filter OpenAPI
#
# The venv lives in .build/openapi-venv (never committed).
set -euo pipefail

readonly VALIDATOR_VERSION="${OPENAPI_SPEC_VALIDATOR_VERSION:-0.9.0}"
readonly JSONSCHEMA_VERSION="${JSONSCHEMA_VERSION:-4.26.0}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo_root/.build/openapi-venv"
python="$venv/bin/python"

say() { printf 'openapi-venv.sh: %s\n' "$*" >&2; }

installed() {
    "$python" -c "import importlib.metadata as m, sys; sys.exit(not (m.version('openapi-spec-validator') == '$VALIDATOR_VERSION' and m.version('jsonschema') == '$JSONSCHEMA_VERSION'))" 2>/dev/null
}

if [[ -x "$python" ]] && installed; then
    say "openapi-spec-validator $VALIDATOR_VERSION and jsonschema $JSONSCHEMA_VERSION already installed in $venv"
else
    command -v python3 >/dev/null 2>&1 || { say "error: python3 not found (apt-get install python3 python3-venv)"; exit 1; }
    mkdir -p "$repo_root/.build"
    rm -rf "$venv"
    python3 -m venv "$venv" || { say "error: cannot create a venv (apt-get install python3-venv)"; exit 1; }
    say "installing openapi-spec-validator==$VALIDATOR_VERSION jsonschema==$JSONSCHEMA_VERSION from PyPI into $venv"
    "$python" -m pip install --quiet --disable-pip-version-check \
        "openapi-spec-validator==$VALIDATOR_VERSION" "jsonschema==$JSONSCHEMA_VERSION" >&2
fi
printf '%s\n' "$python"
