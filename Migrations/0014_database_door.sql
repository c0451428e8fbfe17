-- Recordkeeper schema version 14: the database door (docs/operations.md, "What the append-only
-- protection stops and what only detection covers").
--
-- The service role keeps INSERT and SELECT where inserting cannot mislead verification, and
-- loses every UPDATE on the ledger's own tables:
--   * Entries, payloads and stored Merkle nodes are written only by rk_append(), a security-
--     definer function that moves the head forward from where the caller saw it, only over a
--     gapless run of entries that link to the head and to each other, and inserts the batch.
--     The service role cannot insert a row into ledger_entries, ledger_payloads or merkle_nodes
--     itself, nor move the head in place.
--   * Data keys and signing keys cannot be changed by the service role at all: a master key
--     rotation (`recordkeeper keys rotate`) re-wraps them as the schema owner
--     (DATABASE_OWNER_URL), where the version 1 and 3 triggers allow only a re-wrap. So a junk
--     wrap cannot shred content and a changed master_key_id cannot stop verification. A data key
--     the service role inserts with a wrap that does not open is reported by `recordkeeper verify`
--     (data_key_wrap_unopenable); its payloads could never have been read.

-- Appending ----------------------------------------------------------------------------------

-- A new ledger's head starts at position 0 and the genesis hash.
CREATE FUNCTION rk_guard_head_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.position = 0 AND NEW.head_hash = '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'recordkeeper: a new ledger head starts at position 0 and the genesis hash'
        USING ERRCODE = 'RK001', HINT = 'The head moves only through rk_append().';
END
$$;
CREATE TRIGGER heads_insert_guard BEFORE INSERT ON ledger_heads
    FOR EACH ROW EXECUTE FUNCTION rk_guard_head_insert();
ALTER TABLE ledger_heads ENABLE ALWAYS TRIGGER heads_insert_guard;

-- Takes the head row's lock for the rest of the caller's transaction (the service role has no
-- UPDATE privilege, so it cannot SELECT … FOR UPDATE the row itself). Returns whether the
-- ledger has a head.
CREATE FUNCTION rk_lock_head(p_ledger integer) RETURNS boolean
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM 1 FROM ledger_heads WHERE ledger_id = p_ledger FOR UPDATE;
    RETURN FOUND;
END
$$;
REVOKE ALL ON FUNCTION rk_lock_head(integer) FROM PUBLIC;

-- Appends one batch: moves ledger p_ledger's head from (p_expected, p_expected_hash) to
-- (p_position, p_hash) and inserts the entries, their payloads and the Merkle nodes they
-- complete, one array element per row. Refuses (RK003) a batch that does not move the head
-- forward, whose positions are not exactly p_expected + 1 … p_position, whose first entry does
-- not link to p_expected_hash, whose entries do not link to each other, whose last hash is not
-- p_hash, whose tree nodes lie outside the batch, or whose payloads name a data key that is not
-- a live key of the ledger. When the head is no longer at p_expected (another appender won),
-- nothing is written and moved = 0. The entry hashes themselves are recomputed by
-- `recordkeeper verify`, which the database cannot do.
CREATE FUNCTION rk_append(
    p_ledger integer, p_expected bigint, p_expected_hash bytea, p_position bigint, p_hash bytea,
    p_positions bigint[], p_event_ids uuid[], p_streams text[], p_types text[], p_occurred bigint[], p_recorded bigint[],
    p_actors text[], p_dedupe_keys text[], p_headers text[], p_commitments bytea[], p_previous bytea[], p_hashes bytea[],
    p_key_ids bigint[], p_sealed bytea[], p_node_positions bigint[], p_node_levels smallint[], p_node_hashes bytea[],
    OUT moved bigint, OUT entries bigint, OUT payloads bigint, OUT nodes bigint)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    n bigint := p_position - p_expected;
    sizes bigint[];
    bad bigint;
BEGIN
    moved := 0; entries := 0; payloads := 0; nodes := 0;
    IF p_ledger IS NULL OR p_expected IS NULL OR p_expected_hash IS NULL OR p_position IS NULL OR p_hash IS NULL THEN
        RAISE EXCEPTION 'recordkeeper: rk_append refused: ledger, expected head and new head are required' USING ERRCODE = 'RK003';
    END IF;
    IF n < 1 THEN
        RAISE EXCEPTION 'recordkeeper: rk_append refused: the head only moves forward (from % to %)', p_expected, p_position
            USING ERRCODE = 'RK003';
    END IF;
    sizes := ARRAY[cardinality(p_positions), cardinality(p_event_ids), cardinality(p_streams), cardinality(p_types),
                   cardinality(p_occurred), cardinality(p_recorded), cardinality(p_actors), cardinality(p_dedupe_keys),
                   cardinality(p_headers), cardinality(p_commitments), cardinality(p_previous), cardinality(p_hashes),
                   cardinality(p_key_ids), cardinality(p_sealed)];
    IF EXISTS (SELECT 1 FROM unnest(sizes) s WHERE s IS DISTINCT FROM n) THEN
        RAISE EXCEPTION 'recordkeeper: rk_append refused: moving the head from % to % takes exactly % entries and payloads', p_expected, p_position, n
            USING ERRCODE = 'RK003';
    END IF;
    SELECT min(u.i) INTO bad
    FROM unnest(p_positions, p_previous, p_hashes) WITH ORDINALITY AS u(position, previous, hash, i)
    WHERE u.position IS DISTINCT FROM p_expected + u.i
       OR u.previous IS DISTINCT FROM (CASE WHEN u.i = 1 THEN p_expected_hash ELSE p_hashes[u.i - 1] END)
       OR u.hash IS NULL;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'recordkeeper: rk_append refused: entry % of the batch is not at position % or does not link to the entry before it', bad, p_expected + bad
            USING ERRCODE = 'RK003';
    END IF;
    IF p_hashes[n] IS DISTINCT FROM p_hash THEN
        RAISE EXCEPTION 'recordkeeper: rk_append refused: the new head hash is not the last entry''s hash' USING ERRCODE = 'RK003';
    END IF;
    IF cardinality(p_node_positions) IS DISTINCT FROM cardinality(p_node_levels)
       OR cardinality(p_node_positions) IS DISTINCT FROM cardinality(p_node_hashes)
       OR EXISTS (SELECT 1 FROM unnest(p_node_positions) x WHERE x IS NULL OR x <= p_expected OR x > p_position) THEN
        RAISE EXCEPTION 'recordkeeper: rk_append refused: tree nodes must end within positions % … %', p_expected + 1, p_position
            USING ERRCODE = 'RK003';
    END IF;
    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT k FROM unnest(p_key_ids) k) ks
               WHERE NOT EXISTS (SELECT 1 FROM data_keys d WHERE d.id = ks.k AND d.ledger_id = p_ledger AND d.destroyed_at IS NULL)) THEN
        RAISE EXCEPTION 'recordkeeper: rk_append refused: a payload names a data key that is not a live key of ledger %', p_ledger
            USING ERRCODE = 'RK003';
    END IF;

    UPDATE ledger_heads SET position = p_position, head_hash = p_hash, updated_at = now()
     WHERE ledger_id = p_ledger AND position = p_expected AND head_hash = p_expected_hash;
    GET DIAGNOSTICS moved = ROW_COUNT;
    IF moved = 0 THEN
        RETURN;
    END IF;
    INSERT INTO ledger_entries (ledger_id, position, event_id, stream, event_type, occurred_at_us, recorded_at_us,
                                actor, dedupe_key, header, payload_commitment, prev_hash, entry_hash)
    SELECT p_ledger, u.position, u.event_id, u.stream, u.event_type, u.occurred, u.recorded,
           u.actor, NULLIF(u.dedupe_key, ''), u.header, u.commitment, u.previous, u.hash
    FROM unnest(p_positions, p_event_ids, p_streams, p_types, p_occurred, p_recorded, p_actors,
                p_dedupe_keys, p_headers, p_commitments, p_previous, p_hashes)
         AS u(position, event_id, stream, event_type, occurred, recorded, actor, dedupe_key, header, commitment, previous, hash);
    GET DIAGNOSTICS entries = ROW_COUNT;
    INSERT INTO ledger_payloads (ledger_id, position, data_key_id, sealed)
    SELECT p_ledger, u.position, u.key_id, u.sealed FROM unnest(p_positions, p_key_ids, p_sealed) AS u(position, key_id, sealed);
    GET DIAGNOSTICS payloads = ROW_COUNT;
    INSERT INTO merkle_nodes (ledger_id, last_position, level, hash)
    SELECT p_ledger, u.last_position, u.level, u.hash
    FROM unnest(p_node_positions, p_node_levels, p_node_hashes) AS u(last_position, level, hash);
    GET DIAGNOSTICS nodes = ROW_COUNT;
END
$$;
REVOKE ALL ON FUNCTION rk_append(integer, bigint, bytea, bigint, bytea, bigint[], uuid[], text[], text[], bigint[], bigint[],
    text[], text[], text[], bytea[], bytea[], bytea[], bigint[], bytea[], bigint[], smallint[], bytea[]) FROM PUBLIC;

-- Privileges of the service role (replaces version 5's definition; everything else it granted
-- is kept). No UPDATE on ledger_heads, data_keys or signing_keys (rk_append() moves heads; the
-- owner re-wraps keys); no INSERT on ledger_entries, ledger_payloads or merkle_nodes (rk_append()
-- writes them).
CREATE OR REPLACE FUNCTION rk_grant_service_role(p_role text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', p_role);
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', p_role);
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', p_role);
    EXECUTE format('GRANT SELECT ON schema_migrations TO %I', p_role);
    EXECUTE format('GRANT SELECT, INSERT ON ledgers, ledger_heads, data_keys TO %I', p_role);
    EXECUTE format('GRANT SELECT ON ledger_entries, ledger_payloads, payload_destructions TO %I', p_role);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO %I', p_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION rk_destroy_data_key(bigint, bigint) TO %I', p_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION rk_lock_head(integer) TO %I', p_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION rk_append(integer, bigint, bytea, bigint, bytea, bigint[], uuid[], text[], text[], bigint[], bigint[], '
                   'text[], text[], text[], bytea[], bytea[], bytea[], bigint[], bytea[], bigint[], smallint[], bytea[]) TO %I', p_role);
    -- version 3: tree, keys, checkpoints (the tree only through rk_append)
    EXECUTE format('GRANT SELECT ON merkle_nodes TO %I', p_role);
    EXECUTE format('GRANT SELECT, INSERT ON signing_keys, checkpoints, checkpoint_timestamps, checkpoint_publications TO %I', p_role);
    -- benchmark baseline
    EXECUTE format('GRANT USAGE ON SCHEMA rk_bench TO %I', p_role);
    EXECUTE format('GRANT SELECT, INSERT, TRUNCATE ON rk_bench.plain_events TO %I', p_role);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA rk_bench TO %I', p_role);
    -- version 4: projections (caches of the log; never the log tables)
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON projection_state, conversations, conversation_streams, conversation_identities, conversation_messages, conversation_statuses, media TO %I', p_role);
    -- version 5 on: every table a later migration registers in rk_service_grants
    FOR r IN SELECT relation, privileges FROM rk_service_grants ORDER BY relation LOOP
        EXECUTE format('GRANT %s ON %I TO %I', r.privileges, r.relation, p_role);
    END LOOP;
END
$$;
