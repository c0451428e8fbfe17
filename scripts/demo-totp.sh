#!/usr/bin/env bash
# Prints the current 6-digit sign-in code (RFC 6238: HMAC-SHA1, 30 s steps) of a demo account
# whose second factor scripts/demo-accounts.sh enrolled, as an authenticator app would show it.
#
#   scripts/demo-totp.sh demo.agent
#
# Reads the otpauth:// URL from ${RECORDKEEPER_DATA_DIR:-./.recordkeeper}/secrets/NAME.totp
# (or the file given as RECORDKEEPER_DEMO_TOTP_FILE). Needs openssl and base32 (coreutils).
set -euo pipefail

die() { printf 'demo-totp.sh: error: %s\n' "$*" >&2; exit 1; }

(($# == 1)) || die "usage: demo-totp.sh NAME (demo.agent or demo.records)"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
file="${RECORDKEEPER_DEMO_TOTP_FILE:-${RECORDKEEPER_DATA_DIR:-$repo_root/.recordkeeper}/secrets/$1.totp}"
[[ -r "$file" ]] || die "$file not found: start the demo with scripts/run.sh --demo first"

url="$(head -n 1 "$file")"
secret="${url#*secret=}"
secret="${secret%%&*}"
[[ "$url" == otpauth://* && -n "$secret" ]] || die "$file holds no otpauth:// URL with a secret"
while ((${#secret} % 8)); do secret+="="; done
key="$(printf '%s' "$secret" | base32 -d | od -An -v -tx1 | tr -d ' \n')" || die "the secret in $file is not base32"

now="$(date +%s)"
step=$((now / 30))
counter="$(printf '%016x' "$step" | sed 's/../\\x&/g')"
# shellcheck disable=SC2059 # the counter's bytes are written as \x escapes on purpose
mac="$(printf "$counter" | openssl dgst -sha1 -mac HMAC -macopt "hexkey:$key" | sed 's/.*= *//')"
offset=$((16#${mac:39:1}))
value=$(((16#${mac:$((offset * 2)):8} & 0x7fffffff) % 1000000))
printf '%06d\n' "$value"
printf 'demo-totp.sh: valid for %s more seconds\n' "$((30 - now % 30))" >&2
