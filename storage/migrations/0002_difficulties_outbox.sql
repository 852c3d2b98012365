-- Difficulties and questions for leadership, their history, supervisor preferences, the outbox.

CREATE TABLE difficulties (
    id INTEGER PRIMARY KEY,
    reporter_id INTEGER NOT NULL REFERENCES people (id),
    commune_code TEXT NOT NULL REFERENCES communes (code),
    division_code TEXT,
    topic TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('difficulty', 'question')),
    urgency TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent')),
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    assignee_id INTEGER REFERENCES people (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    first_response_due TEXT NOT NULL,
    resolution_due TEXT NOT NULL,
    first_response_at TEXT,
    resolved_at TEXT
);
CREATE INDEX difficulties_status ON difficulties (status, created_at);
CREATE INDEX difficulties_created ON difficulties (created_at);
CREATE INDEX difficulties_reporter ON difficulties (reporter_id, status);

-- Every transition and comment: who, when, what.
CREATE TABLE difficulty_events (
    id INTEGER PRIMARY KEY,
    difficulty_id INTEGER NOT NULL REFERENCES difficulties (id),
    at TEXT NOT NULL,
    actor_id INTEGER NOT NULL REFERENCES people (id),
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    target_id INTEGER REFERENCES people (id)
);
CREATE INDEX difficulty_events_difficulty ON difficulty_events (difficulty_id, id);
CREATE INDEX difficulty_events_at ON difficulty_events (at);

-- A supervisor's choice: new normal difficulties pushed at once ('instant') or only in digests.
CREATE TABLE supervisor_prefs (
    person_id INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    notify_mode TEXT NOT NULL DEFAULT 'instant' CHECK (notify_mode IN ('instant', 'digest'))
);

-- Everything the bot sends on its own initiative, written in the same transaction as its cause.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    person_id INTEGER REFERENCES people (id),
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unreachable')),
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Pieces of a long message already delivered, so a retry does not repeat them.
    parts_sent INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_by TEXT,
    claimed_until TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (channel, status, next_attempt_at);

-- A person who blocked the bot on a channel (Telegram 403) is reported, not retried forever.
ALTER TABLE channel_identities ADD COLUMN unreachable_at TEXT;
