"""Helpers the test stories share: people, chats, steps that several features repeat."""
