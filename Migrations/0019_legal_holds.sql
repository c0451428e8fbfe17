-- Recordkeeper schema version 19: legal holds (docs/records-officer.md, "Legal holds").
--
-- retention_holds is a projection of the retention.hold.placed and retention.hold.released
-- entries of stream retention/holds (rebuilt by replaying the log; it reads their payloads).
-- One row per hold: its type, matter, custodian, reason, who placed it as which role, its scope
-- and its release. The scope is kept as values, not as the records it covered: it is evaluated
-- when asked (LegalHolds.heldRecords), so a hold covers records that arrive after it. An empty
-- array or a NULL date does not restrict; the members given combine with AND, the values of one
-- member with OR. The agency's own text and citizen keys (as conversation_identities has them);
-- never message content.
CREATE TABLE retention_holds (
    ledger_id          integer NOT NULL,
    hold_id            text NOT NULL,
    type               text NOT NULL CHECK (type IN ('litigation', 'public_records_request', 'audit', 'investigation')),
    placed_position    bigint NOT NULL,        -- the retention.hold.placed entry
    placed_at_us       bigint NOT NULL,
    placed_by          text NOT NULL,          -- its actor
    placed_role        text NOT NULL,
    matter             text NOT NULL,
    custodian          text NOT NULL,
    reason             text NOT NULL,
    conversations      text[] NOT NULL DEFAULT '{}',
    citizens           text[] NOT NULL DEFAULT '{}',   -- citizen keys p:<wa_id> / u:<user_id>
    business_numbers   text[] NOT NULL DEFAULT '{}',
    teams              text[] NOT NULL DEFAULT '{}',
    from_at_us         bigint,                 -- records whose last entry is at or after it
    to_at_us           bigint,                 -- records whose first entry is before it
    released_position  bigint,                 -- the retention.hold.released entry; NULL: active
    released_at_us     bigint,
    released_by        text,
    released_role      text,
    release_reason     text,
    PRIMARY KEY (ledger_id, hold_id)
);
CREATE INDEX retention_holds_active ON retention_holds (ledger_id, placed_position) WHERE released_position IS NULL;

INSERT INTO rk_service_grants (relation, privileges) VALUES
    ('retention_holds', 'SELECT, INSERT, UPDATE, DELETE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
