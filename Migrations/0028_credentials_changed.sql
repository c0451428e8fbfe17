-- Tell every service process at once when a staff credential or an integration token may have
-- changed (docs/operations.md, "Cached credentials").
--
-- `serve` keeps verified staff tokens, sessions and integration tokens for a few seconds, so that
-- a busy client is not looked up on every request. It listens on `rk_credentials_changed` and
-- drops everything it holds on each notification; while it is not listening it holds nothing.
-- The notification comes from these triggers, so every writer is covered: the service, the CLI
-- (`tokens revoke`, `users …`, `integrations revoke`) and an operator's own SQL (disabling a user
-- by setting `staff_users.disabled_at`).
--
-- Statement-level triggers: one notification per statement whatever the number of rows, sent at
-- commit (never for a rolled-back change) and merged with identical ones of the same transaction.
-- No payload: a process drops all it holds, which is simple and always right. New tokens and new
-- sessions change no answer the processes hold (they keep only positive answers), so INSERT on
-- those tables notifies nothing; a role, team or user added does (a principal's roles are cached).
CREATE FUNCTION rk_notify_credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('rk_credentials_changed', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER staff_users_credentials_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON staff_users
    FOR EACH STATEMENT EXECUTE FUNCTION rk_notify_credentials_changed();
CREATE TRIGGER staff_roles_credentials_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON staff_roles
    FOR EACH STATEMENT EXECUTE FUNCTION rk_notify_credentials_changed();
CREATE TRIGGER staff_teams_credentials_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON staff_teams
    FOR EACH STATEMENT EXECUTE FUNCTION rk_notify_credentials_changed();
CREATE TRIGGER staff_tokens_credentials_changed AFTER UPDATE OR DELETE OR TRUNCATE ON staff_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION rk_notify_credentials_changed();
CREATE TRIGGER staff_sessions_credentials_changed AFTER UPDATE OR DELETE OR TRUNCATE ON staff_sessions
    FOR EACH STATEMENT EXECUTE FUNCTION rk_notify_credentials_changed();
CREATE TRIGGER integrations_credentials_changed AFTER UPDATE OR DELETE OR TRUNCATE ON integrations
    FOR EACH STATEMENT EXECUTE FUNCTION rk_notify_credentials_changed();

-- No grant: the triggers run as whoever writes (pg_notify is open to every role), LISTEN needs no
-- privilege, and a trigger function cannot be called directly.
