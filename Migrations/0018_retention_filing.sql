-- Recordkeeper schema version 18: filing records into series (docs/records-officer.md,
-- "Filing records into series").

-- The filing rules: a projection of the retention.filing_rules.set events on stream
-- config/retention-filing; the rules in force are the latest. The agency's rules, never content.
CREATE TABLE retention_filing_rules (
    ledger_id   integer NOT NULL,
    position    bigint NOT NULL CHECK (position >= 1),      -- the retention.filing_rules.set entry
    digest      text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
    actor       text NOT NULL,
    set_at_us   bigint NOT NULL,
    rules       jsonb NOT NULL,                             -- the whole rule set, as in the payload
    PRIMARY KEY (ledger_id, position)
);

-- The filer's progress: every record entry up to scanned_position has been looked at. One row
-- per ledger; a round holds it locked, so two filer processes never decide at the same time.
CREATE TABLE retention_filer_state (
    ledger_id         integer PRIMARY KEY,
    scanned_position  bigint NOT NULL DEFAULT 0
);

-- The series each message calls for (the first matching rule, or the default), as the filer last
-- decided it: a message's classification arriving later re-decides it (until then it counts as
-- category 4, fail closed). A record is filed into the highest-ranking series of its messages.
-- Rule ids and citations only, never content; a destroyed record's rows go with it.
CREATE TABLE retention_filer_messages (
    ledger_id  integer NOT NULL,
    position   bigint NOT NULL,    -- the message's entry
    stream     text NOT NULL,
    period     text NOT NULL,
    series     text NOT NULL,
    source     text NOT NULL CHECK (source IN ('rule', 'default')),
    rule       text,
    PRIMARY KEY (ledger_id, position)
);
CREATE INDEX retention_filer_messages_record ON retention_filer_messages (ledger_id, stream, period);

-- The filer's latest filing per record: from its messages (basis 'messages'), or, for a record
-- with no message yet, from the rules naming only business numbers and teams (basis 'record',
-- replaced once a message decides). Worker state, rebuilt by scanning the ledger again.
CREATE TABLE retention_filer_decisions (
    ledger_id  integer NOT NULL,
    stream     text NOT NULL,
    period     text NOT NULL,
    series     text NOT NULL,
    source     text NOT NULL CHECK (source IN ('rule', 'default')),
    rule       text,
    basis      text NOT NULL CHECK (basis IN ('messages', 'record')),
    position   bigint NOT NULL,    -- the record.scheduled entry of this decision (its successor's dedupe key names it)
    PRIMARY KEY (ledger_id, stream, period)
);

INSERT INTO rk_service_grants (relation, privileges) VALUES
    ('retention_filing_rules', 'SELECT, INSERT, DELETE'),
    ('retention_filer_state', 'SELECT, INSERT, UPDATE, DELETE'),
    ('retention_filer_decisions', 'SELECT, INSERT, UPDATE, DELETE'),
    ('retention_filer_messages', 'SELECT, INSERT, UPDATE, DELETE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
