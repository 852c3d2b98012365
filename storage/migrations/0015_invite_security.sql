-- Invite codes are stored as HMACs with the server's secret key from now on. Codes stored before
-- were a plain SHA-256 of 8 characters, which anyone with a copy of the database could recover,
-- so every unused one is revoked: the admin makes new ones with `bietphai invite`.
ALTER TABLE invites ADD COLUMN revoked_at TEXT;
UPDATE invites SET revoked_at = created_at WHERE used_at IS NULL;

-- Wrong invite codes, per chat account and per chat, to slow down guessing.
CREATE TABLE invite_failures (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    chat TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX invite_failures_account ON invite_failures (account, at);
CREATE INDEX invite_failures_chat ON invite_failures (chat, at)
;

-- A commune contact's claim, made in the chat, to speak for a commune: nothing is granted until
-- the admin confirms it (`bietphai study confirm-contact`); the workbook's `commune` column and
-- `bietphai study set-contact` grant directly.
CREATE TABLE commune_claims (
    person_id INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    commune_code TEXT NOT NULL REFERENCES communes (code),
    claimed_at TEXT NOT NULL
)
