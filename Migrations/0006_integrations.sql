-- Integrations: agency systems (a bot, a notification service) that reach Meta's Graph API
-- through the recording proxy (/graph/...) with a token of their own. `recordkeeper integrations
-- add` shows the token once; only its SHA-256 is stored. Adding and revoking are also recorded in
-- the ledger (integration.added / integration.revoked, stream config/integrations); this table is
-- what the proxy checks on every request, so a revocation takes effect at once.
CREATE TABLE integrations (
    id            bigserial PRIMARY KEY,
    name          text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    -- The first 8 bytes of token_sha256: the lookup key. The whole digest is then compared in
    -- constant time by the service, so lookup timing says nothing about the rest of the digest.
    token_id      bytea NOT NULL UNIQUE CHECK (octet_length(token_id) = 8),
    token_sha256  bytea NOT NULL UNIQUE CHECK (octet_length(token_sha256) = 32),
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz,
    CHECK (substring(token_sha256 FROM 1 FOR 8) = token_id),
    CHECK (revoked_at IS NULL OR revoked_at >= created_at)
);
-- A name belongs to one active integration; a revoked name may be added again (a new token).
CREATE UNIQUE INDEX integrations_active_name ON integrations (name) WHERE revoked_at IS NULL;

-- Privileges: the service role (serve, and the `integrations` commands) reads integrations, adds
-- them and sets revoked_at; it never deletes one or changes a token. Each migration that adds
-- tables wraps the previous grant function instead of restating it, so the grants of migrations
-- written side by side compose.
ALTER FUNCTION rk_grant_service_role(text) RENAME TO rk_grant_service_role_before_0006;

CREATE FUNCTION rk_grant_service_role(p_role text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rk_grant_service_role_before_0006(p_role);
    -- version 6: integrations
    EXECUTE format('GRANT SELECT, INSERT ON integrations TO %I', p_role);
    EXECUTE format('GRANT UPDATE (revoked_at) ON integrations TO %I', p_role);
    EXECUTE format('GRANT USAGE ON SEQUENCE integrations_id_seq TO %I', p_role);
END
$$;
