"""What a report is asked for: whose, which period and that period in words; its outbox form.

Plain values only (no document library): the chat handler, the monthly job and the outbox
queue and pass these; `bot.reports` builds the document from them.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from typing import Any

from handlers.core.messages import Reply
from storage.export import ExportFilter

REPORT_KEY = "report"  # the outbox payload key that carries a report request


@dataclass(frozen=True)
class ReportRequest:
    """Whose report, for which period (both ends included), and that period in words."""

    first: date
    last: date
    period_label: str  # "tháng 11/2026", "đợt 1 (01/09/2026 – 30/11/2026)", "từ ngày … đến …"
    person_id: int | None = None  # an official's own report
    supervisor_id: int | None = None  # a summary limited to this supervisor's scope
    division_code: str | None = None  # a summary narrowed to one division
    scope_label: str = "toàn Sở"
    division_signer: bool = False  # signed by a division head, not the department's signer

    def to_json(self) -> dict[str, Any]:
        """A plain form for an outbox payload (the file itself is built when it is sent)."""
        return {
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "period": self.period_label,
            "person": self.person_id,
            "supervisor": self.supervisor_id,
            "division": self.division_code,
            "scope": self.scope_label,
            "division_signer": self.division_signer,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportRequest:
        """The request stored by `to_json`."""
        return cls(
            first=date.fromisoformat(data["first"]),
            last=date.fromisoformat(data["last"]),
            period_label=data["period"],
            person_id=data.get("person"),
            supervisor_id=data.get("supervisor"),
            division_code=data.get("division"),
            scope_label=data.get("scope", "toàn Sở"),
            division_signer=bool(data.get("division_signer")),
        )

    @property
    def is_official(self) -> bool:
        """An official's own report (not a summary)."""
        return self.person_id is not None

    @property
    def scope(self) -> ExportFilter:
        """The export's filter for the same scope."""
        return ExportFilter(self.supervisor_id, self.division_code, None, self.person_id)


def period_label(first: date, last: date, wave: tuple[str, date, date] | None = None) -> str:
    """'tháng 11/2026' for a whole month, 'đợt …' for a wave's dates, else 'từ ngày … đến …'."""
    whole_month = first.day == 1 and last.day == monthrange(last.year, last.month)[1]
    if whole_month and (first.year, first.month) == (last.year, last.month):
        return f"tháng {first.month:02d}/{first.year}"
    if wave is not None and (wave[1], wave[2]) == (first, last):
        name = wave[0]
        named = name if name.casefold().startswith("đợt") else f"đợt {name}"
        return f"{named} ({first:%d/%m/%Y} – {last:%d/%m/%Y})"
    return f"từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"


def report_payload(text: str, request: ReportRequest) -> dict[str, Any]:
    """An outbox payload: the message's text now, the report's document when it is sent."""
    return {**Reply(text).to_json(), REPORT_KEY: request.to_json()}
