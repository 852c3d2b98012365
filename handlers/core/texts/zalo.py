"""Texts only the Zalo channel needs: it has no buttons, no contact sharing and no pictures."""

from __future__ import annotations

ZALO_TEXTS: dict[str, tuple[str, str]] = {
    "zalo.group_refusal": (
        "Bot chỉ làm việc trong tin nhắn riêng. Anh/chị vui lòng nhắn riêng cho bot để ghi "
        "nhật ký hoặc nêu khó khăn.",
        "The bot only works in private chats. Please message the bot directly.",
    ),
    "zalo.no_contact_button": (
        "Trên Zalo, anh/chị chỉ cần gửi mã mời (8 ký tự) thành một tin nhắn.",
        "On Zalo, just send your invite code (8 characters) as a message.",
    ),
    "zalo.reminder_hint": (
        "Gõ /nhatky để ghi nhật ký, hoặc /nghi nếu anh/chị nghỉ phép.",
        "Type /log to log your work, or /leave if you are on leave.",
    ),
    "zalo.chart_note": (
        "(Biểu đồ chỉ xem được trên Telegram; số liệu đầy đủ ở trên.)",
        "(The chart is only shown on Telegram; the figures are above.)",
    ),
    "zalo.file_link": (
        "Tải tệp Excel: {url}\n(Liên kết dùng được đến {time} ngày {day}.)",
        "Download the Excel file: {url}\n(The link works until {time} on {day}.)",
    ),
    "zalo.report_link": (
        "Tải báo cáo (tệp Word): {url}\n(Liên kết dùng được đến {time} ngày {day}.)",
        "Download the report (Word file): {url}\n(The link works until {time} on {day}.)",
    ),
    "zalo.document_note": (
        "(Zalo chưa gửi được tệp Excel; anh/chị nhận tệp qua Telegram hoặc nhờ quản trị viên "
        "xuất bằng lệnh bietphai export.)",
        "(Zalo cannot deliver the Excel file; get it on Telegram or ask the administrator to run "
        "bietphai export.)",
    ),
}
