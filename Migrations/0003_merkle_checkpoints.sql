-- Recordkeeper schema version 3: the stored Merkle tree, signing keys and checkpoints.
-- See docs/ledger-format.md sections 11.1 (merkle_nodes) and 12 (checkpoints).

-- Complete perfect subtrees of level 4 and up (16 leaves or more) of each ledger's RFC 9162
-- tree, about one row per 8 entries. A node at
-- `level` whose last leaf is position `last_position` covers positions
-- last_position - 2^level + 1 … last_position (its index is last_position / 2^level - 1).
-- Rows are written by the append statement together with the entry that completes them.
CREATE TABLE merkle_nodes (
    ledger_id      integer NOT NULL,
    last_position  bigint NOT NULL,
    level          smallint NOT NULL CHECK (level >= 4 AND level < 63),
    hash           bytea NOT NULL CHECK (octet_length(hash) = 32),
    PRIMARY KEY (ledger_id, last_position, level),
    CHECK (last_position > 0 AND last_position % (1::bigint << level) = 0)
);

-- Ed25519 checkpoint signing keys. The private key (its 32-byte seed) is stored only wrapped
-- under the master key: nonce ‖ AES-256-GCM(seed) ‖ tag, associated data
-- "RK-SIGNING-KEY-V1" 0x00 ‖ public key. The newest key signs; older keys stay for verification.
CREATE TABLE signing_keys (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_key     bytea NOT NULL UNIQUE CHECK (octet_length(public_key) = 32),
    master_key_id  text NOT NULL,
    wrapped_seed   bytea NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    rewrapped_at   timestamptz
);

-- Signed checkpoints (the C2SP signed note, exactly as published).
CREATE TABLE checkpoints (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ledger_id       integer NOT NULL REFERENCES ledgers (id),
    tree_size       bigint NOT NULL CHECK (tree_size >= 0),
    root_hash       bytea NOT NULL CHECK (octet_length(root_hash) = 32),
    chain_head      bytea NOT NULL CHECK (octet_length(chain_head) = 32),
    signing_key_id  integer NOT NULL REFERENCES signing_keys (id),
    note            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkpoints_ledger ON checkpoints (ledger_id, tree_size, id);

-- RFC 3161 timestamp tokens over the SHA-256 of a checkpoint's note.
CREATE TABLE checkpoint_timestamps (
    checkpoint_id  bigint PRIMARY KEY REFERENCES checkpoints (id),
    tsa_url        text NOT NULL,
    token          bytea NOT NULL,
    gen_time       timestamptz NOT NULL,
    serial         text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);

-- Deliveries of checkpoints to the sinks outside the database.
CREATE TABLE checkpoint_publications (
    checkpoint_id  bigint NOT NULL REFERENCES checkpoints (id),
    sink           text NOT NULL,
    location       text NOT NULL,
    published_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (checkpoint_id, sink)
);

CREATE FUNCTION rk_guard_signing_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.public_key = OLD.public_key AND NEW.created_at = OLD.created_at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'recordkeeper: % on signing_keys is not allowed: keys are re-wrapped, never altered or deleted', TG_OP
        USING ERRCODE = 'RK001';
END
$$;

CREATE TRIGGER merkle_nodes_append_only BEFORE UPDATE OR DELETE ON merkle_nodes
    FOR EACH ROW EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER merkle_nodes_no_truncate BEFORE TRUNCATE ON merkle_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER signing_keys_guard BEFORE UPDATE OR DELETE ON signing_keys
    FOR EACH ROW EXECUTE FUNCTION rk_guard_signing_keys();
CREATE TRIGGER signing_keys_no_truncate BEFORE TRUNCATE ON signing_keys
    FOR EACH STATEMENT EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER checkpoint_timestamps_append_only BEFORE UPDATE OR DELETE ON checkpoint_timestamps
    FOR EACH ROW EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER checkpoint_timestamps_no_truncate BEFORE TRUNCATE ON checkpoint_timestamps
    FOR EACH STATEMENT EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER checkpoint_publications_append_only BEFORE UPDATE OR DELETE ON checkpoint_publications
    FOR EACH ROW EXECUTE FUNCTION rk_reject_change();
CREATE TRIGGER checkpoint_publications_no_truncate BEFORE TRUNCATE ON checkpoint_publications
    FOR EACH STATEMENT EXECUTE FUNCTION rk_reject_change();

ALTER TABLE merkle_nodes ENABLE ALWAYS TRIGGER merkle_nodes_append_only;
ALTER TABLE merkle_nodes ENABLE ALWAYS TRIGGER merkle_nodes_no_truncate;
ALTER TABLE signing_keys ENABLE ALWAYS TRIGGER signing_keys_guard;
ALTER TABLE signing_keys ENABLE ALWAYS TRIGGER signing_keys_no_truncate;
ALTER TABLE checkpoints ENABLE ALWAYS TRIGGER checkpoints_append_only;
ALTER TABLE checkpoints ENABLE ALWAYS TRIGGER checkpoints_no_truncate;
ALTER TABLE checkpoint_timestamps ENABLE ALWAYS TRIGGER checkpoint_timestamps_append_only;
ALTER TABLE checkpoint_timestamps ENABLE ALWAYS TRIGGER checkpoint_timestamps_no_truncate;
ALTER TABLE checkpoint_publications ENABLE ALWAYS TRIGGER checkpoint_publications_append_only;
ALTER TABLE checkpoint_publications ENABLE ALWAYS TRIGGER checkpoint_publications_no_truncate;

-- Build the stored tree of the entries written before this migration, level by level.
DO $$
DECLARE
    lvl integer := 0;
    made bigint;
BEGIN
    CREATE TEMP TABLE rk_tree_level AS
        SELECT ledger_id, position - 1 AS idx, sha256('\x00'::bytea || entry_hash) AS hash FROM ledger_entries;
    LOOP
        lvl := lvl + 1;
        CREATE TEMP TABLE rk_tree_next AS
            SELECT a.ledger_id, a.idx / 2 AS idx, sha256('\x01'::bytea || a.hash || b.hash) AS hash
            FROM rk_tree_level a JOIN rk_tree_level b ON b.ledger_id = a.ledger_id AND b.idx = a.idx + 1
            WHERE a.idx % 2 = 0;
        GET DIAGNOSTICS made = ROW_COUNT;
        DROP TABLE rk_tree_level;
        ALTER TABLE rk_tree_next RENAME TO rk_tree_level;
        EXIT WHEN made = 0;
        IF lvl >= 4 THEN
            INSERT INTO merkle_nodes (ledger_id, last_position, level, hash)
                SELECT ledger_id, (idx + 1) << lvl, lvl, hash FROM rk_tree_level;
        END IF;
    END LOOP;
    DROP TABLE rk_tree_level;
END
$$;

CREATE OR REPLACE FUNCTION rk_grant_service_role(p_role text) RETURNS void LANGUAGE plpgsql AS $$
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
    -- version 3: tree, keys, checkpoints
    EXECUTE format('GRANT SELECT, INSERT ON merkle_nodes, signing_keys, checkpoints, checkpoint_timestamps, checkpoint_publications TO %I', p_role);
    EXECUTE format('GRANT UPDATE (wrapped_seed, master_key_id, rewrapped_at) ON signing_keys TO %I', p_role);
    -- benchmark baseline
    EXECUTE format('GRANT USAGE ON SCHEMA rk_bench TO %I', p_role);
    EXECUTE format('GRANT SELECT, INSERT, TRUNCATE ON rk_bench.plain_events TO %I', p_role);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA rk_bench TO %I', p_role);
END
$$;
