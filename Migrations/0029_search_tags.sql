-- Recordkeeper schema version 29: the content search index smaller than the ledger it indexes
-- (docs/benchmarks.md, "Search index size"; docs/operations.md, "Search").
--
-- Version 12's search_terms held one row per (word, message): a heap row of a 16-byte tag and a
-- position, and two btree entries, about 150 bytes per word, so after a soak the index was larger
-- than the encrypted log itself (3,599 bytes per message against the ledger's 2,688 for the
-- benchmark's two-sentence messages). search_tags holds one row per message: its words' tags as
-- a bigint[] (the first 8 bytes of the same HMAC-SHA256 tag, big-endian), found through a GIN
-- index whose posting lists are compressed. "Every word" is tags @> the query's tags.
--
-- Eight bytes keep a false match out of reach: a message of k distinct words falsely holds a
-- given query word with probability k / 2^64 (about 1e-18 for 20 words), so hits are not
-- re-checked against the decrypted text.
--
-- The GIN index does not use its pending list (fastupdate = off): with it, the index was five
-- times larger after the same inserts, and every search scans the pending list as well.
DROP TABLE search_terms;
DELETE FROM rk_service_grants WHERE relation = 'search_terms';

CREATE TABLE search_tags (
    ledger_id         integer NOT NULL,
    message_position  bigint NOT NULL,
    tags              bigint[] NOT NULL,
    PRIMARY KEY (ledger_id, message_position)
);
CREATE INDEX search_tags_tags ON search_tags USING gin (tags) WITH (fastupdate = off);

-- A fresh index: the indexer finds no state, starts again from position 1 with the current key,
-- and request searches with words answer "the word index is not built" until its first round.
DELETE FROM search_index_state;

INSERT INTO rk_service_grants (relation, privileges) VALUES
    ('search_tags', 'SELECT, INSERT, DELETE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
