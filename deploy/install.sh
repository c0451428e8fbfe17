#!/usr/bin/env bash
# Installs Recordkeeper as a systemd service on this machine (run as root from
# a checkout of the repository):
#
#   deploy/install.sh             # build the release binary, then install
#   deploy/install.sh --no-build  # install an existing .build/release/recordkeeper
#
# Installs the binary and its resource bundles (recordkeeper_API.resources: the
# OpenAPI description it serves; recordkeeper_WebFoundation.resources: the pages'
# templates and static files) to /usr/local/bin, the migrations to
# /usr/share/recordkeeper/Migrations, docs/operations.md to
# /usr/share/doc/recordkeeper, and the units to /etc/systemd/system; creates
# the `recordkeeper` system user and /etc/recordkeeper (0750, root:recordkeeper)
# and copies the example environment files there if they are absent (an
# existing configuration is never overwritten). It does not enable or start
# anything: it prints the next steps. Safe to re-run for an upgrade.
set -euo pipefail

readonly SCRIPT_NAME="install.sh"
readonly SERVICE_USER="recordkeeper"
readonly BIN_PATH="/usr/local/bin/recordkeeper"
# The bundles the binary reads its resources from, next to it (Bundle.module).
readonly RESOURCE_BUNDLES=(recordkeeper_API.resources recordkeeper_WebFoundation.resources)
readonly SHARE_DIR="/usr/share/recordkeeper"
readonly DOC_DIR="/usr/share/doc/recordkeeper"
readonly CONF_DIR="/etc/recordkeeper"
readonly UNIT_DIR="/etc/systemd/system"
readonly STATE_DIR="/var/lib/recordkeeper"

say() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
die() { printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }

usage() {
    printf 'usage: %s [--no-build]\n' "$0" >&2
    exit 2
}

build=true
for arg in "$@"; do
    case "$arg" in
        --no-build) build=false ;;
        -h | --help) usage ;;
        *) printf '%s: unknown argument: %s\n' "$SCRIPT_NAME" "$arg" >&2; usage ;;
    esac
done

[[ "$(id -u)" -eq 0 ]] || die "run as root (it writes to /usr/local, /usr/share, /etc and creates a system user)"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
[[ -f Package.swift && -d Migrations && -d deploy ]] \
    || die "$repo_root does not look like a Recordkeeper checkout"

# --- build ---------------------------------------------------------------------
binary="$repo_root/.build/release/recordkeeper"
if [[ "$build" == true ]]; then
    bash scripts/setup.sh
    if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
        PATH="/opt/swift/usr/bin:$PATH"
        export PATH
    fi
    say "building (swift build -c release --product recordkeeper)"
    swift build -c release --product recordkeeper
fi
[[ -x "$binary" ]] || die "$binary not found: build it first (or drop --no-build)"
# The binary reads its resources (the OpenAPI description, the pages' templates) from these bundles.
[[ -f "$repo_root/.build/release/recordkeeper_API.resources/openapi.yaml" ]] \
    || die "$repo_root/.build/release/recordkeeper_API.resources/openapi.yaml not found: build it first (or drop --no-build)"
[[ -d "$repo_root/.build/release/recordkeeper_WebFoundation.resources/Templates" ]] \
    || die "$repo_root/.build/release/recordkeeper_WebFoundation.resources/Templates not found: build it first (or drop --no-build)"

# --- system user -------------------------------------------------------------------
if id -u "$SERVICE_USER" >/dev/null 2>&1; then
    say "system user $SERVICE_USER exists"
else
    say "creating system user $SERVICE_USER"
    useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home \
        --shell /usr/sbin/nologin --comment "Recordkeeper service" "$SERVICE_USER"
fi

# --- files -----------------------------------------------------------------------
say "installing $BIN_PATH and its resource bundles ${RESOURCE_BUNDLES[*]}"
install -m 0755 "$binary" "$BIN_PATH"
for bundle in "${RESOURCE_BUNDLES[@]}"; do
    rm -rf "/usr/local/bin/$bundle"
    cp -R "$repo_root/.build/release/$bundle" "/usr/local/bin/$bundle"
    chmod -R u=rwX,go=rX "/usr/local/bin/$bundle"
done

say "installing migrations to $SHARE_DIR/Migrations"
install -d -m 0755 "$SHARE_DIR/Migrations"
shopt -s nullglob
migrations=(Migrations/*.sql)
shopt -u nullglob
((${#migrations[@]} > 0)) || die "no Migrations/*.sql in $repo_root"
install -m 0644 "${migrations[@]}" "$SHARE_DIR/Migrations/"
# Re-applied by every migrate (the grant function): installed as they are in the checkout.
install -d -m 0755 "$SHARE_DIR/Migrations/repeatable"
shopt -s nullglob
repeatable=(Migrations/repeatable/*.sql)
shopt -u nullglob
((${#repeatable[@]} > 0)) || die "no Migrations/repeatable/*.sql in $repo_root"
install -m 0644 "${repeatable[@]}" "$SHARE_DIR/Migrations/repeatable/"
# Migration files are append-only: one installed earlier but gone from the
# checkout means the checkout is older than what was installed.
for installed in "$SHARE_DIR"/Migrations/*.sql; do
    if [[ ! -f "Migrations/$(basename "$installed")" ]]; then
        say "warning: $installed is not in this checkout's Migrations/; left in place (check that you are installing the right version)"
    fi
done

if [[ -f docs/operations.md ]]; then
    install -d -m 0755 "$DOC_DIR"
    install -m 0644 docs/operations.md "$DOC_DIR/operations.md"
fi

say "installing units to $UNIT_DIR"
install -m 0644 deploy/recordkeeper.service deploy/recordkeeper-migrate.service "$UNIT_DIR/"

say "preparing $CONF_DIR"
install -d -m 0750 -o root -g "$SERVICE_USER" "$CONF_DIR"
copy_if_absent() {
    local source=$1 target=$2
    if [[ -e "$target" ]]; then
        say "keeping existing $target"
    else
        install -m 0600 -o root -g root "$source" "$target"
        say "created $target from $source: edit it"
    fi
}
copy_if_absent deploy/recordkeeper.env.example "$CONF_DIR/recordkeeper.env"
copy_if_absent deploy/recordkeeper-migrate.env.example "$CONF_DIR/recordkeeper-migrate.env"

if [[ -d /run/systemd/system ]]; then
    systemctl daemon-reload
else
    say "warning: systemd is not running here; run 'systemctl daemon-reload' on the target"
fi

cat <<EOF

$SCRIPT_NAME: installed. Next steps:

  1. Create the database and its owner role (see docs/operations.md,
     "External PostgreSQL"), then edit:
       $CONF_DIR/recordkeeper.env          DATABASE_URL (service role), HTTP, log level
       $CONF_DIR/recordkeeper-migrate.env  DATABASE_OWNER_URL (schema owner)

  2. Create the master key (once; back it up apart from the database):
       $BIN_PATH keys create --out $CONF_DIR/master.key
       chown $SERVICE_USER:$SERVICE_USER $CONF_DIR/master.key

  3. Migrate and start:
       systemctl enable --now recordkeeper.service   # runs recordkeeper-migrate.service first
       journalctl -u recordkeeper-migrate.service -u recordkeeper.service

  4. Check:
       curl -fsS http://127.0.0.1:8080/readyz

  On an upgrade: systemctl restart recordkeeper.service (migrates first).
EOF
