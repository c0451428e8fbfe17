-- Staff: users, their roles and teams, API tokens, browser sessions (docs/access.md).
--
-- These tables are the credential store the service checks on every request; every change to
-- them is also recorded in the ledger (staff.* events, stream staff/<name>), which is the history.
-- No secret is stored in clear: passwords as bcrypt hashes, TOTP secrets sealed with the master
-- key (re-sealed by `keys rotate`), API tokens and session ids as SHA-256 digests.
CREATE TABLE staff_users (
    id                 bigserial PRIMARY KEY,
    name               text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    password_bcrypt    text CHECK (password_bcrypt ~ '^\$2[aby]\$'),
    totp_sealed        bytea,
    totp_master_key_id text,             -- the master key that sealed totp_sealed
    totp_last_step     bigint,           -- the last TOTP time step used: a code is accepted once
    -- A content clearance granted beyond the user's roles (auditors): 1…4.
    content_clearance  smallint CHECK (content_clearance BETWEEN 1 AND 4),
    created_at         timestamptz NOT NULL DEFAULT now(),
    disabled_at        timestamptz,
    CHECK ((totp_sealed IS NULL) = (totp_master_key_id IS NULL))
);

CREATE TABLE staff_roles (
    user_id  bigint NOT NULL REFERENCES staff_users (id),
    role     text NOT NULL CHECK (role IN ('agent', 'supervisor', 'records_officer', 'request_officer', 'auditor', 'admin')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE staff_teams (
    user_id  bigint NOT NULL REFERENCES staff_users (id),
    team     text NOT NULL CHECK (team ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    PRIMARY KEY (user_id, team)
);

-- API tokens (`rkt_…`): only the SHA-256 is kept; the first 8 bytes are the lookup key, the whole
-- digest is compared in constant time by the service. `scopes` narrows the user's roles (NULL:
-- all of them).
CREATE TABLE staff_tokens (
    id            bigserial PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES staff_users (id),
    token_id      bytea NOT NULL UNIQUE CHECK (octet_length(token_id) = 8),
    token_sha256  bytea NOT NULL UNIQUE CHECK (octet_length(token_sha256) = 32),
    scopes        text[],
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    CHECK (substring(token_sha256 FROM 1 FOR 8) = token_id),
    CHECK (expires_at IS NULL OR expires_at > created_at)
);
CREATE INDEX staff_tokens_user ON staff_tokens (user_id);

-- Browser sessions (cookie rk_session): the SHA-256 of the session id.
CREATE TABLE staff_sessions (
    id              bigserial PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES staff_users (id),
    session_sha256  bytea NOT NULL UNIQUE CHECK (octet_length(session_sha256) = 32),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    ended_at        timestamptz
);

-- Failed sign-ins, for the lockout (5 in 15 minutes) across every service process.
CREATE TABLE staff_login_failures (
    id         bigserial PRIMARY KEY,
    user_name  text NOT NULL,
    failed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_login_failures_user ON staff_login_failures (user_name, failed_at);

INSERT INTO rk_service_grants (relation, privileges) VALUES
    ('staff_users', 'SELECT, INSERT, UPDATE'),
    ('staff_roles', 'SELECT, INSERT, DELETE'),
    ('staff_teams', 'SELECT, INSERT, DELETE'),
    ('staff_tokens', 'SELECT, INSERT, UPDATE'),
    ('staff_sessions', 'SELECT, INSERT, UPDATE'),
    ('staff_login_failures', 'SELECT, INSERT, DELETE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
