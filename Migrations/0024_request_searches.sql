-- Recordkeeper schema version 24: the searches run for public-records requests
-- (docs/public-records.md, "Searches").
--
-- request_searches and request_search_results are the `request_searches` projection of the
-- request.search.run entries of the streams requests/<id> (rebuilt by replaying the log; it reads
-- their payloads, which hold the filter values and the result set). They hold no content and no
-- identity: per search, its number, when and by whom it ran, the names of the filters used (never
-- their values: a citizen's number is identity), the result count and the SHA-256 the entry
-- commits to; per result, the message's ledger position and conversation id. Redaction and export
-- installments read the result set here instead of running the search again.
CREATE TABLE request_searches (
    ledger_id          integer NOT NULL,
    request_id         text NOT NULL,
    search_number      integer NOT NULL CHECK (search_number > 0),
    position           bigint NOT NULL,          -- the request.search.run entry
    run_at_us          bigint NOT NULL,
    actor              text NOT NULL,
    filters            text[] NOT NULL,          -- the names of the filters used, never their values
    result_count       bigint NOT NULL CHECK (result_count >= 0),
    result_sha256      text NOT NULL CHECK (result_sha256 ~ '^[0-9a-f]{64}$'),
    through_position   bigint NOT NULL,          -- the messages searched were those up to this ledger position
    holds              text[] NOT NULL DEFAULT '{}',  -- the holds the search placed
    results_state      text NOT NULL CHECK (results_state IN ('present', 'unavailable', 'mismatch')),
    PRIMARY KEY (ledger_id, request_id, search_number),
    UNIQUE (ledger_id, position)
);

CREATE TABLE request_search_results (
    ledger_id        integer NOT NULL,
    request_id       text NOT NULL,
    search_number    integer NOT NULL,
    position         bigint NOT NULL,            -- the message entry
    conversation_id  text NOT NULL,
    PRIMARY KEY (ledger_id, request_id, search_number, position)
);
CREATE INDEX request_search_results_conversation ON request_search_results (ledger_id, request_id, conversation_id);

INSERT INTO rk_service_grants (relation, privileges) VALUES
    ('request_searches', 'SELECT, INSERT, DELETE'),
    ('request_search_results', 'SELECT, INSERT, DELETE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
