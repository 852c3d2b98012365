"""Reminders to log work: which is due, their buttons, /nhacnho."""
