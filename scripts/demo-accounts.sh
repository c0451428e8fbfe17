#!/usr/bin/env bash
# Makes the demo's two staff accounts ready to sign in to the web pages, and prints their sign-in:
# a demo agent (team general) and a demo records officer. Each run gives each a fresh random
# password (printed here once, kept nowhere) and a fresh TOTP second factor (sign-in requires one
# unless RECORDKEEPER_REQUIRE_MFA=off): its otpauth:// URL is kept in SECRETS_DIR/NAME.totp (mode
# 0600), for an authenticator app or for scripts/demo-totp.sh, which prints the current code.
#
#   scripts/demo-accounts.sh RECORDKEEPER_BINARY SECRETS_DIR
#
# Runs `recordkeeper users …` with the caller's environment (database, master key, and
# RECORDKEEPER_LEDGER: scripts/run.sh --demo sets it to demo). Standard output: the sign-in lines.
set -euo pipefail

say() { printf 'demo-accounts.sh: %s\n' "$*" >&2; }
die() { printf 'demo-accounts.sh: error: %s\n' "$*" >&2; exit 1; }

(($# == 2)) || die "usage: demo-accounts.sh RECORDKEEPER_BINARY SECRETS_DIR"
binary="$1"
secrets="$2"
[[ -x "$binary" ]] || die "$binary is not an executable"
(umask 077 && mkdir -p "$secrets") || die "cannot create $secrets"
command -v openssl >/dev/null 2>&1 || die "openssl not found (apt-get install openssl)"

# A random password of 24 letters and digits (bcrypt takes up to 72 bytes; the service asks for 12).
new_password() {
    local password=""
    while ((${#password} < 24)); do
        password+="$(openssl rand -base64 48 | tr -dc 'A-Za-z0-9')"
    done
    printf '%s\n' "${password:0:24}"
}

# The otpauth:// URL in a `--json` answer of `users add --totp` or `users enroll-totp`.
totp_url() {
    sed -n 's/.*"totp_url" *: *"\([^"]*\)".*/\1/p' | sed 's#\\/#/#g' | head -n 1
}

# NAME ROLE [TEAM]: creates or resets the account; prints its password.
prepare() {
    local name=$1 role=$2 team=${3:-} password answer url
    password="$(new_password)"
    if "$binary" users list | awk -v name="$name" '$1 == name { found = 1 } END { exit !found }'; then
        printf '%s' "$password" | "$binary" users set-password "$name" >/dev/null || die "cannot set the password of $name"
        answer="$("$binary" users enroll-totp "$name" --json)" || die "cannot enrol a second factor for $name"
    else
        local args=(users add "$name" --role "$role" --password-stdin --totp --json)
        [[ -n "$team" ]] && args+=(--team "$team")
        answer="$(printf '%s' "$password" | "$binary" "${args[@]}")" || die "cannot create $name"
    fi
    url="$(printf '%s\n' "$answer" | totp_url)"
    [[ "$url" == otpauth://* ]] || die "no otpauth:// URL in the answer for $name"
    (umask 077 && printf '%s\n' "$url" > "$secrets/$name.totp") || die "cannot write $secrets/$name.totp"
    printf '%s\n' "$password"
}

agent_password="$(prepare demo.agent agent general)"
records_password="$(prepare demo.records records_officer)"
say "demo.agent and demo.records have new passwords and second factors"

cat <<TEXT
Sign in as a demo agent or a demo records officer (new passwords at every start, shown only here):
  demo agent:           name demo.agent    password $agent_password
  demo records officer: name demo.records  password $records_password
  code (second factor): scripts/demo-totp.sh demo.agent   (or demo.records; or add the otpauth:// URL
                        in $secrets/<name>.totp to an authenticator app)
TEXT
