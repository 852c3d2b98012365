"""Supervisors' daily and weekly digests and /baocao."""
