-- Retention schedules (docs/records-officer.md, "Loading a catalog"): a projection of the
-- retention.catalog.loaded events on stream config/retention. The catalog is the agency's
-- schedule (series, retention periods, final actions), never a citizen's words.

-- One row per catalog version loaded; the one in force is the latest (highest position).
CREATE TABLE retention_catalogs (
    ledger_id     integer NOT NULL,
    position      bigint NOT NULL CHECK (position >= 1),   -- the retention.catalog.loaded entry
    name          text NOT NULL,
    version       text NOT NULL,
    digest        text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),  -- SHA-256 of the canonical JSON
    actor         text NOT NULL,                           -- who loaded it (cli:<user>)
    loaded_at_us  bigint NOT NULL,
    catalog       jsonb NOT NULL,                          -- the whole catalog, as in the payload
    PRIMARY KEY (ledger_id, position)
);

-- Every series any loaded version held, by citation (DAN and revision): a series is never
-- changed under the same citation, only superseded by a newer revision of its DAN, so records
-- filed into an old revision keep its terms.
CREATE TABLE retention_series (
    ledger_id               integer NOT NULL,
    citation                text NOT NULL,                 -- GS2010-001, GS50-01-12 Rev. 3
    dan                     text NOT NULL,
    revision                integer NOT NULL CHECK (revision >= 0),
    loaded_position         bigint NOT NULL,               -- the version that first held it
    superseded_by_position  bigint,                        -- the version that superseded it; NULL: in force
    series                  jsonb NOT NULL,
    PRIMARY KEY (ledger_id, citation)
);
CREATE INDEX retention_series_dan ON retention_series (ledger_id, dan, revision);
