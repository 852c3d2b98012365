"""November 2026 as the sample organisation lived it, for the report tests.

An (XDCQ, Xã Hòa Vang Tây) logs four days, one line twice in different spacing, one entry with
a photo, takes two days of leave, raises an urgent difficulty that Thu answers and a question
for leadership nobody has answered; Bình writes the longest entry on "Tổ chức bộ máy"; working
group 1 visits Hòa Vang Tây with one follow-up item; a group from the commune studies at the
department in the week of 16/11.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.oxml.ns import qn

from bot.reports import Letterhead
from storage import Database, followups, leave, study, visits, worklog
from storage.followups import NewFollowUp
from storage.org_import import resolve_person
from storage.study import NewPart
from storage.worklog import NewAttachment
from tests.chat import Chat, local
from tests.helpers.difficulty import THU, raise_urgent
from tests.helpers.sample import AN, THANH, MakeChat

BINH = "Trần Thị Bình"
XUAN = "Đinh Văn Xuân"  # commune contact
NOV_FIRST, NOV_LAST = date(2026, 11, 1), date(2026, 11, 30)
DRAFTED = local("2026-12-01 08:00")
MEETING = "Họp với UBND xã về sắp xếp tổ chức bộ máy"
LONGEST = (
    "Chủ trì buổi làm việc với Thường trực HĐND, UBND xã về phương án sắp xếp các phòng chuyên "
    "môn, thống nhất lộ trình và phân công cán bộ phụ trách từng phần việc"
)
DIFFICULTY = "Xã chưa có hướng dẫn bố trí công chức địa chính"
ANSWER = "Áp dụng Công văn 12/SNV ngày 01/11/2026"
QUESTION = "Xin ý kiến về việc bố trí người hoạt động không chuyên trách ở thôn"
LETTERHEAD = Letterhead(
    parent_body="UBND THÀNH PHỐ ĐÀ NẴNG",
    issuing_body="SỞ NỘI VỤ",
    place="Đà Nẵng",
    number_suffix="SNV",
    signer_title="KT. GIÁM ĐỐC;PHÓ GIÁM ĐỐC",
    division_signer_title="TRƯỞNG PHÒNG",
    recipients=("Lãnh đạo Sở", "Lưu: VT"),
)


@dataclass(frozen=True)
class November:
    """Who is who in the story."""

    an_id: int
    difficulty: int
    question: int
    an: Chat
    thu: Chat


async def raise_question(chat: Chat, text: str) -> int:
    """Raise a normal question for leadership through /khokhan; returns its id."""
    await chat.say("/khokhan")
    if "Nêu khó khăn mới" in chat.buttons:
        await chat.press("Nêu khó khăn mới")
    await chat.press("Người hoạt động không chuyên trách")
    await chat.press("Xin ý kiến chỉ đạo")
    await chat.press("Thường")
    reply = await chat.say(text)
    assert "Đã ghi nhận KK-" in reply, reply
    return int(reply.split("KK-")[1][:4])


async def november(linked_chat: MakeChat, db: Database) -> November:
    """Write the month (see the module docstring)."""
    an, thu = await linked_chat(AN), await linked_chat(THU)
    await linked_chat(THANH)
    async with db.transaction() as tx:
        an_id, binh_id = await resolve_person(tx, AN), await resolve_person(tx, BINH)
        thu_id, xuan_id = await resolve_person(tx, THU), await resolve_person(tx, XUAN)
        entries = [
            (an_id, "XA01", "2026-11-03", "bomay", MEETING, ()),
            (
                an_id,
                "XA01",
                "2026-11-04",
                "bomay",
                "  họp với UBND xã về  sắp xếp tổ chức bộ máy",
                (),
            ),
            (
                an_id,
                "XA01",
                "2026-11-05",
                "vitri",
                "Hướng dẫn rà soát vị trí việc làm của 12 công chức",
                (NewAttachment("photo", "photo-file-1"), NewAttachment("photo", "photo-file-2")),
            ),
            (an_id, "XA01", "2026-11-06", "khac", "Tiếp công dân cùng lãnh đạo xã", ()),
            (binh_id, "XA02", "2026-11-03", "bomay", LONGEST, ()),
            (binh_id, "XA02", "2026-11-04", "bomay", "Họp giao ban", ()),
        ]
        for person, commune, day, topic, text, files in entries:
            sent = local(f"{day} 16:00")
            await worklog.add_work_log(
                tx,
                person_id=person,
                commune_code=commune,
                work_date=date.fromisoformat(day),
                topic=topic,
                text=text,
                channel="telegram",
                sent_at=sent,
                now=sent,
                attachments=files,
            )
        await leave.add_leave(
            tx,
            an_id,
            date(2026, 11, 10),
            date(2026, 11, 11),
            "Việc gia đình",
            local("2026-11-09 08:00"),
        )
        [group] = await visits.groups_led_by(tx, thu_id)
        visit = await visits.add_visit(
            tx,
            group_id=group.id,
            commune_code="XA01",
            day=date(2026, 11, 12),
            agenda="Kiểm tra việc sắp xếp bộ máy",
            planned_by=thu_id,
            member_ids=[an_id],
            now=local("2026-11-09 09:00"),
        )
        await followups.record_outcome(
            tx,
            visit,
            reviewed="Hồ sơ sắp xếp bộ máy",
            findings="Xã đã bố trí đủ công chức văn phòng",
            by=thu_id,
            now=local("2026-11-12 16:00"),
            items=[
                NewFollowUp("Bổ sung quy chế làm việc", "commune", "XA01", None, date(2026, 11, 30))
            ],
        )
        await study.put_contact_commune(tx, xuan_id, "XA01")
        week = date(2026, 11, 16)
        _, [part] = await study.add_request(
            tx,
            commune_code="XA01",
            contact_id=xuan_id,
            topic="Cải cách thủ tục hành chính",
            preferred_weeks=[week],
            participants=[("Lê Văn Tư", "Chủ tịch UBND xã"), ("Mai Thị Năm", "Văn phòng")],
            parts=[NewPart("XDCQ", week, week)],
            now=local("2026-11-05 09:00"),
        )
        await study.confirm(
            tx, part, by=thu_id, week=week, place="Sở Nội vụ", now=local("2026-11-06 09:00")
        )
    difficulty = await raise_urgent(an.at("2026-11-05 10:00"), DIFFICULTY)
    await thu.at("2026-11-05 11:00").press_data(f"k:answer:{difficulty}")
    assert "KK-" in await thu.say(ANSWER)
    question = await raise_question(an.at("2026-11-06 10:00"), QUESTION)
    return November(an_id, difficulty, question, an, thu)


def docx_text(content: bytes) -> str:
    """Every text of a .docx (body, tables, in order), one paragraph per line."""
    doc = Document(io.BytesIO(content))
    lines = []
    for paragraph in doc.element.body.iter(qn("w:p")):
        lines.append("".join(t.text or "" for t in paragraph.iter(qn("w:t"))))
    return "\n".join(lines)
