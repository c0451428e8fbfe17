-- Recordkeeper schema version 22: plans that hold at a million records, and on a new ledger.
--
-- 1. The filer looks at the ledger in windows of positions and files, besides the records its
--    messages belong to, each record the window opened that has no message (a conversation's
--    handling record, say). This index finds those by first_position without reading every
--    record not yet filed, so a window costs the same at a million records as at a thousand.
CREATE INDEX retention_records_first_position ON retention_records (ledger_id, first_position);

-- 2. Destruction purges what was derived from the payloads it removed (search terms, media
--    addresses), found by the data keys destroyed: without these indexes each batch read every
--    earlier destruction of the ledger and every media row.
CREATE INDEX payload_destructions_data_key ON payload_destructions (data_key_id);
CREATE INDEX media_message_position ON media (ledger_id, message_position);
CREATE INDEX media_outcome_position ON media (ledger_id, outcome_position);

-- 3. rk_append() (version 14) checks that every payload's data key is a live key of the ledger.
--    On a ledger created since the planner's statistics were taken, PostgreSQL expects it to
--    hold one key and checked each key against every key of the ledger: appends slowed as the
--    new ledger grew, until the next ANALYZE. The check now finds the keys by their primary key.
--    Everything else is version 14's function unchanged (its grants stay).
CREATE OR REPLACE FUNCTION rk_append(
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
    -- Every key found by its primary key first (OFFSET 0 keeps the ledger condition out of the
    -- index choice), then checked: a NULL key, or one not live in this ledger, is refused.
    IF array_position(p_key_ids, NULL) IS NOT NULL
       OR (SELECT count(DISTINCT k) FROM unnest(p_key_ids) k)
          <> (SELECT count(*) FROM (SELECT d.ledger_id, d.destroyed_at FROM data_keys d WHERE d.id = ANY(p_key_ids) OFFSET 0) live
              WHERE live.ledger_id = p_ledger AND live.destroyed_at IS NULL) THEN
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

