"""Helpers for storage stories: a database opener and a small organisation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from storage import Database
from storage.org_import import (
    AssignmentRow,
    CommuneRow,
    DivisionRow,
    OrgData,
    PersonRow,
    WaveRow,
)
from tests.chat import local

OpenDatabase = Callable[[], Awaitable[Database]]


NOW = local("2026-11-25 09:00")


AN = "Nguyễn Văn An"


# The smallest organisation a work log needs: one official seconded to one commune.
ORG = OrgData(
    divisions=[DivisionRow("XDCQ", "Phòng Xây dựng chính quyền")],
    communes=[CommuneRow("XA08", "Xã Pa Lang", "Khu vực Biên giới phía Tây", True)],
    people=[PersonRow(AN, "official", "XDCQ", "0900000001")],
    waves=[WaveRow("Đợt 2", date(2026, 11, 2), date(2026, 12, 25))],
    assignments=[AssignmentRow(AN, "XA08", "Đợt 2", date(2026, 11, 2), date(2026, 12, 25))],
)
