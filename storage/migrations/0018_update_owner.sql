-- The process that decided an update (the token it holds a liveness duty under while it runs):
-- recovery of unsent replies takes only those whose process has died, never the replies a live
-- process (another webhook worker, the Telegram or Zalo poller) is still sending.
ALTER TABLE processed_updates ADD COLUMN owner TEXT NOT NULL DEFAULT '';
