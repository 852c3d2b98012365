"""Catalog texts of the reports in the state's document format (/baocao tháng): (vi, en)."""

from __future__ import annotations

REPORT_TEXTS: dict[str, tuple[str, str]] = {
    "report.preparing": (
        "Đang lập báo cáo {period} (tệp Word). Bot sẽ gửi tệp ngay khi xong, thường trong "
        "vòng một phút.",
        "Drafting the report for {period} (a Word file). It will be sent as soon as it is ready, "
        "usually within a minute.",
    ),
    "report.caption_official": (
        "Dự thảo báo cáo kết quả công tác biệt phái {period} của anh/chị, lập từ nhật ký đã ghi. "
        "Anh/chị xem, chỉnh sửa rồi ký.",
        "The draft of your secondment report for {period}, drafted from your work log. Review "
        "it, edit it and sign it.",
    ),
    "report.caption_summary": (
        "Dự thảo báo cáo tổng hợp {period} — {scope}, lập từ dữ liệu của cán bộ biệt phái. "
        "Anh/chị xem, chỉnh sửa phần «Đề xuất, kiến nghị» rồi trình ký.",
        "The draft summary report for {period} — {scope}, drafted from the officials' data. "
        "Review it, edit «Đề xuất, kiến nghị» (proposals) and have it signed.",
    ),
    "report.monthly_caption": (
        "Báo cáo tổng hợp {period} — {scope} (dự thảo, gửi tự động ngày làm việc đầu tháng). "
        "Anh/chị xem, chỉnh sửa phần «Đề xuất, kiến nghị» rồi trình ký.",
        "The summary report for {period} — {scope} (a draft, sent on the first working day of "
        "the month). Review it, edit «Đề xuất, kiến nghị» (proposals) and have it signed.",
    ),
    "report.no_wave": (
        "Hôm nay không thuộc đợt biệt phái nào. Anh/chị gõ /baocao tháng hoặc /baocao tháng "
        "trước để nhận báo cáo theo tháng.",
        "Today is in no secondment wave. Type /digest month or /digest last month for a "
        "monthly report.",
    ),
    "report.not_allowed": (
        "Báo cáo theo mẫu dành cho cán bộ biệt phái (báo cáo của mình) và lãnh đạo (báo cáo "
        "tổng hợp). Gõ /trogiup để xem những gì anh/chị có thể làm.",
        "Reports are for seconded officials (their own) and supervisors (a summary). Type "
        "/help to see what you can do.",
    ),
    "report.official_usage": (
        "Báo cáo tổng hợp ngày, tuần dành cho lãnh đạo. Anh/chị gõ /baocao tháng (tháng này), "
        "/baocao tháng trước (tháng trước) hoặc /baocao đợt (đợt này) để nhận dự thảo báo cáo "
        "kết quả công tác của mình (tệp Word).",
        "Daily and weekly digests are for supervisors. Type /digest month (this month), "
        "/digest last month or /digest wave (this wave) for the draft of your own report "
        "(a Word file).",
    ),
    "help.baocao_official": (
        "/baocao tháng (hoặc /digest month) — dự thảo báo cáo kết quả công tác của anh/chị theo "
        "mẫu (tệp Word) cho tháng này; /baocao tháng trước, /baocao đợt cho tháng trước, cả đợt",
        "/digest month (or /baocao tháng) — the draft of your report in the official format (a "
        "Word file) for this month; /digest last month, /digest wave for last month, the wave",
    ),
    "zalo.report_note": (
        "(Zalo chưa gửi được tệp Word; anh/chị nhận báo cáo qua Telegram hoặc nhờ quản trị viên "
        "lập bằng lệnh bietphai report.)",
        "(Zalo cannot deliver the Word file; get the report on Telegram or ask the administrator "
        "to run bietphai report.)",
    ),
}
