-- The privileges of the service role: the one definition of rk_grant_service_role().
--
-- Files in Migrations/repeatable/ are not numbered migrations: `recordkeeper migrate` re-applies
-- every one of them (in file name order) after the numbered migrations, each time it runs, in one
-- transaction together with the call that grants the service role (docs/operations.md,
-- "Migrations"). So they must be safe to run again (CREATE OR REPLACE), and they are written
-- against the newest schema. Change privileges here, not in a new numbered migration; a table a
-- numbered migration adds is either named here or registered in rk_service_grants.
--
-- What the service role may do (version 14, the database door): INSERT and SELECT where inserting
-- cannot mislead verification; no UPDATE on ledger_heads, data_keys or signing_keys (rk_append()
-- moves heads; the owner re-wraps keys); no INSERT on ledger_entries, ledger_payloads or
-- merkle_nodes (rk_append() writes them); never TRUNCATE or DELETE on the log.
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
    EXECUTE format('GRANT EXECUTE ON FUNCTION rk_destroy_data_keys(integer, bigint[], bigint) TO %I', p_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION rk_lock_head(integer) TO %I', p_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION rk_refresh_statistics(integer) TO %I', p_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION rk_append(integer, bigint, bytea, bigint, bytea, bigint[], uuid[], text[], text[], bigint[], bigint[], '
                   'text[], text[], text[], bytea[], bytea[], bytea[], bigint[], bytea[], bigint[], smallint[], bytea[]) TO %I', p_role);
    -- tree, keys, checkpoints (the tree only through rk_append)
    EXECUTE format('GRANT SELECT ON merkle_nodes TO %I', p_role);
    EXECUTE format('GRANT SELECT, INSERT ON signing_keys, checkpoints, checkpoint_timestamps, checkpoint_publications TO %I', p_role);
    -- projections (caches of the log; never the log tables)
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON projection_state, conversations, conversation_streams, conversation_identities, conversation_messages, conversation_statuses, media TO %I', p_role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON retention_catalogs, retention_series TO %I', p_role);
    -- every table a migration registered in rk_service_grants (versions 5 to 13)
    FOR r IN SELECT relation, privileges FROM rk_service_grants ORDER BY relation LOOP
        EXECUTE format('GRANT %s ON %I TO %I', r.privileges, r.relation, p_role);
    END LOOP;
END
$$;
