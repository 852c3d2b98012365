"""Codes typed loosely (XA1, xa 3) mean the one code that fits, in every command."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from handlers.core.codes import match_code
from tests.helpers.difficulty import THU, raise_urgent
from tests.helpers.sample import AN, MakeChat
from tests.helpers.study import XUAN


def test_a_code_without_its_zero_means_the_one_code_that_fits() -> None:
    codes = ["XA01", "XA03", "XA10"]
    assert [match_code(typed, codes) for typed in ("xa1", "XA 3", "Xa-03", "xa10")] == [
        "XA01",
        "XA03",
        "XA03",
        "XA10",
    ]
    assert match_code("xa2", codes) is None
    assert match_code("hoa vang", codes) is None
    # Two codes that read the same loosely: neither is guessed, the exact one still works.
    assert match_code("xa 001", ["XA1", "XA01"]) is None
    assert match_code("xa01", ["XA1", "XA01"]) == "XA01"
    assert match_code("xa1", ["XA1", "XA01"]) == "XA1"


async def test_dskhokhan_filters_by_a_commune_code_typed_without_the_zero(
    linked_chat: MakeChat,
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    await raise_urgent(an)  # Xã Hòa Vang Tây, XA01
    for words in ("xa1", "XA 1", "xa1 gấp"):
        assert "KK-0001" in await thu.say(f"/dskhokhan {words}"), words
    assert "Không có khó khăn" in await thu.say("/dskhokhan xa2")


async def test_tocongtac_takes_a_commune_code_typed_without_the_zero(
    linked_chat: MakeChat,
) -> None:
    thu = await linked_chat(THU)  # leads working group 1 (XA01-XA06)
    assert (await thu.say("/tocongtac xa3")).startswith("Tổ đến Xã Đèo Gió ngày nào?")


async def test_a_commune_contact_types_the_code_without_the_zero(linked_chat: MakeChat) -> None:
    xuan = await linked_chat(XUAN)
    assert "đầu mối của xã/phường nào" in await xuan.say("/hoctap")
    reply = await xuan.say("xa 8")
    assert "Đã gửi quản trị viên đề nghị xác nhận anh/chị là đầu mối của Xã Pa Lang." in reply


def test_export_commune_takes_a_loose_code_or_a_name_without_diacritics(
    sample_org: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    period = ["--from", "01/11/2026", "--to", "30/11/2026"]
    for typed in ("xa1", "XA 01", "xa hoa vang tay"):
        out_file = str(tmp_path / f"{typed}.xlsx")
        assert main(["export", *period, "-o", out_file, "--commune", typed]) == 0, typed
        assert "Xã Hòa Vang Tây" in capsys.readouterr().out
    assert main(["export", *period, "-o", str(tmp_path / "x.xlsx"), "--commune", "xa99"]) == 1
    assert capsys.readouterr().err == "Lỗi: không có xã 'xa99'\n"
