-- Recordkeeper schema version 27: destruction list after list at a million records
-- (docs/benchmarks.md, "Retention").
--
-- Whether a record is destroyed is read from its data key (data_keys.destroyed_by_position, set
-- by the destruction door in the transaction that removes its payloads), no longer from a copy in
-- retention_records: the retention_records projection marked every record again after each
-- list's destruction, an update of a wide row with five indexes per record, which cost about as
-- much as destroying it. The copy is dropped.
ALTER TABLE retention_records DROP COLUMN destroyed_position;

-- rk_refresh_statistics() (version 26) analyzed a table once a tenth of its rows had changed
-- since its last analysis. Destruction changes rows without changing how many there are (keys
-- marked destroyed, payloads deleted), so every destruction run of a list re-analyzed the large
-- tables, for statistics that plan the same. What misleads the planner is a table that grew (a
-- new or filled ledger the statistics do not know): it is now analyzed when more than 1,000 of
-- its rows changed since its last analysis and either it holds a fifth more rows than the
-- statistics say, it was never analyzed, or the ledger is not among its most common ledger_id
-- values.
CREATE OR REPLACE FUNCTION rk_refresh_statistics(p_ledger integer, OUT tables_analyzed integer)
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
          AND (c.reltuples < 0
               OR s.n_live_tup > 1.2 * c.reltuples
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

-- Readers now take a data key's destroyed_by_position as the record's destruction, so no one but
-- the destruction doors may set it: an update that re-wraps a live key (the only other change
-- allowed) must leave destroyed_at and destroyed_by_position unset. As version 1 otherwise.
CREATE OR REPLACE FUNCTION rk_guard_data_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id AND NEW.ledger_id = OLD.ledger_id AND NEW.stream = OLD.stream AND NEW.period = OLD.period
       AND OLD.destroyed_at IS NULL
       AND ((NEW.wrapped_key IS NOT NULL AND NEW.destroyed_at IS NULL AND NEW.destroyed_by_position IS NULL)
            OR current_setting('recordkeeper.destruction', true) = 'authorised') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'recordkeeper: % on data_keys is not allowed: keys are re-wrapped or destroyed, never altered or deleted', TG_OP
        USING ERRCODE = 'RK001';
END
$$;
