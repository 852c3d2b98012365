"""Attendance (chuyên cần) and per-diem days (công tác phí): pure rules over one official's days."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from storage.export import ExportAssignment

LOGGED = "X"
MISSING = "V"
ON_LEAVE = "P"
NOT_ASSIGNED = "-"
DAY_OFF = "L"
NOT_YET = ""  # a day still to come ("this month" asked for mid-month): neither done nor missing

LEGEND = (
    f"Ký hiệu: {LOGGED} = đã ghi nhật ký; {MISSING} = chưa ghi nhật ký; {ON_LEAVE} = nghỉ phép; "
    f"{NOT_ASSIGNED} = ngoài thời gian biệt phái; {DAY_OFF} = ngày nghỉ (cuối tuần, lễ, Tết, "
    "nghỉ theo lịch của Sở); ô trống = ngày chưa đến. Ngày làm bù tính như ngày làm việc. "
    "Phải báo cáo = ngày làm "
    "việc trong thời gian biệt phái, trừ ngày nghỉ phép không ghi nhật ký; "
    "tỷ lệ = đã ghi / phải báo cáo."
)
PER_DIEM_RULE = (
    "Quy tắc tính công tác phí: với mỗi cán bộ và mỗi tháng, số ngày công tác tại xã = số ngày "
    "làm việc (theo lịch nhà nước: trừ thứ Bảy, Chủ Nhật, ngày lễ, Tết; cộng ngày làm bù; theo "
    "lịch riêng của Sở) nằm trong thời gian được phân công biệt phái tại xã, có ít nhất một nhật "
    "ký công tác ghi tại chính xã được phân công trong ngày đó; không tính ngày nghỉ phép."
)


@dataclass(frozen=True)
class Attendance:
    """One official's codes per day of the period, and the totals over working days."""

    codes: tuple[str, ...]
    expected: int
    logged: int
    missing: int
    leave: int
    # (commune name, expected, logged) for each commune the official was assigned to.
    by_commune: tuple[tuple[str, int, int], ...] = ()

    @property
    def rate(self) -> float | None:
        """Logged / expected, or None when nothing was expected."""
        return self.logged / self.expected if self.expected else None


@dataclass(frozen=True)
class PerDiemMonth:
    """One official's per-diem figures for one month (clipped to the period)."""

    month: date  # the first day of the month
    first: date
    last: date
    communes: tuple[str, ...]
    working_days: int  # working days inside an assignment
    leave_days: int  # of those, on leave
    logged_days: int  # of those not on leave, with an entry at the assigned commune
    # The per-diem count equals logged_days; kept apart for the accountant's reading.

    @property
    def on_site_days(self) -> int:
        """Days counted for the per-diem allowance."""
        return self.logged_days


def _covering(assignments: Sequence[ExportAssignment], day: date) -> list[ExportAssignment]:
    return [a for a in assignments if a.start <= day <= a.end]


def _on_leave(leaves: Sequence[tuple[date, date]], day: date) -> bool:
    return any(start <= day <= end for start, end in leaves)


def attendance(
    days: Sequence[date],
    working: frozenset[date],
    assignments: Sequence[ExportAssignment],
    leaves: Sequence[tuple[date, date]],
    logged: set[date],
    today: date | None = None,
) -> Attendance:
    """The code of each day and the totals: logging on a day of leave counts as logged.

    Days after `today` are not due yet: left blank and not counted, unless already logged.
    """
    codes = []
    expected = done = missing = leave = 0
    # A day is credited to the commune of the first assignment covering it.
    per_commune: dict[str, list[int]] = {a.commune_name: [0, 0] for a in assignments}
    for day in days:
        covering = _covering(assignments, day)
        if not covering:
            codes.append(NOT_ASSIGNED)
        elif day not in working:
            codes.append(DAY_OFF)
        elif today is not None and day > today and day not in logged:
            codes.append(NOT_YET)
        elif day in logged:
            codes.append(LOGGED)
            expected += 1
            done += 1
            per_commune[covering[0].commune_name][0] += 1
            per_commune[covering[0].commune_name][1] += 1
        elif _on_leave(leaves, day):
            codes.append(ON_LEAVE)
            leave += 1
        else:
            codes.append(MISSING)
            expected += 1
            missing += 1
            per_commune[covering[0].commune_name][0] += 1
    by_commune = tuple((name, e, d) for name, (e, d) in per_commune.items())
    return Attendance(tuple(codes), expected, done, missing, leave, by_commune)


def per_diem(
    days: Sequence[date],
    working: frozenset[date],
    assignments: Sequence[ExportAssignment],
    leaves: Sequence[tuple[date, date]],
    logged_at: set[tuple[date, str]],
) -> list[PerDiemMonth]:
    """Per month of the period with an assignment: working days, leave, days worked on site."""
    months: dict[date, list[date]] = {}
    for day in days:
        months.setdefault(day.replace(day=1), []).append(day)
    found = []
    for month, month_days in months.items():
        assigned = leave = on_site = 0
        communes: dict[str, None] = {}
        for day in month_days:
            covering = _covering(assignments, day)
            for a in covering:
                communes[a.commune_name] = None
            if not covering or day not in working:
                continue
            assigned += 1
            if _on_leave(leaves, day):
                leave += 1
            elif any((day, a.commune_code) in logged_at for a in covering):
                on_site += 1
        if communes:
            found.append(
                PerDiemMonth(
                    month, month_days[0], month_days[-1], tuple(communes), assigned, leave, on_site
                )
            )
    return found
