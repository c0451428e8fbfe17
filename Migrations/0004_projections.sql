-- Projections: caches of the ledger, rebuilt from position 1 whenever their version changes.
-- Nothing here is a record: every row can be dropped and replayed from the log. Projection
-- tables never hold message content (payloads are encrypted at rest); they keep positions and
-- metadata, and the read API decrypts content from the ledger when it is read.

-- Where each projection stands in each ledger. The runner locks this row (FOR UPDATE) in the
-- transaction that applies a batch and moves last_position, so each entry is applied exactly once
-- however many processes run projections.
CREATE TABLE projection_state (
    projection     text NOT NULL CHECK (projection ~ '^[a-z][a-z0-9_]{0,62}$'),
    ledger_id      integer NOT NULL REFERENCES ledgers (id),
    version        integer NOT NULL CHECK (version >= 1),
    last_position  bigint NOT NULL DEFAULT 0 CHECK (last_position >= 0),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, ledger_id)
);

-- conversations --------------------------------------------------------------------------------
-- One conversation per business number × citizen. Its id is the first conversation stream (by
-- ledger position) of the streams merged into it (docs/whatsapp-ingest.md): stable on rebuild.
CREATE TABLE conversations (
    ledger_id             integer NOT NULL,
    id                    text NOT NULL,
    phone_number_id       text NOT NULL,
    display_phone_number  text,
    user_id               text,            -- the citizen's BSUID, latest seen
    wa_id                 text,            -- the citizen's phone-number id, latest seen
    profile_name          text,            -- contacts[].profile.name, latest seen
    first_position        bigint NOT NULL, -- first entry of any of its streams
    last_position         bigint NOT NULL, -- last entry applied to it
    first_message_at_us   bigint,
    last_message_at_us    bigint,
    last_inbound_at_us    bigint,          -- opens the 24-hour customer-service window
    last_activity_at_us   bigint NOT NULL, -- last message or status
    message_count         bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (ledger_id, id)
);
CREATE INDEX conversations_activity ON conversations (ledger_id, last_activity_at_us DESC, id DESC);
CREATE INDEX conversations_number_activity ON conversations (ledger_id, phone_number_id, last_activity_at_us DESC, id DESC);

-- The streams merged into each conversation (two when a citizen was first seen by phone number
-- and later by BSUID).
CREATE TABLE conversation_streams (
    ledger_id        integer NOT NULL,
    stream           text NOT NULL,
    conversation_id  text NOT NULL,
    first_position   bigint NOT NULL,
    PRIMARY KEY (ledger_id, stream)
);
CREATE INDEX conversation_streams_conversation ON conversation_streams (ledger_id, conversation_id);

-- The identities linked to each conversation: citizen keys 'u:<user_id>' and 'p:<wa_id>' of
-- one business number.
CREATE TABLE conversation_identities (
    ledger_id        integer NOT NULL,
    phone_number_id  text NOT NULL,
    citizen_key      text NOT NULL CHECK (citizen_key ~ '^[up]:'),
    conversation_id  text NOT NULL,
    first_position   bigint NOT NULL,
    PRIMARY KEY (ledger_id, phone_number_id, citizen_key)
);
CREATE INDEX conversation_identities_conversation ON conversation_identities (ledger_id, conversation_id);

-- The timeline: one row per message entry, in ledger order. Metadata only, never content.
CREATE TABLE conversation_messages (
    ledger_id        integer NOT NULL,
    position         bigint NOT NULL,
    conversation_id  text NOT NULL,
    stream           text NOT NULL,
    message_id       text NOT NULL,
    direction        text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    message_type     text,
    occurred_at_us   bigint NOT NULL,
    status           text,                -- outbound only: the best delivery status so far
    status_at_us     bigint,
    PRIMARY KEY (ledger_id, position)
);
CREATE INDEX conversation_messages_timeline ON conversation_messages (ledger_id, conversation_id, position);
CREATE INDEX conversation_messages_message_id ON conversation_messages (ledger_id, message_id);

-- The best delivery status of each message id, kept whether or not the message itself has been
-- seen yet: an outbound message recorded after its statuses takes its status from here.
CREATE TABLE conversation_statuses (
    ledger_id     integer NOT NULL,
    message_id    text NOT NULL,
    status        text NOT NULL,
    status_rank   smallint NOT NULL,
    status_at_us  bigint NOT NULL,
    position      bigint NOT NULL,       -- the status entry that set it
    PRIMARY KEY (ledger_id, message_id)
);

-- media ----------------------------------------------------------------------------------------
-- One row per media id of a received message: the media fetcher's queue. Pending until a
-- whatsapp.media.stored or whatsapp.media.unavailable outcome; attempts and the next retry time
-- come from whatsapp.media.fetch_failed events.
CREATE TABLE media (
    ledger_id         integer NOT NULL,
    media_id          text NOT NULL,
    stream            text NOT NULL,
    message_position  bigint,
    message_id        text,
    url               text,
    meta_sha256       text,
    mime_type         text,
    received_at_us    bigint,             -- the message's occurred_at: media ids expire 7 days later
    attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_attempt_at_us bigint,
    next_retry_at_us  bigint,             -- NULL: due now
    last_error        text,
    state             text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'stored', 'unavailable')),
    outcome_position  bigint,
    PRIMARY KEY (ledger_id, media_id)
);
CREATE INDEX media_due ON media (ledger_id, next_retry_at_us, message_position) WHERE state = 'pending';

-- Wake projections after each committed append ----------------------------------------------
-- Every append moves its ledger's head row (one UPDATE statement per batch), so a statement-level
-- trigger with a transition table notifies once per batch and ledger. NOTIFY is delivered at
-- commit, never for a rolled-back batch, and repeated payloads in one transaction are merged.
CREATE FUNCTION rk_notify_ledger_appended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('rk_ledger_appended', moved.ledger_id::text)
    FROM (SELECT DISTINCT ledger_id FROM rk_moved_heads) AS moved;
    RETURN NULL;
END
$$;

CREATE TRIGGER heads_notify_appended AFTER UPDATE ON ledger_heads
    REFERENCING NEW TABLE AS rk_moved_heads
    FOR EACH STATEMENT EXECUTE FUNCTION rk_notify_ledger_appended();

-- Privileges: the service role reads and writes projection tables; the log stays INSERT/SELECT.
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
    -- version 4: projections (caches of the log; never the log tables)
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON projection_state, conversations, conversation_streams, conversation_identities, conversation_messages, conversation_statuses, media TO %I', p_role);
END
$$;
