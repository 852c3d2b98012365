"""Catalog texts of reminders and escalations: (Vietnamese, English)."""

from __future__ import annotations

SCHEDULE_TEXTS: dict[str, tuple[str, str]] = {
    "reminder.first": (
        "Chào {name}, hôm nay ({day}) anh/chị chưa ghi nhật ký công tác. "
        "Anh/chị gõ vài dòng về công việc trong ngày để ghi.",
        "Hello {name}, you have not logged your work today ({day}) yet. Type a few lines about "
        "today's work to log it.",
    ),
    "reminder.follow_up": (
        "Nhắc lại: nhật ký công tác ngày {day} của anh/chị vẫn chưa có. Nếu hôm nay anh/chị "
        "nghỉ phép, hãy báo để bot không nhắc nữa.",
        "Reminder: your work log for {day} is still missing. If you are on leave today, say so "
        "and the bot stops reminding you.",
    ),
    "reminder.log_now": ("Ghi nhật ký ngay", "Log now"),
    "reminder.on_leave": ("Hôm nay tôi nghỉ phép", "I'm on leave today"),
    "escalation.warning": (
        "Sắp đến hạn phản hồi {reference} ({due}), chưa có ai trong lãnh đạo phản hồi.\n\n{detail}",
        "{reference} is due for a first response at {due} and nobody has responded yet.\n\n"
        "{detail}",
    ),
    "escalation.leader": (
        "Chuyển lên lãnh đạo Sở: {reference} đã quá hạn phản hồi ({due}) mà chưa có phản hồi."
        "\n\n{detail}\n\n{history}",
        "Escalated to leadership: {reference} passed its first-response deadline ({due}) with no "
        "response.\n\n{detail}\n\n{history}",
    ),
    "escalation.reporter": (
        "{reference} đã quá hạn phản hồi nên đã được chuyển lên lãnh đạo Sở. Anh/chị sẽ nhận "
        "được thông báo khi có phản hồi.",
        "{reference} passed its response deadline and was escalated to the department's "
        "leadership. You will be told as soon as someone responds.",
    ),
}
