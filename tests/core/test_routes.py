"""The router's table is merged from each feature's declarations; button data fits Telegram."""

from __future__ import annotations

from dataclasses import replace

import pytest

from handlers.core.messages import MAX_CHOICE_DATA_BYTES, Choice, Reply
from handlers.core.routes import Routes, Standing, merge
from handlers.difficulty.routes import ROUTES as DIFFICULTY
from handlers.router import ROUTES, button_hint
from handlers.worklog.routes import ROUTES as WORKLOG

# The chat commands of the operator contract (DESIGN.md), Vietnamese and English.
CONTRACT_COMMANDS = {
    "start", "nhatky", "log", "khokhan", "issue", "cuatoi", "mine", "huy", "cancel",
    "trogiup", "help", "baocao", "digest", "xuat", "export",
}  # fmt: skip


def test_every_contract_command_is_declared_by_a_feature() -> None:
    """The merged table answers every command the operator contract names."""
    assert set(ROUTES.commands) >= CONTRACT_COMMANDS


def test_help_keeps_the_flow_and_other_commands_end_it() -> None:
    """Only /trogiup (/help) answers without leaving the flow the person is in."""
    assert ROUTES.keeps_flow == {"trogiup", "help"}


def test_a_command_declared_by_two_features_is_refused() -> None:
    """Two features cannot both claim /nhatky: merging fails at import, not at random."""
    clash = Routes(commands={"nhatky": WORKLOG.commands["nhatky"]})
    with pytest.raises(ValueError, match="nhatky"):
        merge(WORKLOG, clash)


def test_a_standing_prefix_declared_twice_is_refused() -> None:
    """Button prefixes are unique across features."""
    again = Routes(standing={"k:": Standing(DIFFICULTY.standing["k:"].on_button)})
    with pytest.raises(ValueError, match="k:"):
        merge(DIFFICULTY, again)


def test_keeps_flow_must_name_a_declared_command() -> None:
    """A command that keeps the flow but does not exist is a mistake caught at merge."""
    with pytest.raises(ValueError, match="nosuch"):
        merge(Routes(keeps_flow=frozenset({"nosuch"})))


def test_the_longest_prefix_picks_the_handler() -> None:
    """`k:new:0` raises a new difficulty; `k:ack:7` acts on one; `tct:out:` records an outcome."""
    assert ROUTES.standing_for("k:new:0") is DIFFICULTY.standing["k:new:"]
    assert ROUTES.standing_for("k:ack:7") is DIFFICULTY.standing["k:"]
    assert ROUTES.standing_for("tct:out:3") is ROUTES.standing["tct:out:"]
    assert ROUTES.standing_for("tct:view:3") is ROUTES.standing["tct:"]
    assert ROUTES.standing_for("abc123:save") is None


@pytest.mark.parametrize(
    ("data", "lang", "hint"),
    [
        ("k:ack:42", "vi", "Gõ /khokhan 42 để xử lý."),
        ("k:new:0", "en", "Type /khokhan 0 to act on it."),
        ("r:log:2026-12-04", "vi", "Gõ /nhatky để ghi nhật ký, hoặc /nghi nếu anh/chị nghỉ phép."),
        ("h:ok:7:1", "vi", "Gõ /hoctap 7 để xem và xử lý đăng ký này."),
        ("tct:done:12", "vi", "Gõ /tocongtac TCT-0012 để xem, cập nhật tiến độ hoặc báo đã xong."),
        ("k:view:x", "vi", ""),
    ],
)
def test_a_numbered_channel_gets_the_command_that_does_what_the_button_does(
    data: str, lang: str, hint: str
) -> None:
    """Zalo cannot show a standing button: the router gives the sentence to show instead."""
    assert button_hint(data, lang) == hint


@pytest.mark.parametrize("data", ["wgc:cancel:5", "htw:7", "f00d12:save"])
def test_buttons_without_a_hint_are_offered_by_number(data: str) -> None:
    """Cancel/move and withdraw buttons, and every flow choice, stay numbered choices."""
    assert button_hint(data, "vi") is None


def test_button_data_up_to_64_bytes_is_accepted() -> None:
    """Telegram takes callback data up to 64 bytes."""
    data = "a" * MAX_CHOICE_DATA_BYTES
    assert Reply("Chọn", (Choice("A", data),), choice_data=(data,)).choice_data == (data,)


def test_button_data_over_64_bytes_is_refused_when_the_reply_is_made() -> None:
    """65 bytes fail where the reply is built, before anything reaches a platform."""
    with pytest.raises(ValueError, match="64 bytes"):
        Reply("Chọn", choice_data=("a" * 65,))


def test_button_data_is_counted_in_bytes_not_characters() -> None:
    """Vietnamese letters take two or three bytes: 22 «ễ» are 66 bytes."""
    with pytest.raises(ValueError, match="64 bytes"):
        Reply("Chọn", choice_data=("ễ" * 22,))


def test_the_router_stamp_is_checked_too() -> None:
    """The router stamps a token on every choice with `replace`: the stamped data is checked."""
    value = "v" * 60
    reply = Reply("Chọn", (Choice("A", value),))
    with pytest.raises(ValueError, match="64 bytes"):
        replace(reply, choice_data=(f"a1b2c3:{value}",))
