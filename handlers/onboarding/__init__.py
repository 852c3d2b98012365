"""Linking a chat to a person, help and cancel, answers to roles without a log."""
