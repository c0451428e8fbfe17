#!/usr/bin/env bash
# db-door-check.sh — try, as Recordkeeper's service role, every write that could mislead
# verification, and show that each one is refused by PostgreSQL or detected by
# `recordkeeper verify` (docs/operations.md, "What the append-only protection stops and what only
# detection covers").
#
# Usage: scripts/db-door-check.sh SERVICE_DATABASE_URL [LEDGER]
#
#   SERVICE_DATABASE_URL  the service role's URL (the DATABASE_URL of `recordkeeper serve`) of a
#                         migrated database whose ledger has entries (e.g. after `recordkeeper demo`).
#   LEDGER                the ledger to attack (default: the first ledger with entries).
#
# Environment: RECORDKEEPER_BIN (default: recordkeeper on PATH), RECORDKEEPER_MASTER_KEY (the
# master key, so that verify checks payloads and key wraps), RECORDKEEPER_LOG_NAME (as for
# verify), PSQL (default: psql).
#
# THE DATABASE IS DAMAGED on purpose: attempts that PostgreSQL lets through stay in it. Run it only
# on a scratch copy.
#
# Prints one line per attempt: "refused: <attempt>: <PostgreSQL's error>" or
# "detected by verify: <attempt>: <reason_code>: <reason>", or "NEITHER: <attempt>" when the write
# went through and verify found nothing new. Exits 0 when every attempt was refused or detected,
# 1 when some attempt was neither, 2 when the check could not run.
set -uo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 SERVICE_DATABASE_URL [LEDGER]" >&2
    exit 2
fi
URL=$1
PSQL=${PSQL:-psql}
BIN=${RECORDKEEPER_BIN:-recordkeeper}
LOG_NAME=${RECORDKEEPER_LOG_NAME:-recordkeeper.localhost}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

sql() { "$PSQL" "$URL" -X -q -At -v ON_ERROR_STOP=1 --single-transaction -c "$1" 2>"$WORK/err"; }

if [[ $# -eq 2 ]]; then
    LEDGER=$2
else
    LEDGER=$(sql "SELECT l.name FROM ledgers l JOIN ledger_heads h ON h.ledger_id = l.id WHERE h.position > 0 ORDER BY l.id LIMIT 1") \
        || { echo "could not read the ledgers: $(cat "$WORK/err")" >&2; exit 2; }
fi
[[ -n "$LEDGER" ]] || { echo "no ledger with entries: record some first (recordkeeper demo)" >&2; exit 2; }
LID=$(sql "SELECT id FROM ledgers WHERE name = '$LEDGER'") || { echo "$(cat "$WORK/err")" >&2; exit 2; }
[[ -n "$LID" ]] || { echo "no ledger named $LEDGER" >&2; exit 2; }
MASTER_ID=$(sql "SELECT master_key_id FROM data_keys WHERE ledger_id = $LID AND master_key_id IS NOT NULL ORDER BY id LIMIT 1")
KEY_ID=$(sql "SELECT id FROM data_keys WHERE ledger_id = $LID AND destroyed_at IS NULL ORDER BY id LIMIT 1")
[[ -n "$KEY_ID" && -n "$MASTER_ID" ]] || { echo "ledger $LEDGER has no live data key" >&2; exit 2; }

# The problems verify reports, one canonical JSON line each, sorted.
problems() {
    DATABASE_URL="$URL" "$BIN" verify --json >"$WORK/verify.json" 2>"$WORK/verify.err"
    local code=$?
    if [[ $code -eq 2 ]] || ! jq -e . "$WORK/verify.json" >/dev/null 2>&1; then
        echo "COULD-NOT-RUN $(tr '\n' ' ' <"$WORK/verify.err")"
        return
    fi
    jq -c '.problems[]? | {ledger, reason_code, first_bad_position, reason}' "$WORK/verify.json" | sort
}

problems >"$WORK/before"
if grep -q '^COULD-NOT-RUN' "$WORK/before"; then
    echo "recordkeeper verify could not run before the attempts: $(cat "$WORK/before")" >&2
    exit 2
fi
if [[ -s "$WORK/before" ]]; then
    echo "the database does not verify before the attempts:" >&2
    cat "$WORK/before" >&2
    exit 2
fi

neither=0
attempts=0

# attempt LABEL SQL: runs SQL as the service role in one transaction.
attempt() {
    local label=$1 statement=$2
    attempts=$((attempts + 1))
    local out
    if out=$(sql "$statement"); then
        # rk_append answers moved = 0 (and writes nothing) when the head is not where the caller said.
        if [[ "$out" == "0|0|0|0" ]]; then
            echo "refused: $label: rk_append wrote nothing (moved = 0: the head is not at the expected position)"
            return
        fi
        problems >"$WORK/after"
        if grep -q '^COULD-NOT-RUN' "$WORK/after"; then
            echo "NEITHER: $label: accepted, and verify could not run: $(cat "$WORK/after")"
            neither=$((neither + 1))
            return
        fi
        local fresh
        fresh=$(comm -13 "$WORK/before" "$WORK/after")
        cp "$WORK/after" "$WORK/before"
        if [[ -n "$fresh" ]]; then
            echo "detected by verify: $label: $(head -n 1 <<<"$fresh" | jq -r '"\(.reason_code): \(.reason)"')"
        else
            echo "NEITHER: $label: accepted by PostgreSQL and not reported by verify"
            neither=$((neither + 1))
        fi
    else
        echo "refused: $label: $(grep -m 1 -E 'ERROR' "$WORK/err" | sed -E 's/^psql:[^E]*//')"
    fi
}

head_position() { sql "SELECT position FROM ledger_heads WHERE ledger_id = $LID"; }
head_hash() { sql "SELECT encode(head_hash, 'hex') FROM ledger_heads WHERE ledger_id = $LID"; }
random_hex() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }

# rk_append_call EXPECTED EXPECTED_HASH NEW_POSITION NEW_HASH ENTRY_POSITION PREVIOUS KEY [NODE_POSITION]
rk_append_call() {
    local nodes="'{}'::int8[], '{}'::int2[], '{}'::bytea[]"
    [[ -n "${8:-}" ]] && nodes="ARRAY[$8]::int8[], ARRAY[4]::int2[], ARRAY['\\x$(random_hex)'::bytea]"
    echo "SELECT moved, entries, payloads, nodes FROM rk_append($LID, $1, '\\x$2'::bytea, $3, '\\x$4'::bytea,
        ARRAY[$5]::int8[], ARRAY[gen_random_uuid()], ARRAY['conversation/planted'], ARRAY['message.received'],
        ARRAY[0]::int8[], ARRAY[0]::int8[], ARRAY['planted'], ARRAY['']::text[], ARRAY['{}'], ARRAY['\\x$(random_hex)'::bytea],
        ARRAY['\\x$6'::bytea], ARRAY['\\x$4'::bytea], ARRAY[$7]::int8[], ARRAY['\\x00'::bytea], $nodes)"
}

# 1. UPDATE, DELETE and TRUNCATE on every table verification reads.
declare -A UPDATES=(
    [ledger_entries]="UPDATE ledger_entries SET actor = 'forged' WHERE ledger_id = $LID"
    [ledger_payloads]="UPDATE ledger_payloads SET sealed = '\\x00' WHERE ledger_id = $LID"
    [ledger_heads]="UPDATE ledger_heads SET position = position + 5 WHERE ledger_id = $LID"
    [data_keys]="UPDATE data_keys SET master_key_id = 'unknown-master-key' WHERE ledger_id = $LID"
    [signing_keys]="UPDATE signing_keys SET wrapped_seed = '\\x00'"
    [checkpoints]="UPDATE checkpoints SET note = note || ' ' WHERE ledger_id = $LID"
    [merkle_nodes]="UPDATE merkle_nodes SET hash = sha256(hash) WHERE ledger_id = $LID"
    [payload_destructions]="UPDATE payload_destructions SET authorised_by_position = authorised_by_position + 1 WHERE ledger_id = $LID"
)
TABLES=(ledger_entries ledger_payloads ledger_heads data_keys signing_keys checkpoints merkle_nodes payload_destructions)
for table in "${TABLES[@]}"; do
    attempt "UPDATE $table" "${UPDATES[$table]}"
done
attempt "UPDATE data_keys.wrapped_key (junk: silent shredding)" "UPDATE data_keys SET wrapped_key = '\\xdeadbeef' WHERE ledger_id = $LID"
for table in "${TABLES[@]}"; do
    attempt "DELETE FROM $table" "DELETE FROM $table"
done
for table in "${TABLES[@]}"; do
    attempt "TRUNCATE $table" "TRUNCATE $table CASCADE"
done

# 2. Planted rows.
H=$(head_position); HH=$(head_hash)
attempt "INSERT a planted entry beyond the head" \
    "INSERT INTO ledger_entries (ledger_id, position, event_id, stream, event_type, occurred_at_us, recorded_at_us, actor, header,
                                 payload_commitment, prev_hash, entry_hash)
     VALUES ($LID, $((H + 2)), gen_random_uuid(), 'conversation/planted', 'message.received', 0, 0, 'planted', '{}',
             '\\x$(random_hex)', '\\x$(random_hex)', '\\x$(random_hex)')"
attempt "INSERT a planted payload" \
    "INSERT INTO ledger_payloads (ledger_id, position, data_key_id, sealed) VALUES ($LID, $((H + 2)), $KEY_ID, '\\x00')"
attempt "INSERT a planted merkle node" \
    "INSERT INTO merkle_nodes (ledger_id, last_position, level, hash) VALUES ($LID, $(((H / 16 + 1) * 16)), 4, '\\x$(random_hex)')"
attempt "INSERT a planted payload destruction" \
    "INSERT INTO payload_destructions (ledger_id, position, data_key_id, authorised_by_position) VALUES ($LID, 1, $KEY_ID, $H)"
attempt "INSERT a new ledger whose head is already moved" \
    "INSERT INTO ledgers (name) VALUES ('planted-ledger');
     INSERT INTO ledger_heads (ledger_id, position, head_hash) SELECT id, 5, '\\x$(random_hex)' FROM ledgers WHERE name = 'planted-ledger'"
attempt "INSERT a junk data key for a new stream" \
    "INSERT INTO data_keys (ledger_id, stream, period, master_key_id, wrapped_key)
     VALUES ($LID, 'conversation/planted', '2026-01', '$MASTER_ID', '\\x$(random_hex)$(random_hex)')"

# A signing key whose private half the attacker holds, and a checkpoint it signs for a history
# that is not the ledger's (the right size, another root).
openssl genpkey -algorithm ed25519 -out "$WORK/planted.pem" 2>/dev/null
PUB=$(openssl pkey -in "$WORK/planted.pem" -pubout -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n')
ORIGIN="$LOG_NAME/ledgers/$LEDGER"
ROOT=$(random_hex)
printf '%s\n%s\n%s\n' "$ORIGIN" "$H" "$(xxd -r -p <<<"$ROOT" | base64 -w0)" >"$WORK/body"
{ printf '%s\n\001' "$ORIGIN"; xxd -r -p <<<"$PUB"; } | openssl dgst -sha256 -binary | head -c 4 >"$WORK/sig"
openssl pkeyutl -sign -inkey "$WORK/planted.pem" -rawin -in "$WORK/body" >>"$WORK/sig"
NOTE="$(cat "$WORK/body")
"$'\n'"— $ORIGIN $(base64 -w0 <"$WORK/sig")"
NOTE_SQL=${NOTE//\'/\'\'}
attempt "INSERT a planted signing key and a checkpoint it signs for another history" \
    "INSERT INTO signing_keys (public_key, master_key_id, wrapped_seed) VALUES ('\\x$PUB', 'planted', '\\x00');
     INSERT INTO checkpoints (ledger_id, tree_size, root_hash, chain_head, signing_key_id, note)
     SELECT $LID, $H, '\\x$ROOT', '\\x$HH', id, E'${NOTE_SQL//$'\n'/\\n}\\n' FROM signing_keys WHERE public_key = '\\x$PUB'"

# 3. The security-definer functions with bad arguments.
H=$(head_position); HH=$(head_hash); NEW=$(random_hex)
attempt "rk_append leaving a gap (entry at head + 2)" "$(rk_append_call "$H" "$HH" $((H + 1)) "$NEW" $((H + 2)) "$HH" "$KEY_ID")"
attempt "rk_append of an entry that does not link to the head" "$(rk_append_call "$H" "$HH" $((H + 1)) "$NEW" $((H + 1)) "$(random_hex)" "$KEY_ID")"
attempt "rk_append moving the head backwards" "$(rk_append_call "$H" "$HH" $((H - 1)) "$NEW" $((H - 1)) "$HH" "$KEY_ID")"
attempt "rk_append from a stale head" "$(rk_append_call $((H - 1)) "$HH" "$H" "$NEW" "$H" "$HH" "$KEY_ID")"
attempt "rk_append with a tree node outside the batch" "$(rk_append_call "$H" "$HH" $((H + 1)) "$NEW" $((H + 1)) "$HH" "$KEY_ID" $(((H / 16 + 2) * 16)))"
attempt "rk_append sealing a payload under another ledger's or a missing data key" "$(rk_append_call "$H" "$HH" $((H + 1)) "$NEW" $((H + 1)) "$HH" 999999999)"
attempt "rk_destroy_data_key without an authorising record.destroyed entry" "SELECT rk_destroy_data_key($KEY_ID, $H)"
# Last (it extends the chain for good): a well-formed append whose entry hash is not the hash of
# its fields. Only verify can see this.
attempt "rk_append of a well-linked entry with a forged hash" "$(rk_append_call "$H" "$HH" $((H + 1)) "$NEW" $((H + 1)) "$HH" "$KEY_ID")"

echo "$attempts attempts, $neither neither refused nor detected"
[[ $neither -eq 0 ]]
