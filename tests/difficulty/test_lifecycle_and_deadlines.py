"""The lifecycle table and deadlines in working time (weekends, Tết, make-up days)."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.core.deadlines import DeadlinePolicy
from handlers.core.workcal import WorkingCalendar, calendar_from
from handlers.difficulty.lifecycle import (
    TRANSITIONS,
    Action,
    Actor,
    Status,
    allowed_actions,
    next_status,
)
from tests.chat import ZONE, local

EXPECTED = {
    # (actor, action): the statuses it is allowed from, and where it leads.
    (Actor.SUPERVISOR, Action.ACKNOWLEDGE): ({"new", "forwarded", "reopened"}, "acknowledged"),
    (Actor.SUPERVISOR, Action.ANSWER): (
        {"new", "acknowledged", "forwarded", "reopened", "more_info", "answered"},
        "answered",
    ),
    (Actor.SUPERVISOR, Action.ASK_INFO): (
        {"new", "acknowledged", "forwarded", "reopened", "answered"},
        "more_info",
    ),
    (Actor.SUPERVISOR, Action.FORWARD): (
        {"new", "acknowledged", "forwarded", "reopened", "more_info"},
        "forwarded",
    ),
    (Actor.SUPERVISOR, Action.RESOLVE): (
        {"new", "acknowledged", "answered", "more_info", "forwarded", "reopened"},
        "resolved",
    ),
    (Actor.REPORTER, Action.CONFIRM): ({"answered"}, "resolved"),
    (Actor.REPORTER, Action.REOPEN): ({"answered", "resolved"}, "reopened"),
}


@pytest.mark.parametrize("actor", list(Actor))
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("status", list(Status))
def test_every_transition_is_allowed_or_refused_as_the_table_says(
    actor: Actor, action: Action, status: Status
) -> None:
    result = next_status(actor, action, status)
    if action is Action.COMMENT:
        if actor is Actor.SUPERVISOR or status is Status.RESOLVED:
            assert result is None
        elif status is Status.MORE_INFO:
            assert result is Status.ACKNOWLEDGED
        else:
            assert result is status
        return
    allowed = EXPECTED.get((actor, action))
    if allowed is None or status.value not in allowed[0]:
        assert result is None, f"{actor} {action} from {status} should be refused"
    else:
        assert result is not None and result.value == allowed[1]


def test_a_resolved_difficulty_can_only_be_reopened_by_its_reporter() -> None:
    assert allowed_actions(Actor.SUPERVISOR, Status.RESOLVED) == []
    assert allowed_actions(Actor.REPORTER, Status.RESOLVED) == [Action.REOPEN]
    assert len(TRANSITIONS) == sum(len(v[0]) for v in EXPECTED.values()) + len(Status) - 1


CAL = WorkingCalendar(ZONE)
POLICY = DeadlinePolicy()


def test_urgent_raised_on_friday_evening_is_due_on_monday_morning() -> None:
    first, _ = POLICY.due(CAL, local("2026-11-27 19:00"), "urgent")
    assert first == local("2026-11-30 11:30")  # 4 office hours: 07:30 to 11:30 on Monday
    assert first > local("2026-11-28 23:59")  # so it is not overdue on Saturday


def test_normal_is_due_after_two_working_days() -> None:
    first, resolution = POLICY.due(CAL, local("2026-11-25 10:00"), "normal")
    assert first == local("2026-11-27 10:00")
    assert resolution == local("2026-12-09 10:00")


def test_tet_holidays_are_skipped() -> None:
    # Tết 2026: 16/02 (Mon) to 20/02 (Fri) are public holidays.
    first, _ = POLICY.due(CAL, local("2026-02-13 16:00"), "urgent")
    assert first == local("2026-02-23 10:30")
    assert not CAL.is_working_day(date(2026, 2, 17))
    assert CAL.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"


def test_make_up_saturdays_count_as_working_days() -> None:
    # 22/08/2026 is worked to make up for the day off on 31/08/2026.
    assert CAL.is_working_day(date(2026, 8, 22))
    assert not CAL.is_working_day(date(2026, 8, 31))
    first, _ = POLICY.due(CAL, local("2026-08-21 16:00"), "urgent")
    assert first == local("2026-08-22 10:30")


def test_days_declared_by_the_admin_change_the_calendar() -> None:
    cal = calendar_from(ZONE, [(date(2026, 12, 26), "workday"), (date(2026, 12, 31), "off")])
    assert cal.is_working_day(date(2026, 12, 26))
    assert not cal.is_working_day(date(2026, 12, 31))
    first, _ = POLICY.due(cal, local("2026-12-25 16:00"), "urgent")
    assert first == local("2026-12-26 10:30")
