-- Recordkeeper schema version 23: public-records requests (docs/public-records.md).
--
-- requests and request_events are the `requests` projection of the request.* entries of the
-- streams requests/<id> (rebuilt by replaying the log). It reads only their retained headers and
-- holds no content (docs/ledger-format.md): one row per request in `requests` with its number,
-- status, channel, dates (days in the agency's time zone), fees and the position of its latest
-- entry; one row per entry in request_events with the header's values (dates, amounts, codes).
-- The requester, the request's text, the due date's explanation and every free text (reasons,
-- questions, answers, notes) stay in the entries' encrypted payloads, read when a request is
-- shown or the request log (RCW 40.14.026(4)) is written.
-- Later steps add tables of their own keyed by (ledger_id, request_id): searches, installments.
CREATE TABLE requests (
    ledger_id                integer NOT NULL,
    request_id               text NOT NULL,            -- PRR-<year>-<n>
    year                     integer NOT NULL,
    number                   integer NOT NULL CHECK (number > 0),
    channel                  text NOT NULL,
    status                   text NOT NULL CHECK (status IN ('open', 'acknowledged', 'waiting_for_requester', 'in_progress',
                                 'installment_produced', 'closed', 'withdrawn', 'abandoned')),
    received_position        bigint NOT NULL,          -- the request.received entry
    received_at_us           bigint NOT NULL,
    received_by              text NOT NULL,
    time_zone                text NOT NULL,
    due_date                 date NOT NULL,            -- RCW 42.56.520: 5 business days, receipt day not counted
    first_response_position  bigint,
    first_response_at_us     bigint,
    estimate_date            date,
    waiting_since_us         bigint,                   -- NULL unless waiting_for_requester
    clarification_pending    boolean NOT NULL DEFAULT false,
    close_reason             text,
    closed_at_us             bigint,
    fees_cents               bigint NOT NULL DEFAULT 0,
    deposit_cents            bigint NOT NULL DEFAULT 0,
    paid_cents               bigint NOT NULL DEFAULT 0,
    appeal_pending           boolean NOT NULL DEFAULT false,
    last_position            bigint NOT NULL,
    PRIMARY KEY (ledger_id, request_id),
    UNIQUE (ledger_id, year, number)
);
CREATE INDEX requests_status ON requests (ledger_id, status, received_at_us);

CREATE TABLE request_events (
    ledger_id       integer NOT NULL,
    position        bigint NOT NULL,
    request_id      text NOT NULL,
    event_type      text NOT NULL,
    status          text NOT NULL,                     -- the status after the entry
    occurred_at_us  bigint NOT NULL,
    actor           text NOT NULL,
    details         jsonb NOT NULL DEFAULT '{}',       -- the retained header's values (dates, amounts, codes) as text; no free text
    PRIMARY KEY (ledger_id, position)
);
CREATE INDEX request_events_request ON request_events (ledger_id, request_id, position);

INSERT INTO rk_service_grants (relation, privileges) VALUES
    ('requests', 'SELECT, INSERT, UPDATE, DELETE'),
    ('request_events', 'SELECT, INSERT, DELETE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
