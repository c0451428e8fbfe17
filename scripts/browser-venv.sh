#!/usr/bin/env bash
# Creates (or reuses) a Python virtual environment with selenium and selenium-axe-python (which
# ships axe-core 4.9.1) from PyPI, for the tests that check pages in a real browser (Debian's
# chromium and chromium-driver, installed by scripts/setup.sh): scripts/check-certificate-a11y.py,
# run by Tests/CLITests/CLIRetentionLogTests.swift. Prints the path of its python on the last
# line of standard output.
#
#   python="$(bash scripts/browser-venv.sh | tail -n 1)"
#   RECORDKEEPER_BROWSER_PYTHON="$python" swift test --filter CLIRetentionLogTests
#
# The venv lives in .build/browser-venv (never committed).
set -euo pipefail

readonly SELENIUM_VERSION="${SELENIUM_VERSION:-4.51.0}"
readonly AXE_VERSION="${SELENIUM_AXE_PYTHON_VERSION:-2.2.0}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo_root/.build/browser-venv"
python="$venv/bin/python"

say() { printf 'browser-venv.sh: %s\n' "$*" >&2; }

for program in /usr/bin/chromium /usr/bin/chromedriver; do
    [[ -x "$program" ]] || { say "error: $program not found (apt-get install chromium chromium-driver; scripts/setup.sh does)"; exit 1; }
done
installed() {
    "$python" -c "import importlib.metadata as m, sys; sys.exit(not (m.version('selenium') == '$SELENIUM_VERSION' and m.version('selenium-axe-python') == '$AXE_VERSION'))" 2>/dev/null
}
if [[ -x "$python" ]] && installed; then
    say "selenium $SELENIUM_VERSION and selenium-axe-python $AXE_VERSION already installed in $venv"
else
    command -v python3 >/dev/null 2>&1 || { say "error: python3 not found (apt-get install python3 python3-venv)"; exit 1; }
    mkdir -p "$repo_root/.build"
    rm -rf "$venv"
    python3 -m venv "$venv" || { say "error: cannot create a venv (apt-get install python3-venv)"; exit 1; }
    say "installing selenium==$SELENIUM_VERSION selenium-axe-python==$AXE_VERSION from PyPI into $venv"
    "$python" -m pip install --quiet --disable-pip-version-check "selenium==$SELENIUM_VERSION" "selenium-axe-python==$AXE_VERSION" >&2
fi
printf '%s\n' "$python"
