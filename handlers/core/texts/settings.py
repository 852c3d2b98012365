"""Catalog texts of /caidat (notification channel) and of chart links on Zalo: (vi, en)."""

from __future__ import annotations

SETTINGS_TEXTS: dict[str, tuple[str, str]] = {
    "settings.heading": ("Cài đặt thông báo của anh/chị:", "Your notification settings:"),
    "settings.channel_pinned": (
        "• Nhắc nhở, trả lời khó khăn, báo cáo gửi qua {channel} (anh/chị đã chọn).",
        "• Reminders, answers and digests go to {channel} (your choice).",
    ),
    "settings.channel_pinned_down": (
        "• Anh/chị đã chọn nhận qua {channel}, nhưng bot đang không gửi được qua {channel} nên "
        "tạm gửi qua {fallback}. Nhắn cho bot trên {channel} để bot gửi lại được.",
        "• You chose {channel}, but the bot cannot reach you there now, so messages go to "
        "{fallback}. Write to the bot on {channel} to fix it.",
    ),
    "settings.channel_last": (
        "• Nhắc nhở, trả lời khó khăn, báo cáo gửi qua kênh anh/chị dùng gần nhất (hiện là "
        "{channel}).",
        "• Reminders, answers and digests go to the channel you used last (now {channel}).",
    ),
    "settings.only_telegram": (
        "• Thông báo gửi qua Telegram, kênh duy nhất anh/chị đã liên kết. Muốn nhận qua Zalo: "
        "xin quản trị viên mã mời, rồi gửi mã đó cho bot trên Zalo.",
        "• Notifications go to Telegram, the only channel you linked. To get them on Zalo, ask "
        "the administrator for an invite code and send it to the bot on Zalo.",
    ),
    "settings.only_zalo": (
        "• Thông báo gửi qua Zalo, kênh duy nhất anh/chị đã liên kết. Muốn nhận qua Telegram: "
        "xin quản trị viên mã mời, rồi gửi /start MÃ_MỜI cho bot trên Telegram.",
        "• Notifications go to Zalo, the only channel you linked. To get them on Telegram, ask "
        "the administrator for an invite code and send /start CODE to the bot on Telegram.",
    ),
    "settings.no_channel": (
        "• Anh/chị chưa liên kết Telegram hoặc Zalo nên chưa nhận được thông báo. Xin quản trị "
        "viên mã mời, rồi gửi /start MÃ_MỜI cho bot trên Telegram hoặc gửi mã cho bot trên Zalo.",
        "• You have not linked Telegram or Zalo, so no notification can reach you. Ask the "
        "administrator for an invite code and send /start CODE on Telegram or the code on Zalo.",
    ),
    "settings.mode_line": (
        "• Khó khăn mức độ thường: {mode} (khó khăn gấp luôn được gửi ngay).",
        "• Normal difficulties: {mode} (urgent ones always come at once).",
    ),
    "settings.pick": ("Chọn để thay đổi:", "Pick to change:"),
    "settings.pin_label": ("Nhận qua {channel}", "Use {channel}"),
    "settings.last_label": ("Kênh dùng gần nhất", "The channel I used last"),
    "settings.mode_instant_label": ("Khó khăn thường: Nhận ngay", "Normal difficulties: at once"),
    "settings.mode_digest_label": (
        "Khó khăn thường: Chỉ trong báo cáo tổng hợp",
        "Normal difficulties: only in digests",
    ),
    "settings.saved_pin": (
        "Đã lưu: thông báo gửi qua {channel}. Gõ /caidat để đổi lại.",
        "Saved: notifications go to {channel}. Type /settings to change it.",
    ),
    "settings.saved_last": (
        "Đã lưu: thông báo gửi qua kênh anh/chị dùng gần nhất. Gõ /caidat để đổi lại.",
        "Saved: notifications go to the channel you used last. Type /settings to change it.",
    ),
    "settings.saved_instant": (
        "Đã lưu: khó khăn mức độ thường được gửi ngay cho anh/chị. Gõ /caidat để đổi lại.",
        "Saved: normal difficulties reach you at once. Type /settings to change it.",
    ),
    "settings.saved_digest": (
        "Đã lưu: khó khăn mức độ thường chỉ có trong báo cáo tổng hợp; khó khăn gấp vẫn gửi "
        "ngay. Gõ /caidat để đổi lại.",
        "Saved: normal difficulties come only in digests; urgent ones still come at once. "
        "Type /settings to change it.",
    ),
    "settings.not_linked": (
        "Anh/chị chưa liên kết {channel} nên chưa chọn được kênh này.",
        "You have not linked {channel}, so it cannot be chosen.",
    ),
    "zalo.chart_link": (
        "Biểu đồ báo cáo tuần: {url}\n(Liên kết dùng được đến {time} ngày {day}; anh/chị "
        "không chuyển cho người khác.)",
        "Weekly chart: {url}\n(The link works until {time} on {day}; please do not pass it on.)",
    ),
    "image.not_found": (
        "Không tìm thấy tệp. Liên kết có thể đã hết hạn; anh/chị xem lại báo cáo mới nhất trong "
        "bot.",
        "File not found. The link may have expired; see the latest digest in the bot.",
    ),
}
