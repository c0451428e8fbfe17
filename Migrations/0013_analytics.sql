-- Analytics (docs/api.md, "Analytics"): the facts per-team volumes, first-response times and
-- backlog are computed from. A projection of the log: one row per message and one per inbox state
-- change, metadata only (never content). Figures are computed when asked, joining each message's
-- stream to its conversation (conversation_streams), so they follow conversation merges and a
-- rebuild gives the same rows.

-- One row per recorded message: whatsapp.message.received (inbound) and message.send.requested
-- (outbound; mark-as-read requests are not messages and are left out).
CREATE TABLE analytics_messages (
    ledger_id        integer NOT NULL,
    position         bigint NOT NULL,
    stream           text NOT NULL,
    occurred_at_us   bigint NOT NULL,
    direction        text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    via              text CHECK (via IS NULL OR via ~ '^[a-z_]{1,32}$'),  -- outbound: api | automation | proxy | app (an echo)
    PRIMARY KEY (ledger_id, position),
    CHECK ((direction = 'inbound') = (via IS NULL))
);
CREATE INDEX analytics_messages_stream ON analytics_messages (ledger_id, stream, position);

-- One row per inbox state change of a conversation (stream inbox/<conversation id>).
CREATE TABLE analytics_conversation_events (
    ledger_id        integer NOT NULL,
    position         bigint NOT NULL,
    conversation_id  text NOT NULL,
    occurred_at_us   bigint NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('routed', 'pending', 'closed', 'reopened')),
    team             text CHECK ((kind = 'routed') = (team IS NOT NULL)),
    PRIMARY KEY (ledger_id, position)
);
CREATE INDEX analytics_conversation_events_conversation ON analytics_conversation_events (ledger_id, conversation_id, position);

INSERT INTO rk_service_grants (relation, privileges) VALUES
    ('analytics_messages', 'SELECT, INSERT, UPDATE, DELETE'),
    ('analytics_conversation_events', 'SELECT, INSERT, UPDATE, DELETE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
