-- Recordkeeper ledger schema, version 1.
-- The log tables (ledgers, ledger_entries, ledger_payloads, payload_destructions) are
-- append-only: triggers declared ENABLE ALWAYS reject UPDATE, DELETE and TRUNCATE for every
-- role, even with session_replication_role = replica. The one narrow door for removing
-- payloads is rk_destroy_data_key(), which requires an authorising record.destroyed entry.

CREATE TABLE ledgers (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per ledger: the last position and its entry hash. Appenders lock and move it.
CREATE TABLE ledger_heads (
    ledger_id   integer PRIMARY KEY REFERENCES ledgers (id),
    position    bigint NOT NULL DEFAULT 0 CHECK (position >= 0),
    head_hash   bytea NOT NULL DEFAULT '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea
                CHECK (octet_length(head_hash) = 32),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The hot-path tables (ledger_entries, ledger_payloads) carry no foreign keys: their rows are
-- written only by the append statement, which inserts them only after moving the ledger's head
-- row, so the references hold by construction, and a per-row foreign-key check would cost more
-- than the rest of the append. `recordkeeper verify` checks every payload against its entry.
CREATE TABLE ledger_entries (
    ledger_id           integer NOT NULL,
    position            bigint NOT NULL CHECK (position >= 1),
    event_id            uuid NOT NULL,
    stream              text NOT NULL CHECK (octet_length(stream) BETWEEN 1 AND 512),
    event_type          text NOT NULL CHECK (octet_length(event_type) BETWEEN 1 AND 128),
    occurred_at_us      bigint NOT NULL,
    recorded_at_us      bigint NOT NULL,
    actor               text NOT NULL CHECK (octet_length(actor) BETWEEN 1 AND 256),
    dedupe_key          text CHECK (octet_length(dedupe_key) BETWEEN 1 AND 512),
    header              text NOT NULL CHECK (octet_length(header) <= 8192),
    payload_commitment  bytea NOT NULL CHECK (octet_length(payload_commitment) = 32),
    prev_hash           bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
    entry_hash          bytea NOT NULL CHECK (octet_length(entry_hash) = 32),
    PRIMARY KEY (ledger_id, position)
);
CREATE UNIQUE INDEX ledger_entries_event_id ON ledger_entries (ledger_id, event_id);
CREATE UNIQUE INDEX ledger_entries_dedupe_key ON ledger_entries (ledger_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX ledger_entries_stream ON ledger_entries (ledger_id, stream, position);

-- Payload data keys: one per ledger, stream and UTC calendar month, wrapped by the master key.
-- wrapped_key becomes NULL when the key is destroyed (only through rk_destroy_data_key).
CREATE TABLE data_keys (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ledger_id              integer NOT NULL REFERENCES ledgers (id),
    stream                 text NOT NULL,
    period                 text NOT NULL CHECK (period ~ '^[0-9]{4}-[0-9]{2}$'),
    master_key_id          text,
    wrapped_key            bytea,
    created_at             timestamptz NOT NULL DEFAULT now(),
    rewrapped_at           timestamptz,
    destroyed_at           timestamptz,
    destroyed_by_position  bigint,
    UNIQUE (ledger_id, stream, period),
    CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL))
);

-- Encrypted payloads, apart from the entries: nonce ‖ AES-256-GCM(salt ‖ payload) ‖ tag.
CREATE TABLE ledger_payloads (
    ledger_id    integer NOT NULL,
    position     bigint NOT NULL,
    data_key_id  bigint NOT NULL,
    sealed       bytea NOT NULL,
    PRIMARY KEY (ledger_id, position)
);
-- Ciphertext does not compress: store it out of line without trying.
ALTER TABLE ledger_payloads ALTER COLUMN sealed SET STORAGE EXTERNAL;
CREATE INDEX ledger_payloads_data_key ON ledger_payloads (data_key_id);

-- One row per destroyed payload, naming the record.destroyed entry that authorised it.
CREATE TABLE payload_destructions (
    ledger_id               integer NOT NULL,
    position                bigint NOT NULL,
    data_key_id             bigint NOT NULL REFERENCES data_keys (id),
    authorised_by_position  bigint NOT NULL,
    destroyed_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ledger_id, position),
    FOREIGN KEY (ledger_id, position) REFERENCES ledger_entries (ledger_id, position),
    FOREIGN KEY (ledger_id, authorised_by_position) REFERENCES ledger_entries (ledger_id, position),
    CHECK (authorised_by_position > position)
);

-- Append-only enforcement -------------------------------------------------------------------

CREATE FUNCTION rk_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'recordkeeper: % on % is not allowed: the ledger is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'RK001',
              HINT = 'Corrections, redactions and destructions are new events.';
END
$$;

CREATE FUNCTION rk_guard_payloads() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('recordkeeper.destruction', true) = 'authorised' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'recordkeeper: % on ledger_payloads is not allowed: payloads are removed only by rk_destroy_data_key()', TG_OP
        USING ERRCODE = 'RK001';
END
$$;

CREATE FUNCTION rk_guard_heads() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.ledger_id = OLD.ledger_id AND NEW.position >= OLD.position THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'recordkeeper: a ledger head only moves forward (% refused)', TG_OP
        USING ERRCODE = 'RK001';
END
$$;

CREATE FUNCTION rk_guard_data_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id AND NEW.ledger_id = OLD.ledger_id AND NEW.stream = OLD.stream AND NEW.period = OLD.period
       AND OLD.destroyed_at IS NULL
       AND (NEW.wrapped_key IS NOT NULL
            OR current_setting('recordkeeper.destruction', true) = 'authorised') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'recordkeeper: % on data_keys is not allowed: keys are re-wrapped or destroyed, never altered or deleted', TG_OP
        USING ERRCODE = 'RK001';
END
$$;

CREATE TRIGGER ledgers_append_only BEFORE UPDATE OR DELETE ON ledgers
    FOR EACH ROW EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER ledgers_no_truncate BEFORE TRUNCATE ON ledgers
    FOR EACH STATEMENT EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER payloads_guard BEFORE UPDATE OR DELETE ON ledger_payloads
    FOR EACH ROW EXECUTE FUNCTION rk_guard_payloads();
CREATE TRIGGER payloads_no_truncate BEFORE TRUNCATE ON ledger_payloads
    FOR EACH STATEMENT EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER destructions_append_only BEFORE UPDATE OR DELETE ON payload_destructions
    FOR EACH ROW EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER destructions_no_truncate BEFORE TRUNCATE ON payload_destructions
    FOR EACH STATEMENT EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER heads_guard BEFORE UPDATE OR DELETE ON ledger_heads
    FOR EACH ROW EXECUTE FUNCTION rk_guard_heads();
CREATE TRIGGER heads_no_truncate BEFORE TRUNCATE ON ledger_heads
    FOR EACH STATEMENT EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER data_keys_guard BEFORE UPDATE OR DELETE ON data_keys
    FOR EACH ROW EXECUTE FUNCTION rk_guard_data_keys();
CREATE TRIGGER data_keys_no_truncate BEFORE TRUNCATE ON data_keys
    FOR EACH STATEMENT EXECUTE FUNCTION rk_reject_change();

-- Fire even with session_replication_role = replica.
ALTER TABLE ledgers ENABLE ALWAYS TRIGGER ledgers_append_only;
ALTER TABLE ledgers ENABLE ALWAYS TRIGGER ledgers_no_truncate;
ALTER TABLE ledger_entries ENABLE ALWAYS TRIGGER entries_append_only;
ALTER TABLE ledger_entries ENABLE ALWAYS TRIGGER entries_no_truncate;
ALTER TABLE ledger_payloads ENABLE ALWAYS TRIGGER payloads_guard;
ALTER TABLE ledger_payloads ENABLE ALWAYS TRIGGER payloads_no_truncate;
ALTER TABLE payload_destructions ENABLE ALWAYS TRIGGER destructions_append_only;
ALTER TABLE payload_destructions ENABLE ALWAYS TRIGGER destructions_no_truncate;
ALTER TABLE ledger_heads ENABLE ALWAYS TRIGGER heads_guard;
ALTER TABLE ledger_heads ENABLE ALWAYS TRIGGER heads_no_truncate;
ALTER TABLE data_keys ENABLE ALWAYS TRIGGER data_keys_guard;
ALTER TABLE data_keys ENABLE ALWAYS TRIGGER data_keys_no_truncate;

-- The one narrow door for lawful destruction -------------------------------------------------
-- Deletes every payload sealed under one data key and the wrapped key itself, and records a
-- payload_destructions row for each. It requires a record.destroyed entry, later in the same
-- ledger than every payload it removes, whose retained header lists the key id in
-- "data_key_ids". Returns the number of payloads removed.
CREATE FUNCTION rk_destroy_data_key(p_data_key_id bigint, p_authorising_position bigint)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    k data_keys%ROWTYPE;
    auth ledger_entries%ROWTYPE;
    removed bigint;
BEGIN
    SELECT * INTO k FROM data_keys WHERE id = p_data_key_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'data key % does not exist', p_data_key_id USING ERRCODE = 'RK002';
    END IF;
    IF k.destroyed_at IS NOT NULL THEN
        RAISE EXCEPTION 'data key % was already destroyed by entry %', p_data_key_id, k.destroyed_by_position USING ERRCODE = 'RK002';
    END IF;
    SELECT * INTO auth FROM ledger_entries WHERE ledger_id = k.ledger_id AND position = p_authorising_position;
    IF NOT FOUND OR auth.event_type <> 'record.destroyed' THEN
        RAISE EXCEPTION 'entry % is not a record.destroyed event of this ledger', p_authorising_position USING ERRCODE = 'RK002';
    END IF;
    IF NOT coalesce((auth.header::jsonb -> 'data_key_ids') @> jsonb_build_array(p_data_key_id), false) THEN
        RAISE EXCEPTION 'entry % does not authorise destroying data key %', p_authorising_position, p_data_key_id USING ERRCODE = 'RK002';
    END IF;
    IF EXISTS (SELECT 1 FROM ledger_payloads WHERE data_key_id = p_data_key_id AND position >= p_authorising_position) THEN
        RAISE EXCEPTION 'data key % seals payloads recorded after entry %', p_data_key_id, p_authorising_position USING ERRCODE = 'RK002';
    END IF;

    PERFORM set_config('recordkeeper.destruction', 'authorised', true);
    INSERT INTO payload_destructions (ledger_id, position, data_key_id, authorised_by_position)
        SELECT ledger_id, position, data_key_id, p_authorising_position FROM ledger_payloads WHERE data_key_id = p_data_key_id;
    DELETE FROM ledger_payloads WHERE data_key_id = p_data_key_id;
    GET DIAGNOSTICS removed = ROW_COUNT;
    UPDATE data_keys
       SET wrapped_key = NULL, master_key_id = NULL, destroyed_at = now(), destroyed_by_position = p_authorising_position
     WHERE id = p_data_key_id;
    PERFORM set_config('recordkeeper.destruction', '', true);
    RETURN removed;
END
$$;
REVOKE ALL ON FUNCTION rk_destroy_data_key(bigint, bigint) FROM PUBLIC;

-- Privileges of the service role: INSERT and SELECT on the log, nothing more. ------------------
-- recordkeeper migrate calls this for the role named in DATABASE_URL; later migrations
-- replace it when they add tables.
CREATE FUNCTION rk_grant_service_role(p_role text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', p_role);
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', p_role);
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', p_role);
    EXECUTE format('GRANT SELECT ON schema_migrations TO %I', p_role);
    EXECUTE format('GRANT SELECT, INSERT ON ledgers, ledger_heads, ledger_entries, ledger_payloads, data_keys TO %I', p_role);
    EXECUTE format('GRANT SELECT ON payload_destructions TO %I', p_role);
    EXECUTE format('GRANT UPDATE (position, head_hash, updated_at) ON ledger_heads TO %I', p_role);
    EXECUTE format('GRANT UPDATE (wrapped_key, master_key_id, rewrapped_at) ON data_keys TO %I', p_role);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO %I', p_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION rk_destroy_data_key(bigint, bigint) TO %I', p_role);
END
$$;
