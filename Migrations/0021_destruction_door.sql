-- Recordkeeper schema version 21: the door for destroying records in bulk (docs/ledger-format.md,
-- section 9; docs/records-officer.md, "Destruction").
--
-- rk_destroy_data_keys() is rk_destroy_data_key() for many keys at once, set-based, for a
-- destruction run that shreds thousands of records: it deletes every payload sealed under the
-- given data keys of one ledger and the wrapped keys themselves, and records a
-- payload_destructions row for each payload. Like the version 1 door it requires a
-- record.destroyed entry of the same ledger, later than every payload it removes, whose retained
-- header lists every given key in "data_key_ids". A key this same entry already destroyed is
-- skipped, so a run that stopped half-way (a crash between appending the entry and committing the
-- destruction, or between two calls) is finished by calling it again; a key another entry
-- destroyed is refused.
CREATE FUNCTION rk_destroy_data_keys(p_ledger integer, p_key_ids bigint[], p_authorising_position bigint,
    OUT keys_destroyed bigint, OUT payloads_removed bigint)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    auth ledger_entries%ROWTYPE;
    bad bigint;
BEGIN
    keys_destroyed := 0; payloads_removed := 0;
    IF p_ledger IS NULL OR p_authorising_position IS NULL OR coalesce(cardinality(p_key_ids), 0) = 0
       OR EXISTS (SELECT 1 FROM unnest(p_key_ids) k WHERE k IS NULL) THEN
        RAISE EXCEPTION 'recordkeeper: rk_destroy_data_keys refused: a ledger, an authorising position and at least one key are required'
            USING ERRCODE = 'RK002';
    END IF;
    SELECT * INTO auth FROM ledger_entries WHERE ledger_id = p_ledger AND position = p_authorising_position;
    IF NOT FOUND OR auth.event_type <> 'record.destroyed' THEN
        RAISE EXCEPTION 'entry % is not a record.destroyed event of this ledger', p_authorising_position USING ERRCODE = 'RK002';
    END IF;
    IF NOT coalesce((auth.header::jsonb -> 'data_key_ids') @> to_jsonb(p_key_ids), false) THEN
        RAISE EXCEPTION 'entry % does not authorise destroying every one of the % data keys given', p_authorising_position, cardinality(p_key_ids)
            USING ERRCODE = 'RK002';
    END IF;
    PERFORM 1 FROM data_keys WHERE id = ANY(p_key_ids) ORDER BY id FOR UPDATE;
    SELECT min(k) INTO bad FROM unnest(p_key_ids) k
    WHERE NOT EXISTS (SELECT 1 FROM data_keys d WHERE d.id = k AND d.ledger_id = p_ledger);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'data key % is not a key of ledger %', bad, p_ledger USING ERRCODE = 'RK002';
    END IF;
    SELECT min(id) INTO bad FROM data_keys
    WHERE id = ANY(p_key_ids) AND destroyed_at IS NOT NULL AND destroyed_by_position IS DISTINCT FROM p_authorising_position;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'data key % was already destroyed by another entry', bad USING ERRCODE = 'RK002';
    END IF;
    IF EXISTS (SELECT 1 FROM ledger_payloads
               WHERE data_key_id = ANY(p_key_ids) AND ledger_id = p_ledger AND position >= p_authorising_position) THEN
        RAISE EXCEPTION 'a data key given seals payloads recorded after entry %', p_authorising_position USING ERRCODE = 'RK002';
    END IF;

    PERFORM set_config('recordkeeper.destruction', 'authorised', true);
    INSERT INTO payload_destructions (ledger_id, position, data_key_id, authorised_by_position)
        SELECT ledger_id, position, data_key_id, p_authorising_position
        FROM ledger_payloads WHERE data_key_id = ANY(p_key_ids) AND ledger_id = p_ledger;
    DELETE FROM ledger_payloads WHERE data_key_id = ANY(p_key_ids) AND ledger_id = p_ledger;
    GET DIAGNOSTICS payloads_removed = ROW_COUNT;
    UPDATE data_keys
       SET wrapped_key = NULL, master_key_id = NULL, destroyed_at = now(), destroyed_by_position = p_authorising_position
     WHERE id = ANY(p_key_ids) AND destroyed_at IS NULL;
    GET DIAGNOSTICS keys_destroyed = ROW_COUNT;
    PERFORM set_config('recordkeeper.destruction', '', true);
END
$$;
REVOKE ALL ON FUNCTION rk_destroy_data_keys(integer, bigint[], bigint) FROM PUBLIC;
