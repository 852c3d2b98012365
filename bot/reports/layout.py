"""The administrative document layout of Nghị định 30/2020/NĐ-CP, with python-docx.

A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman, black,
body 14 pt; page numbers centred in the top margin from page 2 on; the header block (issuing
body and national title side by side), the number line, place and date, the document type and
subject, and at the end "Nơi nhận" beside the signer's title.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 14
SMALL_PT = 12  # tables and "Nơi nhận" heading
TINY_PT = 11  # the "Nơi nhận" list
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(20), Mm(20), Mm(30), Mm(15)
HEADER_DISTANCE = Mm(10)  # the page number sits in the top margin
TEXT_WIDTH_MM = 210 - 30 - 15
# The header block is a little wider than the text (centred, 3.5 mm into each margin), so that
# "UBND THÀNH PHỐ ĐÀ NẴNG" and the national title each fit on one line at 13 pt.
HEADER_WIDTH_MM = TEXT_WIDTH_MM + 7
LEFT_COLUMN_MM = 72  # the issuing body; the national title takes the rest
BLACK = RGBColor(0, 0, 0)
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
ROWS_PER_FRAGMENT = 500
TABLE_TEXT, TABLE_TEXT_ID = "Table Text", "TableText"  # the style of table cells


@dataclass(frozen=True)
class Letterhead:
    """The settings a document's header and signature come from."""

    parent_body: str  # "UBND THÀNH PHỐ ĐÀ NẴNG"
    issuing_body: str  # "SỞ NỘI VỤ"
    place: str  # "Đà Nẵng"
    number_suffix: str  # "SNV" in "Số: /BC-SNV"
    signer_title: str  # the department's signer: "GIÁM ĐỐC"
    division_signer_title: str  # a division's summary: "TRƯỞNG PHÒNG"
    recipients: tuple[str, ...]  # "Nơi nhận" list, "Lưu: VT" last


def new_document() -> DocxDocument:
    """An empty A4 portrait document with the margins, font and page numbers set."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.header_distance = section.footer_distance = HEADER_DISTANCE
    _fonts(doc)
    table_text = doc.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = doc.styles["Normal"]
    table_text.font.size = Pt(SMALL_PT)
    table_text.paragraph_format.space_before = table_text.paragraph_format.space_after = Pt(0)
    # Page 1 carries no number; from page 2 on, the number is centred in the top margin.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(number)
    return doc


def _fonts(doc: DocxDocument) -> None:
    """Times New Roman, black, 14 pt everywhere (document defaults and the styles used)."""
    for name in ("Normal", "Header", "Footer", "Table Grid"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        font = style.font
        font.name = FONT
        font.size = Pt(BODY_PT)
        font.color.rgb = BLACK
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before = Pt(0)
    normal.space_after = Pt(6)
    normal.line_spacing = 1.0
    # Theme fonts in the defaults would win where a run names no font: name ours there too.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is None:
                fonts = OxmlElement("w:rFonts")
                rpr.insert(0, fonts)
            for attr in list(fonts.attrib):
                del fonts.attrib[attr]
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(attr), FONT)


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field (the page number) in its own run."""
    run = paragraph.add_run()
    begin, instruction, separate, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    shown = OxmlElement("w:t")
    shown.text = "2"
    for element in (begin, instruction, separate, shown, end):
        run._r.append(element)
    run.font.size = Pt(BODY_PT)


def text(
    paragraph: Paragraph,
    words: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: int = BODY_PT,
) -> Paragraph:
    """Add a run of text to a paragraph."""
    run = paragraph.add_run(words)
    run.bold = bold
    run.italic = italic
    run.font.size = Pt(size)
    return paragraph


def _tight(paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER) -> None:
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = None
    paragraph.alignment = align


def rule(cell_or_doc: _Cell | DocxDocument, length_mm: float, width_mm: float) -> Paragraph:
    """A short horizontal rule (nét liền) of `length_mm`, centred in a space `width_mm` wide.

    Drawn as the bottom border of an empty, tiny paragraph indented from both sides: Word and
    LibreOffice both render it, and it stays under the line above when the text is edited.
    """
    paragraph = cell_or_doc.add_paragraph()
    _tight(paragraph)
    side = Mm(max(0.0, (width_mm - length_mm) / 2))
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    paragraph.paragraph_format.line_spacing = Pt(5)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    run = paragraph.add_run("")
    run.font.size = Pt(2)
    return paragraph


def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _widths(table: Table, widths_mm: Sequence[float]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def two_columns(
    doc: DocxDocument, left_mm: float, width_mm: float = TEXT_WIDTH_MM
) -> tuple[_Cell, _Cell]:
    """A borderless two-column table, centred; its two (empty) cells."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, (left_mm, width_mm - left_mm))
    left, right = table.rows[0].cells
    return left, right


def _cell_line(cell: _Cell, words: str, *, first: bool = False, **style: object) -> Paragraph:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    _tight(paragraph)
    return text(paragraph, words, **style)  # type: ignore[arg-type]


def header_block(doc: DocxDocument, letterhead: Letterhead, year: int) -> None:
    """Issuing body, number line / national title, motto, place and date (Phụ lục I, ô 1–4)."""
    left, right = two_columns(doc, LEFT_COLUMN_MM, HEADER_WIDTH_MM)
    _cell_line(left, letterhead.parent_body.upper(), first=True, size=13)
    _cell_line(left, letterhead.issuing_body.upper(), bold=True, size=13)
    rule(left, LEFT_COLUMN_MM / 3, LEFT_COLUMN_MM)
    # The number is left blank for the văn thư, who numbers documents when they are issued.
    number = _cell_line(left, f"Số:        /BC-{letterhead.number_suffix}", size=13)
    number.paragraph_format.space_before = Pt(6)
    right_mm = HEADER_WIDTH_MM - LEFT_COLUMN_MM
    _cell_line(right, NATIONAL_TITLE, first=True, bold=True, size=13)
    _cell_line(right, MOTTO, bold=True, size=14)
    rule(right, 62, right_mm)
    # The day and month are written when the document is signed.
    date_line = _cell_line(
        right, f"{letterhead.place}, ngày …… tháng …… năm {year}", italic=True, size=14
    )
    date_line.paragraph_format.space_before = Pt(6)


def title(doc: DocxDocument, kind: str, subject: Sequence[str]) -> None:
    """The document type ("BÁO CÁO") bold and centred, the subject under it, a short rule."""
    heading = doc.add_paragraph()
    _tight(heading)
    heading.paragraph_format.space_before = Pt(18)
    text(heading, kind, bold=True)
    for line in subject:
        paragraph = doc.add_paragraph()
        _tight(paragraph)
        text(paragraph, line, bold=True)
    rule(doc, 40, TEXT_WIDTH_MM).paragraph_format.space_after = Pt(12)


def heading(doc: DocxDocument, words: str) -> Paragraph:
    """A section heading of the body ("I. KẾT QUẢ …", "1. …"): bold, indented like the text."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Mm(12.7)
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return text(paragraph, words, bold=True)


def body(doc: DocxDocument, words: str = "", *, italic: bool = False) -> Paragraph:
    """A paragraph of the body: justified, first line indented 1.27 cm."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Mm(12.7)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if words:
        text(paragraph, words, italic=italic)
    return paragraph


def grid(
    doc: DocxDocument,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_mm: Sequence[float],
    *,
    size: int = SMALL_PT,
) -> Table:
    """A bordered table: a bold header row repeated on every page, then the rows.

    Rows are built as XML directly: python-docx's cell access is slow on long tables, and a
    department-wide summary lists every official.
    """
    table: Table = doc.add_table(rows=1, cols=len(header))
    table.style = doc.styles["Table Grid"]
    _widths(table, widths_mm)
    head = table.rows[0]
    head_pr = head._tr.get_or_add_trPr()
    head_pr.append(OxmlElement("w:cantSplit"))
    head_pr.append(OxmlElement("w:tblHeader"))
    for cell, label in zip(head.cells, header, strict=True):
        _cell_line(cell, label, first=True, bold=True, size=size)
    # Rows as XML fragments parsed a chunk at a time: creating elements one by one is slow, and
    # one fragment for a 20,000-row table would hold its whole text twice in memory.
    for at in range(0, len(rows), ROWS_PER_FRAGMENT):
        body = "".join(_row_xml(row, size) for row in rows[at : at + ROWS_PER_FRAGMENT])
        fragment = parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>")
        for tr in list(fragment):
            table._tbl.append(tr)
    return table


def _row_xml(row: Sequence[str], size: int) -> str:
    """One table row (never split across pages), its text escaped. Widths come from the table's
    grid and spacing and size from the "Table Text" style, so a cell is four elements: a long
    table's memory is mostly these."""
    run_size = "" if size == SMALL_PT else f'<w:rPr><w:sz w:val="{size * 2}"/></w:rPr>'
    cells = "".join(
        "<w:tc>"
        + "".join(
            f'<w:p><w:pPr><w:pStyle w:val="{TABLE_TEXT_ID}"/></w:pPr><w:r>{run_size}'
            f'<w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
            for line in (value.split("\n") or [""])
        )
        + "</w:tc>"
        for value in row
    )
    return f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>"


def closing(
    doc: DocxDocument,
    recipients: Sequence[str],
    signer_title: Sequence[str],
    signer_name: str = "",
) -> None:
    """ "Nơi nhận:" and its list bottom left; the signer's title (and name) bottom right."""
    doc.add_paragraph()
    left, right = two_columns(doc, 80)
    _cell_line(
        left, "Nơi nhận:", first=True, bold=True, italic=True, size=SMALL_PT
    ).alignment = WD_ALIGN_PARAGRAPH.LEFT
    for index, recipient in enumerate(recipients):
        end = "." if index == len(recipients) - 1 else ";"
        _cell_line(left, f"- {recipient}{end}", size=TINY_PT).alignment = WD_ALIGN_PARAGRAPH.LEFT
    for index, line in enumerate(signer_title):
        _cell_line(right, line.upper(), first=index == 0, bold=True, size=BODY_PT)
    # Room for the signature (and the seal), then the name, written by the signer if blank.
    for _ in range(4):
        _cell_line(right, "")
    _cell_line(right, signer_name, bold=True, size=BODY_PT)
