-- Automation and content search (docs/operations.md, "Automation" and "Search").

-- automation -----------------------------------------------------------------------------------
-- The rule set in force: the latest automation.rules.set entry of each ledger (a projection; the
-- PUT route also writes it at once). The rules are the agency's reply texts and opening hours as
-- JSON (docs/api.md, "Automation rules"), never a citizen's words.
CREATE TABLE automation_rule_sets (
    ledger_id  integer PRIMARY KEY,
    position   bigint NOT NULL CHECK (position >= 1),   -- the automation.rules.set entry
    set_at_us  bigint NOT NULL,
    actor      text NOT NULL,                           -- who set it (staff:<name>)
    rules      text NOT NULL
);

-- How far the automation service has looked at received messages (a ledger position), so a
-- restart resumes there. Not a projection: the replies it recorded are in the ledger, and their
-- idempotency keys (auto:<rule>:<message position>) make a second look record nothing.
CREATE TABLE automation_progress (
    ledger_id      integer PRIMARY KEY,
    last_position  bigint NOT NULL DEFAULT 0 CHECK (last_position >= 0),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Each automatic reply the service asked for: which message it answered, by which rule, and the
-- send request it recorded. Out-of-hours rules look here for "at most once per 12 hours".
CREATE TABLE automation_replies (
    ledger_id         integer NOT NULL,
    message_position  bigint NOT NULL,                  -- the whatsapp.message.received answered
    rule_id           text NOT NULL CHECK (rule_id ~ '^[a-z0-9-]{1,64}$'),
    kind              text NOT NULL CHECK (kind IN ('acknowledgement', 'out_of_hours')),
    conversation_id   text NOT NULL,
    message_at_us     bigint NOT NULL,                  -- when the citizen wrote
    request_position  bigint NOT NULL,                  -- the message.send.requested entry
    PRIMARY KEY (ledger_id, message_position, rule_id)
);
CREATE INDEX automation_replies_conversation ON automation_replies (ledger_id, conversation_id, kind, message_at_us);

-- content search: a blind index ---------------------------------------------------------------
-- Message text is encrypted at rest, so the index never holds a word: each term (lower case,
-- diacritics folded, at least 2 characters) is stored as HMAC-SHA256 under a key derived from
-- the master key (truncated to 16 bytes), per message position. A query computes the same tags
-- and intersects. Values the sensitive-data detectors flag (SSNs, card numbers, …) are not
-- indexed at all.
CREATE TABLE search_terms (
    ledger_id         integer NOT NULL,
    term              bytea NOT NULL CHECK (octet_length(term) = 16),
    message_position  bigint NOT NULL,
    PRIMARY KEY (ledger_id, term, message_position)
);
CREATE INDEX search_terms_message ON search_terms (ledger_id, message_position);

-- How far the indexer has read each ledger, and the key it indexed with: when the master key
-- changes (rotation), the key identifier differs and the index is rebuilt from position 1.
CREATE TABLE search_index_state (
    ledger_id      integer PRIMARY KEY,
    last_position  bigint NOT NULL DEFAULT 0 CHECK (last_position >= 0),
    key_id         text NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

INSERT INTO rk_service_grants (relation, privileges) VALUES
    ('automation_rule_sets', 'SELECT, INSERT, UPDATE, DELETE'),
    ('automation_progress', 'SELECT, INSERT, UPDATE'),
    ('automation_replies', 'SELECT, INSERT'),
    ('search_terms', 'SELECT, INSERT, DELETE'),
    ('search_index_state', 'SELECT, INSERT, UPDATE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
