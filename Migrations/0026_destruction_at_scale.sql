-- Recordkeeper schema version 26: destruction at scale. Planner statistics kept fresh by the
-- service; the keys each destruction authority destroyed found by index; the bulk destruction
-- door finding payloads by their keys alone (docs/operations.md, "What the append-only protection
-- stops"; docs/benchmarks.md, "Retention").
--
-- PostgreSQL plans a query from statistics that autovacuum refreshes only now and then. A ledger
-- created or filled since the last ANALYZE is unknown to them: the planner believes `ledger_id =
-- <new ledger>` matches one row and may walk a whole index of the ledger for each key it looks
-- up (a destruction batch took seconds instead of milliseconds that way). Only a table's owner
-- may ANALYZE it, so this door, owned by the schema owner, lets the service role refresh the
-- statistics of the tables its bulk work on a ledger reads (filing, disposition, destruction,
-- verification) before that work starts. It analyzes a table only when more than 1,000 of its
-- rows changed since its last analysis and either more than a tenth of them did or the ledger is
-- not among the table's most common ledger_id values (the statistics do not know it yet); it
-- skips a table another analysis holds (waiting at most 2 s). So calling it often costs little,
-- and statistics cannot change any result, only how fast it comes.
CREATE FUNCTION rk_refresh_statistics(p_ledger integer, OUT tables_analyzed integer)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    t record;
    caller_lock_timeout text := current_setting('lock_timeout');
BEGIN
    tables_analyzed := 0;
    FOR t IN
        SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
        WHERE s.schemaname = 'public'
          AND s.relname IN ('ledger_entries', 'ledger_payloads', 'data_keys', 'payload_destructions', 'media',
                            'retention_records', 'retention_disposition_items')
          AND s.n_mod_since_analyze > 1000
          AND (s.n_mod_since_analyze > 0.1 * greatest(c.reltuples, 0)
               OR NOT EXISTS (SELECT 1 FROM pg_stats p
                              WHERE p.schemaname = 'public' AND p.tablename = s.relname AND p.attname = 'ledger_id'
                                AND p_ledger = ANY(p.most_common_vals::text::integer[])))
        ORDER BY s.relname
    LOOP
        -- Another ANALYZE of the table (or a VACUUM) holds it: skip it rather than wait.
        BEGIN
            PERFORM set_config('lock_timeout', '2s', true);
            EXECUTE format('ANALYZE %I', t.relname);
            tables_analyzed := tables_analyzed + 1;
        EXCEPTION WHEN lock_not_available THEN
            NULL;
        END;
    END LOOP;
    PERFORM set_config('lock_timeout', caller_lock_timeout, true);
END
$$;
REVOKE ALL ON FUNCTION rk_refresh_statistics(integer) FROM PUBLIC;

-- The data keys each record.destroyed entry destroyed, by entry: how a destruction run finds an
-- authority an interrupted run left unfinished without reading every key every authority names.
CREATE INDEX data_keys_destroyed_by ON data_keys (ledger_id, destroyed_by_position) WHERE destroyed_by_position IS NOT NULL;

-- rk_destroy_data_keys() as in version 21, but the payloads are found by their data keys alone.
-- Its `ledger_id = p_ledger` let the planner AND the ledger's whole primary-key range into every
-- call, so each batch of 500 keys read an index entry for every payload of the ledger and
-- destruction slowed as the ledger grew. The keys are checked to be the ledger's first, and a
-- payload is sealed only under a key of its own ledger (rk_append), so the ledger test stays as
-- a filter (`ledger_id + 0`, which no index serves) rather than an index condition; so does the
-- check that each key is the ledger's, which looks each key up by its primary key.
CREATE OR REPLACE FUNCTION rk_destroy_data_keys(p_ledger integer, p_key_ids bigint[], p_authorising_position bigint,
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
    WHERE NOT EXISTS (SELECT 1 FROM data_keys d WHERE d.id = k AND d.ledger_id + 0 = p_ledger);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'data key % is not a key of ledger %', bad, p_ledger USING ERRCODE = 'RK002';
    END IF;
    SELECT min(id) INTO bad FROM data_keys
    WHERE id = ANY(p_key_ids) AND destroyed_at IS NOT NULL AND destroyed_by_position IS DISTINCT FROM p_authorising_position;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'data key % was already destroyed by another entry', bad USING ERRCODE = 'RK002';
    END IF;
    IF EXISTS (SELECT 1 FROM ledger_payloads
               WHERE data_key_id = ANY(p_key_ids) AND ledger_id + 0 = p_ledger AND position >= p_authorising_position) THEN
        RAISE EXCEPTION 'a data key given seals payloads recorded after entry %', p_authorising_position USING ERRCODE = 'RK002';
    END IF;

    PERFORM set_config('recordkeeper.destruction', 'authorised', true);
    INSERT INTO payload_destructions (ledger_id, position, data_key_id, authorised_by_position)
        SELECT ledger_id, position, data_key_id, p_authorising_position
        FROM ledger_payloads WHERE data_key_id = ANY(p_key_ids) AND ledger_id + 0 = p_ledger;
    DELETE FROM ledger_payloads WHERE data_key_id = ANY(p_key_ids) AND ledger_id + 0 = p_ledger;
    GET DIAGNOSTICS payloads_removed = ROW_COUNT;
    UPDATE data_keys
       SET wrapped_key = NULL, master_key_id = NULL, destroyed_at = now(), destroyed_by_position = p_authorising_position
     WHERE id = ANY(p_key_ids) AND destroyed_at IS NULL;
    GET DIAGNOSTICS keys_destroyed = ROW_COUNT;
    PERFORM set_config('recordkeeper.destruction', '', true);
END
$$;

-- payload_destructions is written only by the destruction doors, rk_destroy_data_key() and
-- rk_destroy_data_keys() (the service role may only read it), and each door takes the rows it
-- writes from ledger_payloads rows it deletes, under keys it checked, with an authorising entry
-- it read: what these foreign keys checked holds by construction, and `verify` checks every row
-- against the log (docs/ledger-format.md, section 9). Their cost did not: each destroyed payload
-- locked its entry, its authorising entry and its key row (FOR KEY SHARE, a WAL record each), two
-- thirds of a destruction batch's time.
ALTER TABLE payload_destructions
    DROP CONSTRAINT payload_destructions_data_key_id_fkey,
    DROP CONSTRAINT payload_destructions_ledger_id_position_fkey,
    DROP CONSTRAINT payload_destructions_ledger_id_authorised_by_position_fkey;
