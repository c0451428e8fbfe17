-- Webhook relay (docs/whatsapp-ingest.md "Webhook relay", docs/operations.md "Relaying webhooks
-- to an existing app"): per business number, a downstream URL and secret that recorded
-- deliveries are re-sent to, and the relay_queue projection the relay service works off.

-- Configuration. Not a record: every change is also a relay.configured / relay.removed event.
-- The downstream secret is stored only sealed under the master key (AES-256-GCM, bound to
-- 'webhook-relay:<name>'); master_key_id names the key that sealed it, for rotation.
CREATE TABLE webhook_relays (
    name              text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    phone_number_ids  text[] NOT NULL CHECK (cardinality(phone_number_ids) >= 1),
    url               text NOT NULL CHECK (url ~* '^https?://'),
    enabled           boolean NOT NULL DEFAULT true,
    master_key_id     text NOT NULL,
    sealed_secret     bytea NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    rewrapped_at      timestamptz
);

-- relay_queue (projection) -------------------------------------------------------------------
-- One row per whatsapp.webhook.relay_queued event: pending until a whatsapp.webhook.relayed
-- outcome 'delivered' or 'gave_up'; attempts and the next retry time come from 'failed' ones.
CREATE TABLE relay_queue (
    ledger_id           integer NOT NULL,
    queued_position     bigint NOT NULL,
    relay               text NOT NULL,
    stream              text NOT NULL,
    body_sha256         text,
    queued_at_us        bigint NOT NULL,
    attempts            integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_attempt_at_us  bigint,
    next_retry_at_us    bigint,             -- NULL: due now
    last_http_status    integer,
    last_detail         text,
    state               text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'gave_up')),
    outcome_position    bigint,
    PRIMARY KEY (ledger_id, queued_position)
);
CREATE INDEX relay_queue_due ON relay_queue (ledger_id, next_retry_at_us, queued_position) WHERE state = 'pending';

-- Privileges: relay configuration (written by the CLI as the service role) and its queue, through
-- the registry of migration 0005.
INSERT INTO rk_service_grants (relation, privileges) VALUES
    ('webhook_relays', 'SELECT, INSERT, UPDATE, DELETE'),
    ('relay_queue', 'SELECT, INSERT, UPDATE, DELETE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
