"""Reports in the state's document format: what they say, and every point of the layout checked
on the generated file (python-docx reading the XML back) and on its PDF (real LibreOffice)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from bot.reports import ReportRequest, build_report, period_label
from storage import Database
from storage.org_import import resolve_person
from tests.helpers import office
from tests.helpers.difficulty import TAM
from tests.helpers.reports import (
    ANSWER,
    DIFFICULTY,
    DRAFTED,
    LETTERHEAD,
    LONGEST,
    MEETING,
    NOV_FIRST,
    NOV_LAST,
    QUESTION,
    November,
    docx_text,
    november,
)
from tests.helpers.sample import MakeChat

NOVEMBER = "tháng 11/2026"


async def build(db: Database, request: ReportRequest) -> bytes:
    """The report as the CLI and the chat build it."""
    async with db.read() as tx:
        return await build_report(tx, request, LETTERHEAD, DRAFTED, "Asia/Ho_Chi_Minh")


@pytest.fixture
async def story(linked_chat: MakeChat, org_db: Database) -> November:
    return await november(linked_chat, org_db)


def test_the_period_is_named_as_people_say_it() -> None:
    from datetime import date

    assert period_label(NOV_FIRST, NOV_LAST) == NOVEMBER
    wave = ("Đợt 2", date(2026, 11, 2), date(2026, 12, 25))
    assert period_label(date(2026, 11, 2), date(2026, 12, 25), wave) == (
        "Đợt 2 (02/11/2026 – 25/12/2026)"
    )
    assert period_label(date(2026, 11, 3), date(2026, 11, 20)) == (
        "từ ngày 03/11/2026 đến ngày 20/11/2026"
    )


async def test_an_officials_report_has_the_work_by_topic_difficulties_proposals_and_days(
    story: November, org_db: Database
) -> None:
    content = await build(
        org_db, ReportRequest(NOV_FIRST, NOV_LAST, NOVEMBER, person_id=story.an_id)
    )
    text = docx_text(content)
    assert "Kết quả công tác biệt phái tháng 11/2026" in text
    assert "Tôi là Nguyễn Văn An, Phòng Xây dựng chính quyền" in text
    # Work grouped by topic, texts as written, the repeated line merged with both its dates.
    assert "a) Tổ chức bộ máy HĐND và UBND (2 nhật ký)" in text
    assert f"- {MEETING} (ngày 03/11 và 04/11/2026)." in text
    assert text.lower().count(MEETING.lower()) == 1
    assert "b) Vị trí việc làm (1 nhật ký)" in text and "c) Khác (1 nhật ký)" in text
    # Someone else's work is not in An's report.
    assert LONGEST not in text
    # Attendance: 20 working days from 02/11 (24/11 is a public holiday), 2 of leave, 4 logged.
    assert "Số ngày làm việc trong thời gian biệt phái: 20 ngày" in text
    assert "4/18 ngày phải báo cáo (tỷ lệ 22,2 %); nghỉ phép: 2 ngày" in text
    assert "Số ngày công tác tại xã (tính công tác phí): 4 ngày" in text
    # The difficulty and how it was answered; the question still open becomes a proposal.
    assert f"KK-{story.difficulty:04d} (khó khăn, vướng mắc, ngày 05/11/2026" in text
    assert f"Trả lời: {ANSWER}" in text
    proposals = text.split("ĐỀ XUẤT, KIẾN NGHỊ")[1]
    assert f"- {QUESTION} (KK-{story.question:04d}, Xã Hòa Vang Tây)." in proposals
    # Answered but not confirmed resolved: still open, so the drafter decides.
    assert f"- {DIFFICULTY} (KK-{story.difficulty:04d}, Xã Hòa Vang Tây; đã trả lời)." in proposals
    # Photos as a smaller appendix.
    assert "PHỤ LỤC: NHẬT KÝ CÓ ẢNH KÈM THEO" in text
    assert "Hướng dẫn rà soát vị trí việc làm của 12 công chức\n2" in text
    assert "NGƯỜI BÁO CÁO" in text and text.rstrip().endswith("Nguyễn Văn An")
    assert "Phòng Xây dựng chính quyền;" in text  # the official's division among the recipients


async def test_the_department_summary_has_every_part_the_director_needs(
    story: November, org_db: Database
) -> None:
    content = await build(org_db, ReportRequest(NOV_FIRST, NOV_LAST, NOVEMBER))
    text = docx_text(content)
    assert "Kết quả công tác của cán bộ, công chức biệt phái\ntháng 11/2026 (toàn Sở)" in text
    # Assignments: who where.
    assert (
        "Nguyễn Văn An\nPhòng Xây dựng chính quyền\nXã Hòa Vang Tây\n02/11/2026 – 25/12/2026"
        in (text)
    )
    # Reporting rate over the scope, main work per topic with counts and examples.
    assert "Tỷ lệ báo cáo: 6/" in text and "tổng số 6 nhật ký" in text
    assert "1. Tổ chức bộ máy HĐND và UBND: 4 nhật ký" in text
    assert "Theo xã: Xã Hòa Vang Tây: 2, Xã Suối Mây: 2." in text
    # The example rule: the longest entries, one per official; Bình's long one comes first.
    topic = text.split("1. Tổ chức bộ máy HĐND và UBND")[1].split("2. ")[0]
    # An wrote the same line twice; the more recent (lower-case) one stands for him.
    assert topic.index(LONGEST) < topic.lower().index(MEETING.lower())
    assert "Họp giao ban" not in topic  # Bình's shorter entry gives way to her longest
    # Difficulties by topic with status, the median first response, unanswered questions.
    assert "Trong kỳ nêu 2 khó khăn, vướng mắc và đề nghị xin ý kiến; đã giải quyết 0" in text
    assert "thời gian phản hồi đầu tiên (trung vị): 1,0 giờ" in text
    assert "Quản lý công chức, viên chức\n1\nĐã trả lời: 1" in text
    unanswered = text.split("2. Xin ý kiến chỉ đạo chưa được trả lời")[1].split("IV.")[0]
    assert f"KK-{story.question:04d} (06/11/2026, Nguyễn Văn An, Xã Hòa Vang Tây): {QUESTION}" in (
        unanswered
    )
    assert DIFFICULTY not in unanswered
    # Working-group visits and their follow-ups; study visits hosted; per-diem per official.
    assert "Tổ công tác số 1 đến Xã Hòa Vang Tây ngày 12/11/2026" in text
    assert "Bổ sung quy chế làm việc (giao UBND Xã Hòa Vang Tây; hạn 30/11/2026)" in text
    assert "HT-0001: Xã Hòa Vang Tây, 2 người, Phòng Xây dựng chính quyền, tuần từ 16/11/2026" in (
        text
    )
    assert "Nguyễn Văn An\nXã Hòa Vang Tây\n18\n4\n2\n4" in text
    # Proposals start from what is open; signed by the department's signer, name left blank.
    proposals = text.split("VII. ĐỀ XUẤT, KIẾN NGHỊ")[1]
    assert QUESTION in proposals and DIFFICULTY in proposals
    assert "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC" in proposals
    assert "Nơi nhận:\n- Lãnh đạo Sở;\n- Lưu: VT." in proposals


async def test_a_division_heads_summary_stays_in_scope_and_is_signed_by_the_division(
    story: November, org_db: Database
) -> None:
    async with org_db.read() as tx:
        tam = await resolve_person(tx, TAM)
    request = ReportRequest(
        NOV_FIRST, NOV_LAST, NOVEMBER, supervisor_id=tam, scope_label="x", division_signer=True
    )
    text = docx_text(await build(org_db, request))
    assert "Nguyễn Văn An" not in text and LONGEST not in text  # XDCQ is Thu's, not Tâm's
    assert "Bùi Thị Lan" in text  # TCBC is Tâm's
    assert "TRƯỞNG PHÒNG" in text and "GIÁM ĐỐC" not in text


# --- The layout, point by point, on the generated file -------------------------------------


def _mm(value: int | None) -> float:
    assert value is not None
    return value / 36000


def _runs(paragraph: Paragraph) -> Iterator[object]:
    yield from paragraph.runs


def _body_tables(doc: DocxDocument) -> list[Table]:
    return list(doc.tables)


def check_layout(content: bytes, signer: str) -> None:
    """Every point of the format, on the file as Word and LibreOffice read it."""
    doc = Document(io.BytesIO(content))
    section = doc.sections[0]
    assert len(doc.sections) == 1
    # A4 portrait and the margins of Nghị định 30/2020.
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert abs(_mm(section.page_width) - 210) < 0.5 and abs(_mm(section.page_height) - 297) < 0.5
    assert 20 <= round(_mm(section.top_margin)) <= 25
    assert 20 <= round(_mm(section.bottom_margin)) <= 25
    assert 30 <= round(_mm(section.left_margin)) <= 35
    assert 15 <= round(_mm(section.right_margin)) <= 20
    # Times New Roman, black, body 13–14 pt: the style and every run that overrides it.
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size in (Pt(13), Pt(14))
    assert str(normal.font.color.rgb) == "000000"
    fonts = normal.element.rPr.rFonts
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(attr)) == "Times New Roman"
    for element in doc.element.body.iter(qn("w:rFonts")):
        assert set(element.attrib.values()) <= {"Times New Roman"}
    for color in doc.element.body.iter(qn("w:color")):
        assert color.get(qn("w:val")) in ("000000", "auto")
    for paragraph in doc.paragraphs:  # the body outside tables
        if paragraph.text.strip():
            for run in paragraph.runs:
                assert run.font.size in (None, Pt(13), Pt(14)), paragraph.text
    # Page numbers: none on page 1, a centred PAGE field in the top margin from page 2.
    assert section.different_first_page_header_footer
    first_xml = section.first_page_header._element.xml
    assert "PAGE" not in first_xml
    number = section.header.paragraphs[0]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert " PAGE " in [t.text for t in number._p.iter(qn("w:instrText"))]
    assert _mm(section.header_distance) < _mm(section.top_margin)
    # The header block: a borderless two-column table first in the body.
    first = doc.element.body[0]
    assert first.tag == qn("w:tbl")
    header = _body_tables(doc)[0]
    assert len(header.columns) == 2
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    left, right = header.rows[0].cells
    parent, issuing, left_rule, number_line = left.paragraphs
    assert parent.text == "UBND THÀNH PHỐ ĐÀ NẴNG"
    assert issuing.text == "SỞ NỘI VỤ" and all(r.bold for r in issuing.runs)
    assert left_rule.text == "" and left_rule._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}") is not None
    assert " ".join(number_line.text.split()) == "Số: /BC-SNV"  # blank for the văn thư
    title, motto, right_rule, place_date = right.paragraphs
    assert title.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and all(r.bold for r in title.runs)
    assert motto.text == "Độc lập - Tự do - Hạnh phúc" and all(r.bold for r in motto.runs)
    assert right_rule._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}") is not None
    assert place_date.text.startswith("Đà Nẵng, ngày") and place_date.text.endswith("năm 2026")
    assert all(r.italic for r in place_date.runs)
    for paragraph in (*left.paragraphs, *right.paragraphs):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    # "BÁO CÁO" bold and centred, then the subject.
    kind = doc.paragraphs[0]
    assert kind.text == "BÁO CÁO" and all(r.bold for r in kind.runs)
    assert kind.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "tháng 11/2026" in " ".join(p.text for p in doc.paragraphs[1:3])
    # "Nơi nhận:" bottom left, the signer's title bottom right: the last table of the body.
    closing = _body_tables(doc)[-1]
    assert doc.element.body[-2] is closing._tbl  # then only the section properties
    recipients, signature = closing.rows[0].cells
    heading = recipients.paragraphs[0]
    assert heading.text == "Nơi nhận:" and all(r.bold and r.italic for r in heading.runs)
    assert heading.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert signature.paragraphs[0].text == signer
    assert all(r.bold for r in signature.paragraphs[0].runs)


async def test_both_reports_follow_the_format_and_print_as_a4_with_embedded_fonts(
    story: November, org_db: Database, tmp_path: Path
) -> None:
    official = await build(
        org_db, ReportRequest(NOV_FIRST, NOV_LAST, NOVEMBER, person_id=story.an_id)
    )
    summary = await build(org_db, ReportRequest(NOV_FIRST, NOV_LAST, NOVEMBER))
    check_layout(official, "NGƯỜI BÁO CÁO")
    check_layout(summary, "KT. GIÁM ĐỐC")
    for name, content in (("report-official", official), ("report-summary", summary)):
        source = tmp_path / f"{name}.docx"
        source.write_bytes(content)
        pdf = office.to_pdf(source, tmp_path)
        width, height = office.page_size_pt(pdf)
        assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1  # A4 portrait
        fonts = office.fonts(pdf)
        assert fonts and all(f.embedded for f in fonts), fonts
        # Times New Roman, or its metric-compatible twin where Microsoft's font is not installed.
        assert all("TimesNewRoman" in f.name or "LiberationSerif" in f.name for f in fonts), fonts
        page_one = office.text_of_page(pdf, 1)
        for words in (
            "UBND THÀNH PHỐ ĐÀ NẴNG",
            "SỞ NỘI VỤ",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "/BC-SNV",
            "Đà Nẵng, ngày",
            "BÁO CÁO",
        ):
            assert words in page_one, (words, page_one)
        pages = int(office.info(pdf)["Pages"])
        if pages > 1:
            assert office.text_of_page(pdf, 2).strip().startswith("2")  # the number on top
        office.screenshot(pdf, name)
