-- Organisation, onboarding, work logs, conversation state and update keys.
-- Times (`*_at`) are UTC ISO-8601 strings; work dates (`*_date`) are local dates (YYYY-MM-DD).

CREATE TABLE divisions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE communes (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    district TEXT NOT NULL DEFAULT '',
    border INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('official', 'supervisor', 'admin', 'commune_official')),
    division_code TEXT REFERENCES divisions (code),
    phone TEXT UNIQUE,
    supervises_all INTEGER NOT NULL DEFAULT 0,
    language TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX people_name ON people (full_name);

-- Divisions a supervisor (division head) oversees; `supervises_all` on people covers leadership.
CREATE TABLE supervised_divisions (
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    division_code TEXT NOT NULL REFERENCES divisions (code),
    PRIMARY KEY (person_id, division_code)
);

-- A chat account (Telegram user, Zalo user, console) linked to a person.
CREATE TABLE channel_identities (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    chat_id TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    linked_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
);
CREATE INDEX channel_identities_person ON channel_identities (person_id);

CREATE TABLE waves (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    CHECK (start_date <= end_date)
);

CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    commune_code TEXT NOT NULL REFERENCES communes (code),
    wave_id INTEGER NOT NULL REFERENCES waves (id),
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    UNIQUE (person_id, commune_code, wave_id),
    CHECK (start_date <= end_date)
);
CREATE INDEX assignments_dates ON assignments (start_date, end_date);

CREATE TABLE working_groups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    leader_id INTEGER REFERENCES people (id)
);

CREATE TABLE working_group_members (
    group_id INTEGER NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, person_id)
);

CREATE TABLE working_group_communes (
    group_id INTEGER NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    commune_code TEXT NOT NULL REFERENCES communes (code),
    PRIMARY KEY (group_id, commune_code)
);

-- Admin-declared days off and make-up working days (used by the working calendar).
CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('off', 'workday')),
    reason TEXT NOT NULL DEFAULT ''
);

-- Invite codes are stored only as SHA-256 hashes.
CREATE TABLE invites (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_channel TEXT
);

CREATE TABLE work_logs (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id),
    commune_code TEXT NOT NULL REFERENCES communes (code),
    work_date TEXT NOT NULL,
    topic TEXT NOT NULL,
    text TEXT NOT NULL,
    channel TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT,
    deleted_at TEXT
);
CREATE INDEX work_logs_date ON work_logs (work_date);
CREATE INDEX work_logs_person_date ON work_logs (person_id, work_date);

-- Every edit or deletion keeps the version it replaced.
CREATE TABLE work_log_revisions (
    id INTEGER PRIMARY KEY,
    work_log_id INTEGER NOT NULL REFERENCES work_logs (id),
    change TEXT NOT NULL CHECK (change IN ('edit', 'delete')),
    old_topic TEXT NOT NULL,
    old_text TEXT NOT NULL,
    changed_by INTEGER NOT NULL REFERENCES people (id),
    changed_at TEXT NOT NULL
);
CREATE INDEX work_log_revisions_log ON work_log_revisions (work_log_id);

-- Photos and files: the channel's own file id is kept, the bytes stay on the platform.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    owner_kind TEXT NOT NULL,
    owner_id INTEGER NOT NULL,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    file_id TEXT NOT NULL,
    caption TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX attachments_owner ON attachments (owner_kind, owner_id);

-- Which step of which flow a chat is in; `token` marks the buttons of the latest step.
CREATE TABLE conversation_state (
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    person_id INTEGER REFERENCES people (id) ON DELETE CASCADE,
    flow TEXT,
    step TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    token TEXT NOT NULL DEFAULT '',
    offered TEXT NOT NULL DEFAULT '[]',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id)
);

-- Updates already handled (channel:update id), with the replies, so a redelivery is not stored
-- twice and an unsent reply can still be sent.
CREATE TABLE processed_updates (
    update_key TEXT PRIMARY KEY,
    processed_at TEXT NOT NULL,
    replies TEXT NOT NULL DEFAULT '[]',
    replied_at TEXT
);
CREATE INDEX processed_updates_at ON processed_updates (processed_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_action_subject ON audit_log (action, subject, at);
