-- Replies are sent after the update is confirmed to the platform; the chat is kept with them so
-- a reply that a crash interrupted can still be delivered (through the outbox) at start-up.
ALTER TABLE processed_updates ADD COLUMN chat_id TEXT NOT NULL DEFAULT '';
CREATE INDEX processed_updates_unsent ON processed_updates (processed_at) WHERE replied_at IS NULL;
