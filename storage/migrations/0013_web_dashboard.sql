-- The web dashboard: one-time sign-in links and browser sessions, both kept only as keyed
-- hashes of their tokens, so a copy of the database opens nobody's dashboard.
CREATE TABLE IF NOT EXISTS web_links (
    token_hash TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX IF NOT EXISTS web_links_expires ON web_links (expires_at);

CREATE TABLE IF NOT EXISTS web_sessions (
    token_hash TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX IF NOT EXISTS web_sessions_person ON web_sessions (person_id, expires_at);
