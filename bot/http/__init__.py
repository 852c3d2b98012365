"""The bot's one HTTP server: webhooks, file links, health, metrics, and what others mount."""
