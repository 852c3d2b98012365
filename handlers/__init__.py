"""Channel-neutral conversation logic: what the bot says and does."""
