"""The overview's tables: reporting rates per division, per commune and per day."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from storage.web_overview import CommuneCount, DayCount


@dataclass(frozen=True)
class Rate:
    """Official-days expected and logged for one row of a table."""

    label: str
    expected: int
    logged: int

    @property
    def percent(self) -> int | None:
        """Logged / expected in whole percent, or None when nothing was expected."""
        return round(100 * self.logged / self.expected) if self.expected else None


@dataclass
class Rates:
    """The period's rates: the whole scope, per division, per commune, per working day."""

    total: Rate = field(default_factory=lambda: Rate("", 0, 0))
    divisions: list[Rate] = field(default_factory=list)
    communes: list[Rate] = field(default_factory=list)
    days: list[tuple[date, Rate]] = field(default_factory=list)


def rates(
    by_day: list[DayCount],
    by_commune: list[CommuneCount],
    working_days: list[date],
    division_names: dict[str, str],
) -> Rates:
    """The tables of the overview from the database's counts, lowest rate first."""
    division_expected: Counter[str] = Counter()
    division_logged: Counter[str] = Counter()
    day_expected: Counter[date] = Counter()
    day_logged: Counter[date] = Counter()
    for row in by_day:
        code = row.division_code or ""
        division_expected[code] += row.expected
        division_logged[code] += row.logged
        day_expected[row.day] += row.expected
        day_logged[row.day] += row.logged
    return Rates(
        total=Rate("", sum(day_expected.values()), sum(day_logged.values())),
        divisions=sorted(
            (
                Rate(division_names.get(code, code) or "—", n, division_logged[code])
                for code, n in division_expected.items()
            ),
            key=_lowest_first,
        ),
        communes=sorted(
            (Rate(c.name, c.expected, c.logged) for c in by_commune), key=_lowest_first
        ),
        days=[(day, Rate("", day_expected[day], day_logged[day])) for day in working_days],
    )


def _lowest_first(rate: Rate) -> tuple[float, str]:
    return (rate.logged / rate.expected if rate.expected else 1.0, rate.label)
