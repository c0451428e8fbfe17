#!/usr/bin/env bash
# Installs what Recordkeeper's scripts and tests need on a Debian 12 machine.
#
# Idempotent: when every package is already installed it prints nothing and
# exits 0. Otherwise it runs `apt-get update` once and installs only what is
# missing. It also checks that the Swift toolchain can be found.
#
# The postgresql-15 package may create and start a cluster "15/main" on port
# 5432; that is harmless, and none of our scripts depend on it (tests start a
# throwaway cluster, the service an embedded one or an external database).
set -euo pipefail

readonly SCRIPT_NAME="setup.sh"
readonly REQUIRED_PACKAGES=(
    postgresql-15
    postgresql-client-15
    pkg-config
    curl
    ca-certificates
    python3
    # tools/verify_ledger.py and tools/gen_test_vectors.py (AES-GCM, Ed25519), run by the tests
    python3-cryptography
    # scripts/pywa-venv.sh: a virtual environment for the pywa client (the recording-proxy test)
    python3-venv
    # RFC 3161 timestamps: OpenSSL's TS API (the COpenSSL target) and the `openssl ts` tool the tests use
    libssl-dev
    openssl
    # zstd compression of stored media (the CZstd target)
    libzstd-dev
    # the zstd tool: ZstdTests check our frames against the reference implementation
    zstd
    # a real browser for the pages' accessibility checks (scripts/check-certificate-a11y.py)
    chromium
    chromium-driver
)
readonly SWIFT_FALLBACK_BIN="/opt/swift/usr/bin"

say() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
die() { printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }

# Prints each required package that dpkg does not report as installed.
missing_packages() {
    local pkg info
    for pkg in "${REQUIRED_PACKAGES[@]}"; do
        # `dpkg -s` also succeeds for removed-but-not-purged packages, so the
        # Status line is what counts.
        info="$(dpkg -s "$pkg" 2>/dev/null || true)"
        if [[ $'\n'"$info"$'\n' != *$'\nStatus: install ok installed\n'* ]]; then
            printf '%s\n' "$pkg"
        fi
    done
}

install_packages() {
    local -a missing=("$@")
    local -a sudo_cmd=()

    if [[ "$(id -u)" -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo_cmd=(sudo)
        else
            die "missing packages (${missing[*]}) and not running as root, and sudo is not available; install them as root: apt-get install ${missing[*]}"
        fi
    fi

    say "installing missing packages: ${missing[*]}"
    "${sudo_cmd[@]}" apt-get update -qq \
        || die "apt-get update failed"
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${missing[@]}" \
        || die "apt-get install failed for: ${missing[*]}"

    # Verify: a package that apt could not configure would otherwise surface
    # later as a confusing error.
    local -a still_missing=()
    mapfile -t still_missing < <(missing_packages)
    if ((${#still_missing[@]} > 0)); then
        die "still not installed after apt-get: ${still_missing[*]}"
    fi
    say "installed: ${missing[*]}"
}

check_swift() {
    if command -v swift >/dev/null 2>&1; then
        return 0
    fi
    if [[ -x "$SWIFT_FALLBACK_BIN/swift" ]]; then
        # Only affects this process; callers that need swift do the same.
        PATH="$SWIFT_FALLBACK_BIN:$PATH"
        export PATH
        return 0
    fi
    die "swift not found on PATH nor at $SWIFT_FALLBACK_BIN/swift; install the Swift 6 toolchain (https://www.swift.org/install/linux/) and put its usr/bin on PATH"
}

main() {
    command -v dpkg >/dev/null 2>&1 \
        || die "dpkg not found: this script supports Debian/Ubuntu only"

    local -a missing=()
    mapfile -t missing < <(missing_packages)
    if ((${#missing[@]} > 0)); then
        install_packages "${missing[@]}"
    fi

    check_swift
}

main "$@"
