#!/usr/bin/env bash
# The one run command: installs what is missing, builds the release binary and
# serves.
#
#   scripts/run.sh [serve options]          # serve
#   scripts/run.sh --demo [serve options]   # seed demo events, then serve; once up, prints
#                                           # the address and a one-time demo sign-in
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

# Prints the path of a secret file under $1, creating it (random, mode 0600) when missing.
demo_secret() {
    local file="$1/$2"
    if [[ ! -s "$file" ]]; then
        (umask 077 && openssl rand -hex 24 > "$file") || die "cannot write $file"
    fi
    printf '%s\n' "$file"
}

if [[ "$demo" == true ]]; then
    say "seeding demo events (recordkeeper demo)"
    "$binary" demo || die "recordkeeper demo failed"
    # Serve the demo ledger's conversations, with generated secrets for the read API and the
    # webhook (kept beside the embedded cluster's own, mode 0600), unless configured already.
    secrets="${RECORDKEEPER_DATA_DIR:-$repo_root/.recordkeeper}/secrets"
    (umask 077 && mkdir -p "$secrets") || die "cannot create $secrets"
    export RECORDKEEPER_LEDGER="${RECORDKEEPER_LEDGER:-demo}"
    if [[ -z "${RECORDKEEPER_ADMIN_TOKEN:-}${RECORDKEEPER_ADMIN_TOKEN_FILE:-}" ]]; then
        RECORDKEEPER_ADMIN_TOKEN_FILE="$(demo_secret "$secrets" admin.token)"
        export RECORDKEEPER_ADMIN_TOKEN_FILE
    fi
    if [[ -z "${WHATSAPP_APP_SECRET:-}${WHATSAPP_APP_SECRET_FILE:-}${WHATSAPP_APP_SECRETS_FILE:-}" ]]; then
        WHATSAPP_APP_SECRET_FILE="$(demo_secret "$secrets" whatsapp-app-secret)"
        export WHATSAPP_APP_SECRET_FILE
    fi
    # A demo member of staff (supervisor: every conversation, may answer) and an API token of
    # theirs, issued once; the admin token above is the bootstrap credential (docs/access.md).
    if [[ ! -s "$secrets/staff.token" ]]; then
        if ! "$binary" users list | grep -q '^demo\.supervisor '; then
            "$binary" users add demo.supervisor --role supervisor --team general >/dev/null || die "cannot create the demo staff user"
        fi
        (umask 077 && "$binary" tokens issue demo.supervisor --expires 30d > "$secrets/staff.token.new" 2>/dev/null) \
            && mv "$secrets/staff.token.new" "$secrets/staff.token" || die "cannot issue the demo staff token"
    fi
    say "demo: the conversations of ledger $RECORDKEEPER_LEDGER are served at /v1/conversations to staff, e.g."
    say "  curl -H \"Authorization: Bearer \$(cat $secrets/staff.token)\" http://127.0.0.1:8080/v1/conversations"
    say "demo: /webhooks/whatsapp accepts deliveries signed with ${WHATSAPP_APP_SECRET_FILE:-your app secret} (docs/operations.md, 'Connecting WhatsApp')"
    # A demo agent and a demo records officer for the web pages: fresh passwords and second factors.
    demo_sign_in="$(bash scripts/demo-accounts.sh "$binary" "$secrets")" || die "cannot prepare the demo accounts"
fi

if [[ "$demo" != true ]]; then
    say "serving (recordkeeper serve${serve_args[*]:+ ${serve_args[*]}})"
    exec "$binary" serve "${serve_args[@]}"
fi

# The demo: serve in the background, print where to sign in once the service answers, then wait.
host="${RECORDKEEPER_HTTP_HOST:-127.0.0.1}"
port="${RECORDKEEPER_HTTP_PORT:-8080}"
for ((i = 0; i < ${#serve_args[@]}; i++)); do
    case "${serve_args[i]}" in
        --host) host="${serve_args[i + 1]:-$host}" ;;
        --host=*) host="${serve_args[i]#--host=}" ;;
        --port) port="${serve_args[i + 1]:-$port}" ;;
        --port=*) port="${serve_args[i]#--port=}" ;;
    esac
done
[[ "$host" == "0.0.0.0" || "$host" == "::" ]] && host=127.0.0.1
[[ "$host" == *:* ]] && host="[$host]"
url="http://$host:$port/"
say "serving (recordkeeper serve${serve_args[*]:+ ${serve_args[*]}})"
"$binary" serve "${serve_args[@]}" &
server=$!
trap 'kill -TERM "$server" 2>/dev/null' INT TERM
for _ in $(seq 1 240); do
    if curl -fsS -o /dev/null "${url}healthz" 2>/dev/null; then
        printf '\nRecordkeeper is up: open %s\n%s\n\n' "$url" "$demo_sign_in"
        break
    fi
    kill -0 "$server" 2>/dev/null || break
    sleep 0.5
done
rc=0
wait "$server" || rc=$?
# A signal interrupts the first wait: wait for the server to finish shutting down.
if kill -0 "$server" 2>/dev/null; then wait "$server" || rc=$?; fi
exit "$rc"
