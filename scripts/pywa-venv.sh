#!/usr/bin/env bash
# Creates (or reuses) a Python virtual environment with the pywa WhatsApp client from PyPI,
# unmodified, for the recording-proxy test (Tests/EndToEndTests/PywaProxyTests.swift), and prints
# the path of its python on the last line of standard output.
#
#   python="$(bash scripts/pywa-venv.sh | tail -n 1)"
#   RECORDKEEPER_PYWA_PYTHON="$python" swift test --filter PywaProxyTests
#
# The venv lives in .build/pywa-venv (never committed). PYWA_VERSION overrides the version.
set -euo pipefail

readonly PYWA_VERSION="${PYWA_VERSION:-4.5.0}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo_root/.build/pywa-venv"
python="$venv/bin/python"

say() { printf 'pywa-venv.sh: %s\n' "$*" >&2; }

if [[ -x "$python" ]] && "$python" -c "import importlib.metadata as m, sys; sys.exit(m.version('pywa') != '$PYWA_VERSION')" 2>/dev/null; then
    say "pywa $PYWA_VERSION already installed in $venv"
else
    command -v python3 >/dev/null 2>&1 || { say "error: python3 not found (apt-get install python3 python3-venv)"; exit 1; }
    mkdir -p "$repo_root/.build"
    rm -rf "$venv"
    python3 -m venv "$venv" || { say "error: cannot create a venv (apt-get install python3-venv)"; exit 1; }
    say "installing pywa==$PYWA_VERSION from PyPI into $venv"
    "$python" -m pip install --quiet --disable-pip-version-check "pywa==$PYWA_VERSION" >&2
fi
printf '%s\n' "$python"
