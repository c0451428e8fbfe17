-- Team inbox (docs/api.md, "Team inbox"; docs/operations.md, "Routing rules"): a projection of
-- the inbox events on streams inbox/<conversation id> and of routing.rules.set. Metadata only:
-- note text stays in the encrypted ledger payload.

-- One row per conversation that has an inbox event (routed, assigned, state change). team is
-- NULL until the conversation is routed; state 'reopened' counts as open.
CREATE TABLE inbox_conversations (
    ledger_id            integer NOT NULL,
    conversation_id      text NOT NULL,
    team                 text,
    rule                 text,                 -- the rule id that routed it, 'default' or 'transfer'
    assignee             text,                 -- a staff user name; NULL: unassigned
    state                text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'pending', 'closed', 'reopened')),
    state_changed_at_us  bigint NOT NULL,
    state_position       bigint NOT NULL,      -- the entry that set the state (or created the row)
    routed_at_us         bigint,
    routed_position      bigint,
    assigned_position    bigint,
    last_position        bigint NOT NULL,      -- the last inbox entry applied to it
    PRIMARY KEY (ledger_id, conversation_id)
);
CREATE INDEX inbox_conversations_team ON inbox_conversations (ledger_id, team, state);

-- Internal notes: who wrote which note when. The text is only in the note.added payload.
CREATE TABLE inbox_notes (
    ledger_id        integer NOT NULL,
    position         bigint NOT NULL,          -- the note.added entry
    conversation_id  text NOT NULL,
    note_id          text NOT NULL,
    author           text NOT NULL,            -- the entry's actor (staff:<name>)
    created_at_us    bigint NOT NULL,
    PRIMARY KEY (ledger_id, position)
);
CREATE INDEX inbox_notes_conversation ON inbox_notes (ledger_id, conversation_id, position);

-- How far each staff member has read each conversation (a ledger position): their unread count
-- is the inbound messages after it.
CREATE TABLE inbox_reads (
    ledger_id        integer NOT NULL,
    conversation_id  text NOT NULL,
    user_name        text NOT NULL,
    read_position    bigint NOT NULL CHECK (read_position >= 0),
    marked_position  bigint NOT NULL,          -- the conversation.read_marked entry
    PRIMARY KEY (ledger_id, conversation_id, user_name)
);

-- The routing rule set in force: the latest routing.rules.set entry of each ledger.
CREATE TABLE inbox_routing (
    ledger_id    integer PRIMARY KEY,
    position     bigint NOT NULL,              -- the routing.rules.set entry
    set_at_us    bigint NOT NULL,
    actor        text NOT NULL,
    rules        text NOT NULL                 -- the rule set as JSON (docs/operations.md)
);

INSERT INTO rk_service_grants (relation, privileges) VALUES
    ('inbox_conversations', 'SELECT, INSERT, UPDATE, DELETE'),
    ('inbox_notes', 'SELECT, INSERT, UPDATE, DELETE'),
    ('inbox_reads', 'SELECT, INSERT, UPDATE, DELETE'),
    ('inbox_routing', 'SELECT, INSERT, UPDATE, DELETE')
    ON CONFLICT (relation) DO UPDATE SET privileges = EXCLUDED.privileges;
