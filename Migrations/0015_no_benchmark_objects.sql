-- Recordkeeper schema version 15: production databases hold no benchmark objects, and the grant
-- function has one definition.
--
-- Version 2 created the baseline table of `recordkeeper bench append` (schema rk_bench) in every
-- database and granted the service role SELECT, INSERT and TRUNCATE on it. Benchmarks now live in
-- their own executable, `recordkeeper-bench`, which creates its baseline table when it starts and
-- drops it when it ends (docs/benchmarks.md). Dropping the schema also drops the service role's
-- privileges on it.
DROP SCHEMA IF EXISTS rk_bench CASCADE;

-- rk_grant_service_role() was redefined by versions 1, 2, 3, 4, 5 and 14 (applied migrations are
-- never edited: their checksums are recorded). From here on its one definition is
-- Migrations/repeatable/grants.sql, which every `migrate` re-applies after the numbered
-- migrations, in the transaction that then grants the service role. Dropping the old definition
-- here means a migrator that does not apply that file fails with "function does not exist"
-- instead of granting from a stale definition (version 14's still names rk_bench).
DROP FUNCTION rk_grant_service_role(text);
