"""Time zones that put a test's "now" where its story needs it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def noon_zone(now: datetime) -> ZoneInfo:
    """A fixed-offset zone where it is now between 10:00 and 14:00 (the test's working day)."""
    hours = 12 - now.astimezone(UTC).hour  # -11 … +12, all valid Etc zones
    if hours == 0:
        return ZoneInfo("Etc/GMT")
    # The Etc names count the other way: Etc/GMT-7 is seven hours east of Greenwich.
    return ZoneInfo(f"Etc/GMT{-hours:+d}")
