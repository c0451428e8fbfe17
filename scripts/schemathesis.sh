#!/usr/bin/env bash
# Runs schemathesis (PyPI, pinned) with every check against a running Recordkeeper service, as an
# agent (every operation's coverage phase; fuzzing and stateful phases in the agent's own areas)
# and as an admin (every phase), and exits non-zero when it finds anything: a server error, an
# undocumented status, a bad request the service accepts or a valid request it refuses.
# Tests/EndToEndTests/SchemathesisTests.swift runs it against `recordkeeper serve`.
#
#   bash scripts/schemathesis.sh --install-only          # create/reuse the venv, print its python
#   bash scripts/schemathesis.sh URL ADMIN_TOKEN AGENT_TOKEN [extra schemathesis arguments]
#
# URL is the service's base (e.g. http://127.0.0.1:8080); the document is read from
# URL/openapi.json. Use a scratch database: the run creates, changes and revokes staff, and sends.
# Give the bootstrap admin token (RECORDKEEPER_ADMIN_TOKEN) as ADMIN_TOKEN: a staff admin's own
# token can be revoked, or its roles removed, by the run itself. The venv lives in .build/schemathesis-venv (never committed).
# SCHEMATHESIS_MAX_EXAMPLES (default 20) bounds the examples per operation and phase;
# SCHEMATHESIS_SEED (default 1) fixes what is generated, so a run can be repeated;
# SCHEMATHESIS_REQUEST_TIMEOUT (default 60 s, schemathesis's own is 10 s) is how long one request
# may take before it counts as an error. The run checks answers, not speed: in one CI run of the
# debug build on 2 cores beside the rest of the suite, 27 operations ended in errors, most likely
# 10 s timeouts, in a coverage phase that took 361 s rather than the usual 30 to 90. Refusals of
# schema-valid requests that are right but no schema can express are listed, each with its
# reason, in scripts/schemathesis_hooks.py; nothing else is filtered.
set -euo pipefail

readonly SCHEMATHESIS_VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo_root/.build/schemathesis-venv"
python="$venv/bin/python"

say() { printf 'schemathesis.sh: %s\n' "$*" >&2; }
usage() { say "usage: schemathesis.sh URL ADMIN_TOKEN AGENT_TOKEN [schemathesis arguments] | --install-only"; exit 2; }

installed() {
    "$python" -c "import importlib.metadata as m, sys; sys.exit(not m.version('schemathesis') == '$SCHEMATHESIS_VERSION')" 2>/dev/null
}

install() {
    if [[ -x "$python" ]] && installed; then
        say "schemathesis $SCHEMATHESIS_VERSION already installed in $venv"
        return
    fi
    command -v python3 >/dev/null 2>&1 || { say "error: python3 not found (apt-get install python3 python3-venv)"; exit 1; }
    mkdir -p "$repo_root/.build"
    rm -rf "$venv"
    python3 -m venv "$venv" || { say "error: cannot create a venv (apt-get install python3-venv)"; exit 1; }
    say "installing schemathesis==$SCHEMATHESIS_VERSION from PyPI into $venv"
    "$python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
}

if [[ "${1:-}" == "--install-only" ]]; then
    install
    printf '%s\n' "$python"
    exit 0
fi
(($# >= 3)) || usage
url="${1%/}"
admin_token="$2"
agent_token="$3"
shift 3
install

max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-20}"
# The few refusals of schema-valid requests that are right (opaque cursors, ledger sizes, rule
# sets checked as a whole): scripts/schemathesis_hooks.py lists each, and drops nothing else.
export PYTHONPATH="$repo_root/scripts${PYTHONPATH:+:$PYTHONPATH}"
export SCHEMATHESIS_HOOKS=schemathesis_hooks
export PYTHONDONTWRITEBYTECODE=1
# Schemathesis keeps a cache in its working directory: keep it out of the source tree.
mkdir -p "$repo_root/.build/schemathesis-work"
cd "$repo_root/.build/schemathesis-work"
rc=0
# One schemathesis run: its name in messages, its token, then its own arguments.
run() {
    local what="$1" token="$2"
    shift 2
    say "running schemathesis $SCHEMATHESIS_VERSION: $what, against $url/openapi.json"
    # --url makes schemathesis call the service it read the document from.
    "$venv/bin/schemathesis" run "$url/openapi.json" \
        --url "$url" \
        --checks all \
        --max-examples "$max_examples" \
        --seed "${SCHEMATHESIS_SEED:-1}" \
        --request-timeout "${SCHEMATHESIS_REQUEST_TIMEOUT:-60}" \
        --generation-database none \
        --no-color \
        --header "Authorization: Bearer $token" \
        "$@" || { rc=$?; say "schemathesis found problems: $what (exit $rc)"; }
}
# The agent first: the admin run may change staff (roles, tokens) that the agent run relies on.
# The agent's coverage phase tries every operation (the refusals of the others' work included);
# its fuzzing and stateful phases only the areas an agent works in, where the admin is refused:
# fuzzing an operation the agent may not call would only be refused 20 times more. The admin,
# who may call the rest, runs every phase on every operation.
run "the agent, every operation" "$agent_token" --phases coverage "$@"
run "the agent, its own areas" "$agent_token" --phases fuzzing,stateful \
    --include-tag conversations --include-tag sending --include-tag inbox --include-tag search "$@"
run "the admin, every operation" "$admin_token" "$@"
exit "$rc"
