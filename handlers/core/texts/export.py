"""Catalog texts of /xuat (/export), the supervisors' Excel export: (Vietnamese, English)."""

from __future__ import annotations

EXPORT_TEXTS: dict[str, tuple[str, str]] = {
    "export.not_supervisor": (
        "Lệnh /xuat dành cho lãnh đạo phụ trách phòng hoặc tổ công tác.",
        "/export is for supervisors of a division or a working group.",
    ),
    "export.ask_period": (
        "Anh/chị muốn xuất Excel kỳ nào? Chọn bên dưới, hoặc gõ ngày, ví dụ: "
        "/xuat 01/11/2026 30/11/2026 (thêm mã phòng ở cuối để chỉ xuất một phòng).",
        "Which period should be exported? Pick one below, or type dates, e.g. "
        "/export 01/11/2026 30/11/2026 (add a division code at the end for one division).",
    ),
    "export.this_week": ("Tuần này", "This week"),
    "export.last_week": ("Tuần trước", "Last week"),
    "export.this_month": ("Tháng này", "This month"),
    "export.last_month": ("Tháng trước", "Last month"),
    "export.this_wave": ("Đợt này", "This wave"),
    "export.usage": (
        "Chưa hiểu «{args}». /xuat nhận một kỳ: tuần này, tuần trước, tháng này, tháng trước, "
        "đợt này, hoặc hai ngày (/xuat 01/11/2026 30/11/2026); thêm mã phòng ở cuối để chỉ "
        "xuất một phòng ({codes}), ví dụ /xuat tháng này TCBC. Gõ /xuat để chọn kỳ bằng nút.",
        "I could not read «{args}». /export takes a period: this week, last week, this month, "
        "last month, this wave, or two dates (/export 01/11/2026 30/11/2026); add a division "
        "code at the end for one division ({codes}), e.g. /export this month TCBC. Type /export "
        "to pick a period.",
    ),
    "export.reversed": (
        "Ngày bắt đầu {first} sau ngày kết thúc {last}. Anh/chị vui lòng gõ lại.",
        "The start {first} is after the end {last}. Please type it again.",
    ),
    "export.no_wave": (
        "Hôm nay không thuộc đợt biệt phái nào. Anh/chị hãy chọn tháng hoặc gõ ngày.",
        "Today is in no secondment wave. Pick a month or type dates.",
    ),
    "export.not_your_division": (
        "Anh/chị không phụ trách {division} nên không xuất được dữ liệu của phòng này.",
        "You do not supervise {division}, so its data cannot be exported.",
    ),
    "export.unknown_division": (
        "Không có phòng mã {code}. Mã phòng: {codes}.",
        "There is no division with code {code}. Division codes: {codes}.",
    ),
    "export.done": (
        "Tệp Excel {first}–{last}, phạm vi: {scope}: {officials} cán bộ, {entries} nhật ký, "
        "{difficulties} khó khăn.",
        "Excel file {first}–{last}, scope: {scope}: {officials:official|officials}, "
        "{entries:entry|entries}, {difficulties:difficulty|difficulties}.",
    ),
    "export.building": (
        "Đang lập tệp Excel {first}–{last}, phạm vi: {scope}… Tệp sẽ được gửi đến anh/chị ngay "
        "khi xong; trong lúc chờ, anh/chị vẫn dùng bot bình thường.",
        "Preparing the Excel file {first}–{last}, scope: {scope}… It will be sent to you as soon "
        "as it is ready; meanwhile the bot works as usual.",
    ),
    "export.failed": (
        "Chưa lập được tệp Excel {first}–{last}. Anh/chị vui lòng gõ /xuat để thử lại; nếu vẫn "
        "không được, xin báo quản trị viên.",
        "The Excel file {first}–{last} could not be prepared. Please type /export to try again; "
        "if it still fails, tell the administrator.",
    ),
    "export.empty": (
        "Tệp Excel {first}–{last}, phạm vi: {scope}: không có dữ liệu trong kỳ này "
        "(tệp chỉ có tiêu đề).",
        "Excel file {first}–{last}, scope: {scope}: no data in this period (headers only).",
    ),
    "help.xuat": (
        "/xuat (hoặc /export) — xuất Excel nhật ký, khó khăn, chuyên cần, công tác phí",
        "/export (or /xuat) — Excel export: entries, difficulties, attendance, per-diem",
    ),
}
