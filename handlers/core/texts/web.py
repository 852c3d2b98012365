"""Texts of the web dashboard's chat command (/web)."""

from __future__ import annotations

WEB_TEXTS: dict[str, tuple[str, str]] = {
    "web.off": (
        "Bảng điều khiển trên web chưa được bật. Quản trị viên đặt BOT_PUBLIC_BASE_URL (địa chỉ "
        "công khai của bot, ví dụ https://bot.example.org) rồi khởi động lại bot; sau đó anh/chị "
        "gõ /web để nhận đường link.",
        "The web dashboard is not turned on. The administrator sets BOT_PUBLIC_BASE_URL (the "
        "bot's public address, e.g. https://bot.example.org) and restarts the bot; then type "
        "/web for your link.",
    ),
    "web.link": (
        "Đường link vào bảng điều khiển của anh/chị (dùng một lần, hết hạn lúc {time}):\n{url}\n\n"
        "Mở link rồi bấm «Đăng nhập»; phiên làm việc kéo dài {hours} giờ. Không chuyển link này "
        "cho người khác. Gõ /web thoát để đăng xuất mọi phiên.",
        "Your link to the dashboard (single use, expires at {time}):\n{url}\n\n"
        "Open it and press «Đăng nhập»; the session lasts {hours:hour|hours}. Do not share this "
        "link. Type /web thoát to sign out everywhere.",
    ),
    "web.live": (
        "Anh/chị đang có {count} phiên đăng nhập trên web (gõ /web thoát để kết thúc tất cả):",
        "You have {count:session|sessions} open on the web (type /web thoát to end them all):",
    ),
    "web.session": (
        "• mở lúc {opened}, hết hạn lúc {expires}",
        "• opened at {opened}, expires at {expires}",
    ),
    "web.logged_out": (
        "Đã đăng xuất {count} phiên trên web. Gõ /web khi cần đường link mới.",
        "Signed out of {count:web session|web sessions}. Type /web for a new link.",
    ),
    "web.no_session": (
        "Anh/chị không có phiên nào đang mở trên web. Gõ /web để nhận đường link.",
        "You have no open web session. Type /web for a link.",
    ),
    "help.web": (
        "/web — đường link vào bảng điều khiển trên web (/web thoát: đăng xuất)",
        "/web — a link to the web dashboard (/web thoát: sign out)",
    ),
}
