-- Recordkeeper schema version 20: disposition lists (docs/records-officer.md, "Disposition").
--
-- A projection of the retention/disposition stream (rebuilt by replaying the log):
-- retention.disposition.listed makes a list of one series' records that met their retention,
-- retention.disposition.reviewed excludes, defers or confirms records of it,
-- retention.disposition.approved approves it (one approval, or two by different people when the
-- series needs two), records.transferred records a transfer list handed to the archives.
-- Whether a listed record was destroyed is read from retention_records.destroyed_position (not
-- stored twice). Record ids, decisions and staff reasons; never a citizen's words.

-- One row per list.
CREATE TABLE retention_disposition_lists (
    ledger_id             integer NOT NULL,
    list                  text NOT NULL,                 -- DL-<YYYYMMDD>-<8 hex of the digest>
    position              bigint NOT NULL,               -- the retention.disposition.listed entry
    series                text NOT NULL,                 -- the citation
    action                text NOT NULL CHECK (action IN ('destroy', 'transfer')),
    review                boolean NOT NULL,              -- final action review: every record needs a decision
    records               integer NOT NULL CHECK (records >= 0),
    digest                text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
    listed_by             text NOT NULL,
    listed_at_us          bigint NOT NULL,
    transferred_position  bigint,                        -- the records.transferred entry
    archives              text,
    PRIMARY KEY (ledger_id, list)
);
CREATE INDEX retention_disposition_lists_series ON retention_disposition_lists (ledger_id, series, position);

-- The records of each list and the decision on each.
CREATE TABLE retention_disposition_items (
    ledger_id          integer NOT NULL,
    list               text NOT NULL,
    stream             text NOT NULL,
    period             text NOT NULL,
    state              text NOT NULL CHECK (state IN ('listed', 'confirmed', 'excluded', 'deferred')),
    reason             text,                             -- the reviewer's reason (staff words)
    until_us           bigint,                           -- deferred: until when
    reviewed_position  bigint,                           -- the retention.disposition.reviewed entry
    reviewed_by        text,
    PRIMARY KEY (ledger_id, list, stream, period),
    CHECK ((state = 'deferred') = (until_us IS NOT NULL))
);
CREATE INDEX retention_disposition_items_record ON retention_disposition_items (ledger_id, stream, period);

-- Every approval of every list.
CREATE TABLE retention_disposition_approvals (
    ledger_id       integer NOT NULL,
    position        bigint NOT NULL,                     -- the retention.disposition.approved entry
    list            text NOT NULL,
    actor           text NOT NULL,
    approval        integer NOT NULL CHECK (approval >= 1),
    required        integer NOT NULL CHECK (required >= 1),
    approved_at_us  bigint NOT NULL,
    PRIMARY KEY (ledger_id, position)
);
CREATE INDEX retention_disposition_approvals_list ON retention_disposition_approvals (ledger_id, list, position);

INSERT INTO rk_service_grants (relation, privileges) VALUES
    ('retention_disposition_lists', 'SELECT, INSERT, UPDATE, DELETE'),
    ('retention_disposition_items', 'SELECT, INSERT, UPDATE, DELETE'),
    ('retention_disposition_approvals', 'SELECT, INSERT, DELETE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
