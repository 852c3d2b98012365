-- Exports built in the background, files served by expiring links, the readiness probe's row,
-- and indexes for the outbox figures of /metrics and for retention.

-- A /xuat request: built off the event loop by the export worker, sent through the outbox.
CREATE TABLE export_jobs (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id),
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    language TEXT NOT NULL,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    division_code TEXT,
    scope_label TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'building', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_until TEXT,
    file_path TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX export_jobs_status ON export_jobs (status, created_at);

-- Files (not pictures) served under an unguessable token until they expire: the workbook on Zalo.
-- The file stays on disk under BOT_FILES_DIR; only its path is kept here.
CREATE TABLE file_links (
    token TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX file_links_expiry ON file_links (expires_at);
CREATE INDEX file_links_path ON file_links (path, expires_at);

-- One row rewritten by /readyz: proof that the database takes a write.
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY,
    checked_at TEXT NOT NULL
);

CREATE INDEX outbox_status_created ON outbox (status, created_at);
