-- access_log: a projection of access.viewed and access.denied (docs/access.md, "Read audit"):
-- who was shown which records, when, why, with which credential, and what was masked. Auditors
-- list it by user and by record (GET /v1/access). Metadata only: search terms stay in the
-- encrypted payloads of the ledger.
CREATE TABLE access_log (
    ledger_id       integer NOT NULL,
    position        bigint NOT NULL,
    user_name       text NOT NULL,
    outcome         text NOT NULL CHECK (outcome IN ('viewed', 'denied')),
    action          text NOT NULL,
    route           text NOT NULL,
    records         text[] NOT NULL,
    masked          bigint[] NOT NULL DEFAULT '{}',
    reason          text,
    break_glass     boolean NOT NULL DEFAULT false,
    credential      text NOT NULL,
    occurred_at_us  bigint NOT NULL,
    PRIMARY KEY (ledger_id, position)
);
CREATE INDEX access_log_user ON access_log (ledger_id, user_name, position DESC);
CREATE INDEX access_log_records ON access_log USING gin (records);

INSERT INTO rk_service_grants (relation, privileges) VALUES ('access_log', 'SELECT, INSERT, UPDATE, DELETE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
