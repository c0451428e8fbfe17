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

-- The only change an integration row ever sees is its revocation, once: no token is swapped, no
-- revocation undone, no row removed (the service role has no DELETE either).
CREATE FUNCTION rk_integrations_revoke_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'integrations are never deleted: revoke them (integration %)', OLD.name USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL
       OR (NEW.id, NEW.name, NEW.token_id, NEW.token_sha256, NEW.created_at)
          IS DISTINCT FROM (OLD.id, OLD.name, OLD.token_id, OLD.token_sha256, OLD.created_at) THEN
        RAISE EXCEPTION 'an integration can only be revoked, once (integration %)', OLD.name USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER integrations_revoke_only BEFORE UPDATE OR DELETE ON integrations
    FOR EACH ROW EXECUTE FUNCTION rk_integrations_revoke_only();

-- Privileges of the service role (serve, and the `integrations` commands): read, add, revoke.
-- Its sequence is covered by the grant on all sequences.
INSERT INTO rk_service_grants (relation, privileges) VALUES ('integrations', 'SELECT, INSERT, UPDATE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
