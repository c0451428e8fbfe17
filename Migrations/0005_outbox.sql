-- Outbound messages: the dispatcher's queue (docs/whatsapp-ingest.md, "Outbound messages").

-- Privileges of the service role for tables of later migrations: a migration registers its tables
-- here (INSERT … ON CONFLICT DO UPDATE) instead of redefining rk_grant_service_role again.
CREATE TABLE rk_service_grants (
    relation    text PRIMARY KEY CHECK (relation ~ '^[a-z_][a-z0-9_]*$'),
    privileges  text NOT NULL CHECK (privileges ~ '^(SELECT|INSERT|UPDATE|DELETE)(, (SELECT|INSERT|UPDATE|DELETE))*$')
);

-- outbox ---------------------------------------------------------------------------------------
-- One row per message.send.requested that the dispatcher delivers (via api or automation). A
-- projection of the log (state, attempts, next attempt, outcome) plus two columns the dispatcher
-- owns: claimed_until_us and claims (an attempt in flight, or one a crashed process left).
CREATE TABLE outbox (
    ledger_id          integer NOT NULL,
    request_position   bigint NOT NULL,
    request_id         text NOT NULL,
    stream             text NOT NULL,
    phone_number_id    text NOT NULL,
    kind               text NOT NULL,
    requested_at_us    bigint NOT NULL,
    state              text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'failed')),
    attempts           integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),  -- failed attempts on the record
    next_attempt_at_us bigint,                                           -- NULL: due now
    last_error         text,
    message_id         text,             -- the wamid, once accepted
    status_message_id  text,             -- a wamid a status carrying the request's callback data named
    status_position    bigint,
    outcome_position   bigint,
    claims             integer NOT NULL DEFAULT 0 CHECK (claims >= 0),   -- dispatcher: attempts started
    claimed_until_us   bigint,                                           -- dispatcher: not again before
    PRIMARY KEY (ledger_id, request_position)
);
CREATE UNIQUE INDEX outbox_request ON outbox (ledger_id, request_id);
CREATE INDEX outbox_pending_stream ON outbox (ledger_id, stream, request_position) WHERE state = 'pending';

-- The conversations timeline (projection version 2) shows outbound requests from the moment they
-- are requested: their request id, and Meta's error code when the send failed.
ALTER TABLE conversation_messages ADD COLUMN request_id text;
ALTER TABLE conversation_messages ADD COLUMN error_code integer;
CREATE INDEX conversation_messages_request ON conversation_messages (ledger_id, request_id) WHERE request_id IS NOT NULL;

INSERT INTO rk_service_grants (relation, privileges) VALUES ('outbox', 'SELECT, INSERT, UPDATE, DELETE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;

CREATE OR REPLACE FUNCTION rk_grant_service_role(p_role text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r record;
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
    -- version 4: projections (caches of the log; never the log tables)
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON projection_state, conversations, conversation_streams, conversation_identities, conversation_messages, conversation_statuses, media TO %I', p_role);
    -- version 5 on: every table a later migration registers in rk_service_grants
    FOR r IN SELECT relation, privileges FROM rk_service_grants ORDER BY relation LOOP
        EXECUTE format('GRANT %s ON %I TO %I', r.privileges, r.relation, p_role);
    END LOOP;
END
$$;
