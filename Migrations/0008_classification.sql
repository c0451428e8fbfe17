-- Classification (docs/classification.md): the classifier's queue and each message's current
-- category. A projection of the log: a message is pending until a record.classified entry for
-- it; the latest record.classified (automatic or staff) decides its category. Never content.
CREATE TABLE message_classifications (
    ledger_id            integer NOT NULL,
    message_position     bigint NOT NULL,       -- the whatsapp.message.received / message.send.requested entry
    stream               text NOT NULL,
    state                text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'classified', 'unreadable')),
    category             smallint CHECK (category BETWEEN 1 AND 4),
    reasons              text,                  -- kinds found, e.g. 'ssn,health' (never the text)
    detector_version     text,
    source               text,                  -- automatic | staff
    classified_position  bigint,                -- the deciding record.classified entry
    PRIMARY KEY (ledger_id, message_position)
);
CREATE INDEX message_classifications_pending ON message_classifications (ledger_id, message_position) WHERE state = 'pending';

INSERT INTO rk_service_grants (relation, privileges) VALUES ('message_classifications', 'SELECT, INSERT, UPDATE, DELETE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
