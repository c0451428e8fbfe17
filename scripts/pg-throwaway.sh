# shellcheck shell=bash
# Throwaway PostgreSQL 15 cluster for tests. Source this file; it only defines
# functions and sets no shell options.
#
#   source scripts/pg-throwaway.sh
#   pg_throwaway_start || exit 1
#   trap pg_throwaway_stop EXIT
#   psql "$RECORDKEEPER_TEST_DATABASE_URL" -c 'select 1'
#
# pg_throwaway_start creates a temporary directory under /tmp holding the data
# directory, the unix socket and the server log; picks a free TCP port on
# 127.0.0.1; runs initdb (trust authentication: the cluster listens on
# loopback only and lives for one test run) and starts the server with
# durability traded for speed (fsync=off, full_page_writes=off). It exports
#   PG_THROWAWAY_DIR                 the temporary directory
#   PG_THROWAWAY_PORT                the TCP port
#   RECORDKEEPER_TEST_DATABASE_URL   postgres://postgres@127.0.0.1:PORT/postgres
# and returns non-zero, printing the server log, if the cluster cannot start.
#
# pg_throwaway_stop stops the server (fast mode) and removes the directory. It
# is safe to call more than once, or without a successful start.
#
# PostgreSQL refuses to run as root: when run as root, the directory is given
# to the `postgres` OS user and initdb/pg_ctl run through `runuser -u postgres`.
# Otherwise they run as the current user.
#
# PG_BINDIR overrides where initdb and pg_ctl are found
# (default /usr/lib/postgresql/15/bin).

# Prints a message prefixed with the library's name, to stderr.
_pg_throwaway_say() {
    printf 'pg-throwaway.sh: %s\n' "$*" >&2
}

_pg_throwaway_bindir() {
    printf '%s\n' "${PG_BINDIR:-/usr/lib/postgresql/15/bin}"
}

# Runs a command as the cluster's OS user, from inside the cluster directory
# (the postgres user may not be allowed into the caller's working directory).
_pg_throwaway_as_owner() {
    local dir=$1
    shift
    if [[ "$(id -u)" -eq 0 ]]; then
        (cd "$dir" && runuser -u postgres -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

# Prints a TCP port on 127.0.0.1 that was free a moment ago.
_pg_throwaway_free_port() {
    python3 -c '
import socket
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
'
}

_pg_throwaway_print_log() {
    local log=$1
    if [[ -s "$log" ]]; then
        _pg_throwaway_say "server log ($log):"
        sed 's/^/    /' "$log" >&2
    else
        _pg_throwaway_say "server log $log is empty or missing"
    fi
}

pg_throwaway_start() {
    if [[ -n "${PG_THROWAWAY_DIR:-}" && -d "${PG_THROWAWAY_DIR}" ]]; then
        _pg_throwaway_say "a throwaway cluster is already running in $PG_THROWAWAY_DIR; call pg_throwaway_stop first"
        return 1
    fi

    local bindir
    bindir="$(_pg_throwaway_bindir)"
    local tool
    for tool in initdb pg_ctl; do
        if [[ ! -x "$bindir/$tool" ]]; then
            _pg_throwaway_say "$bindir/$tool not found: install postgresql-15 (scripts/setup.sh) or set PG_BINDIR"
            return 1
        fi
    done
    if ! command -v python3 >/dev/null 2>&1; then
        _pg_throwaway_say "python3 not found (needed to pick a free port): run scripts/setup.sh"
        return 1
    fi
    if [[ "$(id -u)" -eq 0 ]] && ! id -u postgres >/dev/null 2>&1; then
        _pg_throwaway_say "running as root but there is no 'postgres' OS user to run the server as: install postgresql-15 (scripts/setup.sh)"
        return 1
    fi

    local dir
    if ! dir="$(mktemp -d /tmp/recordkeeper-pg.XXXXXXXX)"; then
        _pg_throwaway_say "could not create a temporary directory under /tmp"
        return 1
    fi
    # Export right away so that pg_throwaway_stop cleans up after a failure.
    PG_THROWAWAY_DIR="$dir"
    export PG_THROWAWAY_DIR

    chmod 755 "$dir" || { pg_throwaway_stop; return 1; }
    if [[ "$(id -u)" -eq 0 ]]; then
        chown postgres: "$dir" || { pg_throwaway_stop; return 1; }
    fi

    local data="$dir/data" log="$dir/postgres.log"
    if ! _pg_throwaway_as_owner "$dir" "$bindir/initdb" \
        -D "$data" -U postgres --auth=trust -E UTF8 --locale=C \
        >"$dir/initdb.log" 2>&1; then
        _pg_throwaway_say "initdb failed:"
        sed 's/^/    /' "$dir/initdb.log" >&2
        pg_throwaway_stop
        return 1
    fi

    # The port is picked, then bound by the server a moment later; another
    # process can take it in between, so try a few ports.
    local attempt port
    for attempt in 1 2 3; do
        if ! port="$(_pg_throwaway_free_port)" || [[ -z "$port" ]]; then
            _pg_throwaway_say "could not pick a free port with python3"
            pg_throwaway_stop
            return 1
        fi
        # Later lines win in postgresql.conf, so a retry just appends.
        if ! _pg_throwaway_as_owner "$dir" tee -a "$data/postgresql.conf" >/dev/null <<EOF

# pg-throwaway.sh (attempt $attempt): a disposable test cluster
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 500
fsync = off
full_page_writes = off
EOF
        then
            _pg_throwaway_say "could not write $data/postgresql.conf"
            pg_throwaway_stop
            return 1
        fi

        rm -f -- "$log" # so that a failure shows this attempt's log only
        if _pg_throwaway_as_owner "$dir" "$bindir/pg_ctl" \
            -D "$data" -l "$log" -w -t 60 start >/dev/null 2>&1; then
            PG_THROWAWAY_PORT="$port"
            RECORDKEEPER_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
            export PG_THROWAWAY_PORT RECORDKEEPER_TEST_DATABASE_URL
            _pg_throwaway_say "PostgreSQL running on 127.0.0.1:$port (data in $data)"
            return 0
        fi

        _pg_throwaway_say "server failed to start on port $port (attempt $attempt of 3)"
        _pg_throwaway_print_log "$log"
        # A server that came up but missed the wait would hold the data dir.
        _pg_throwaway_as_owner "$dir" "$bindir/pg_ctl" -D "$data" -m immediate -w stop \
            >/dev/null 2>&1 || true
    done

    _pg_throwaway_say "giving up: could not start the throwaway cluster"
    pg_throwaway_stop
    return 1
}

pg_throwaway_stop() {
    local dir="${PG_THROWAWAY_DIR:-}"
    unset PG_THROWAWAY_DIR PG_THROWAWAY_PORT RECORDKEEPER_TEST_DATABASE_URL

    if [[ -z "$dir" || ! -d "$dir" ]]; then
        return 0
    fi
    # Never remove anything but a directory this library made.
    case "$dir" in
        /tmp/recordkeeper-pg.*) ;;
        *)
            _pg_throwaway_say "refusing to remove unexpected directory '$dir'"
            return 1
            ;;
    esac

    local bindir
    bindir="$(_pg_throwaway_bindir)"
    if [[ -f "$dir/data/postmaster.pid" && -x "$bindir/pg_ctl" ]]; then
        if ! _pg_throwaway_as_owner "$dir" "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop \
            >/dev/null 2>&1; then
            _pg_throwaway_say "fast shutdown failed; stopping immediately"
            _pg_throwaway_as_owner "$dir" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop \
                >/dev/null 2>&1 || true
        fi
    fi
    rm -rf -- "$dir"
}
