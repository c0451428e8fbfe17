-- The baseline table for `recordkeeper bench append`: the same rows the ledger stores, in one
-- plain table with a serial key and the same unique event id and stream index, but no chain,
-- no encryption and no triggers. The benchmark empties it before and after each run.
CREATE SCHEMA rk_bench;

CREATE TABLE rk_bench.plain_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        uuid NOT NULL UNIQUE,
    stream          text NOT NULL,
    event_type      text NOT NULL,
    occurred_at_us  bigint NOT NULL,
    recorded_at_us  bigint NOT NULL,
    actor           text NOT NULL,
    header          text NOT NULL,
    payload         bytea NOT NULL
);
CREATE INDEX plain_events_stream ON rk_bench.plain_events (stream, id);

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
    -- benchmark baseline
    EXECUTE format('GRANT USAGE ON SCHEMA rk_bench TO %I', p_role);
    EXECUTE format('GRANT SELECT, INSERT, TRUNCATE ON rk_bench.plain_events TO %I', p_role);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA rk_bench TO %I', p_role);
END
$$;
