"""Difficulties and questions for leadership: raise, act, list, deadlines, escalation."""
