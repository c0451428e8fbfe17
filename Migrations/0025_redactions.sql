-- Recordkeeper schema version 25: redactions of public-records requests (docs/public-records.md,
-- "Redaction").
--
-- request_redactions is part of the `requests` projection: one row per redaction.applied entry of
-- the streams requests/<id>, its state moved by redaction.reviewed and redaction.withdrawn. It
-- reads only the retained headers and holds no content: the message's ledger position, what is
-- redacted (a span's offset and length in Unicode scalars, the whole message, or a media id), the
-- exemption's code and citation, who applied and reviewed it. The explanation and the reviewer's
-- or withdrawal's reason stay in the entries' encrypted payloads, read when redactions are listed
-- or an installment is produced. Redactions never alter the record: the message entry is untouched.
CREATE TABLE request_redactions (
    ledger_id          integer NOT NULL,
    request_id         text NOT NULL,
    redaction_id       text NOT NULL,             -- R1, R2, … within the request
    message_position   bigint NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('span', 'message', 'media')),
    span_start         integer CHECK (span_start >= 0),
    span_length        integer CHECK (span_length > 0),
    media_id           text,
    exemption_code     text NOT NULL,
    citation           text NOT NULL,
    state              text NOT NULL CHECK (state IN ('applied', 'approved', 'returned', 'withdrawn')),
    applied_position   bigint NOT NULL,
    applied_at_us      bigint NOT NULL,
    applied_by         text NOT NULL,
    reviewed_position  bigint,
    reviewed_by        text,
    closed_position    bigint,                    -- the withdrawal, or the review that returned it
    PRIMARY KEY (ledger_id, request_id, redaction_id),
    UNIQUE (ledger_id, applied_position),
    CHECK ((kind = 'span') = (span_start IS NOT NULL AND span_length IS NOT NULL)),
    CHECK ((kind = 'media') = (media_id IS NOT NULL))
);
CREATE INDEX request_redactions_message ON request_redactions (ledger_id, request_id, message_position);

INSERT INTO rk_service_grants (relation, privileges) VALUES
    ('request_redactions', 'SELECT, INSERT, UPDATE, DELETE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
