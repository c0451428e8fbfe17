-- Recordkeeper schema version 17: retention records (docs/records-officer.md, "What a record is").
--
-- A record is one month of one conversation stream: every entry of stream
-- wa/<phone_number_id>/<citizen key> (correspondence: messages with their media, statuses, sends
-- and classifications) or inbox/<conversation id> (handling: routing, assignment, notes) whose
-- occurred_at falls in one UTC calendar month. That is exactly what one data key seals
-- (docs/ledger-format.md, section 8), so destroying a record shreds whole keys and never touches
-- another record's payloads.
--
-- retention_records is a projection of the log (rebuilt by replaying it): the record's extent
-- from the entries, its series from the latest record.scheduled entry that may replace the one
-- before (a rule or default filing never replaces a filing by hand), its destruction from
-- record.destroyed. Never content.
CREATE TABLE retention_records (
    ledger_id             integer NOT NULL,
    stream                text NOT NULL,
    period                text NOT NULL CHECK (period ~ '^[0-9]{4}-[0-9]{2}$'),
    kind                  text NOT NULL CHECK (kind IN ('correspondence', 'handling')),
    phone_number_id       text,                -- the business number (from the stream name)
    conversation_id       text,                -- handling records: the conversation; correspondence: via conversation_streams
    first_position        bigint NOT NULL,
    last_position         bigint NOT NULL,
    entries               bigint NOT NULL DEFAULT 0 CHECK (entries >= 0),
    messages              bigint NOT NULL DEFAULT 0 CHECK (messages >= 0),
    first_at_us           bigint NOT NULL,
    last_at_us            bigint NOT NULL,     -- the latest entry's occurred_at
    communication_at_us   bigint,              -- the latest message received or sent; NULL: none
    series                text,                -- the citation it is filed in; NULL: not filed yet
    filing_source         text CHECK (filing_source IN ('rule', 'default', 'manual')),
    filing_rule           text,
    filed_position        bigint,              -- the record.scheduled entry that filed it
    destroyed_position    bigint,              -- the record.destroyed entry that destroyed it
    transferred_position  bigint,              -- the records.transferred entry
    PRIMARY KEY (ledger_id, stream, period),
    CHECK ((series IS NULL) = (filing_source IS NULL))
);
CREATE INDEX retention_records_series ON retention_records (ledger_id, series, period);
CREATE INDEX retention_records_unfiled ON retention_records (ledger_id, stream, period) WHERE series IS NULL OR filing_source = 'default';
CREATE INDEX retention_records_conversation ON retention_records (ledger_id, conversation_id) WHERE conversation_id IS NOT NULL;

-- Every filing of every record, in ledger order: re-filing keeps the history.
CREATE TABLE retention_filings (
    ledger_id        integer NOT NULL,
    position         bigint NOT NULL,          -- the record.scheduled entry
    stream           text NOT NULL,
    period           text NOT NULL,
    series           text NOT NULL,
    source           text NOT NULL CHECK (source IN ('rule', 'default', 'manual')),
    rule             text,
    actor            text NOT NULL,
    filed_at_us      bigint NOT NULL,
    applied          boolean NOT NULL,         -- false: a rule filing that did not replace a filing by hand
    PRIMARY KEY (ledger_id, position)
);
CREATE INDEX retention_filings_record ON retention_filings (ledger_id, stream, period, position);

INSERT INTO rk_service_grants (relation, privileges) VALUES
    ('retention_records', 'SELECT, INSERT, UPDATE, DELETE'),
    ('retention_filings', 'SELECT, INSERT, DELETE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
