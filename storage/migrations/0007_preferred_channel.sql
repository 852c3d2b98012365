-- A person may pin the channel their notifications go to (telegram or zalo). No row: the
-- channel they used last. A pinned channel that is not linked or not reachable is skipped.
CREATE TABLE channel_prefs (
    person_id INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    preferred_channel TEXT NOT NULL CHECK (preferred_channel IN ('telegram', 'zalo'))
);

-- Pictures the bot serves under an unguessable token until they expire: Zalo gets a link to
-- the weekly chart (it cannot receive an uploaded picture). Expired rows are deleted when new
-- ones are stored.
CREATE TABLE image_links (
    token TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX image_links_expiry ON image_links (expires_at);
CREATE INDEX image_links_digest ON image_links (digest, expires_at);
