"""The sample organisation the stories use: its files and the people they name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from tests.chat import Chat

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_XLSX = ROOT / "examples" / "org-sample.xlsx"
SAMPLE_CSV = ROOT / "examples" / "org-sample"

# People of the sample organisation that the stories use.
AN = "Nguyễn Văn An"  # official, XDCQ, Xã Hòa Vang Tây in Đợt 2
LAN = "Bùi Thị Lan"  # official, TCBC, Xã Pa Lang (border)
LONG = "Đỗ Văn Long"  # official with two communes in Đợt 2
THANH = "Trương Văn Thành"  # department leadership, supervises all

MakeChat = Callable[..., Awaitable[Chat]]
