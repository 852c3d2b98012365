"""The text catalog: every sentence the bot says, in Vietnamese (default) and English."""

from __future__ import annotations

from handlers.core.texts.difficulty import DIFFICULTY_TEXTS
from handlers.core.texts.digest import DIGEST_TEXTS
from handlers.core.texts.export import EXPORT_TEXTS
from handlers.core.texts.followups import FOLLOWUP_TEXTS
from handlers.core.texts.leave import LEAVE_TEXTS
from handlers.core.texts.plan_changes import PLAN_CHANGE_TEXTS
from handlers.core.texts.plural import fill
from handlers.core.texts.reports import REPORT_TEXTS
from handlers.core.texts.review import REVIEW_TEXTS
from handlers.core.texts.schedule import SCHEDULE_TEXTS
from handlers.core.texts.settings import SETTINGS_TEXTS
from handlers.core.texts.study import STUDY_TEXTS
from handlers.core.texts.visits import VISIT_TEXTS
from handlers.core.texts.web import WEB_TEXTS
from handlers.core.texts.zalo import ZALO_TEXTS

# key -> (Vietnamese, English). Placeholders use str.format names.
TEXTS: dict[str, tuple[str, str]] = {
    # Errors and generic answers
    "error.not_saved": (
        "Chưa lưu được, anh/chị vui lòng gửi lại.",
        "Nothing was saved, please send it again.",
    ),
    "error.unknown_command": (
        "Không có lệnh /{command}. Gõ /trogiup (hoặc /help) để xem các lệnh.",
        "There is no /{command} command. Type /help to see the commands.",
    ),
    "error.not_offered": (
        "Lựa chọn này không có trong danh sách bot vừa đưa ra, nên không được ghi nhận. Anh/chị "
        "bấm một nút trong tin nhắn mới nhất, hoặc gõ /trogiup để xem hướng dẫn.",
        "That choice was not among the ones offered, so nothing was done. Please tap a button "
        "in the latest message, or type /help for help.",
    ),
    "error.stale_choice": (
        "Lựa chọn này đã cũ, không còn dùng được. Gõ /nhatky để ghi nhật ký hoặc /trogiup "
        "để xem hướng dẫn.",
        "This button is out of date. Type /log to log work or /help for help.",
    ),
    "error.choice_number": (
        "Anh/chị vui lòng trả lời bằng một số từ 1 đến {count}.",
        "Please answer with a number from 1 to {count}.",
    ),
    "error.unsupported_kind": (
        "Bot chưa đọc được {what}. Anh/chị vui lòng gõ nội dung bằng chữ.",
        "The bot cannot read {what}. Please type your message as text.",
    ),
    "kind.sticker": ("nhãn dán (sticker)", "stickers"),
    "kind.voice": ("tin nhắn thoại", "voice messages"),
    "kind.location": ("vị trí", "locations"),
    "kind.file": ("tệp đính kèm ở bước này", "files at this step"),
    "kind.other": ("loại tin nhắn này", "this kind of message"),
    "kind.contact": ("danh bạ", "contacts"),
    # Registration
    "unregistered": (
        "Anh/chị chưa đăng ký sử dụng bot của Sở Nội vụ. Vui lòng liên hệ quản trị viên để nhận "
        "mã mời, rồi gửi /start MÃ_MỜI. Nếu số điện thoại của anh/chị đã có trong danh sách, "
        'anh/chị có thể bấm nút "Chia sẻ số điện thoại".',
        "You are not registered with the department's bot yet. Please ask the administrator for "
        "an invite code, then send /start CODE. If your phone number is on the list, you can tap "
        '"Share my phone number".',
    ),
    "button.share_phone": ("Chia sẻ số điện thoại", "Share my phone number"),
    "invite.wrong": (
        "Mã mời không đúng. Anh/chị kiểm tra lại mã hoặc liên hệ quản trị viên.",
        "This invite code is not valid. Please check it or ask the administrator.",
    ),
    "invite.revoked": (
        "Mã mời này đã được thay bằng một mã mới hơn. Anh/chị dùng mã mới nhất quản trị viên gửi.",
        "This invite code was replaced by a newer one. Please use the latest code from the "
        "administrator.",
    ),
    "invite.throttled": (
        "Anh/chị đã nhập sai mã mời nhiều lần. Vui lòng thử lại sau {minutes} phút, hoặc nhờ "
        "quản trị viên gửi mã mới.",
        "Too many wrong invite codes. Please try again in {minutes:minute|minutes}, or ask the "
        "administrator for a new code.",
    ),
    "invite.expired": (
        "Mã mời đã hết hạn. Anh/chị vui lòng liên hệ quản trị viên để nhận mã mới.",
        "This invite code has expired. Please ask the administrator for a new one.",
    ),
    "invite.used": (
        "Mã mời này đã được sử dụng. Nếu không phải anh/chị dùng, vui lòng báo quản trị viên.",
        "This invite code was already used. If it was not you, please tell the administrator.",
    ),
    "invite.other_person": (
        "Tài khoản này đã liên kết với một người khác trong hệ thống. Anh/chị vui lòng liên hệ "
        "quản trị viên.",
        "This account is already linked to someone else. Please contact the administrator.",
    ),
    "contact.not_own": (
        "Anh/chị vui lòng chia sẻ số điện thoại của chính mình bằng nút bên dưới.",
        "Please share your own phone number with the button below.",
    ),
    "contact.no_match": (
        "Số điện thoại {phone} không có trong danh sách của Sở. Anh/chị vui lòng liên hệ quản "
        "trị viên để nhận mã mời.",
        "The phone number {phone} is not on the department's list. Please ask the administrator "
        "for an invite code.",
    ),
    "greeting": (
        "Chào {name}! Tài khoản {channel} đã được liên kết với bot.",
        "Hello {name}! Your {channel} account is now linked.",
    ),
    "greeting.again": ("Chào {name}!", "Hello {name}!"),
    "greeting.communes": ("Xã công tác: {communes}.", "Assigned commune(s): {communes}."),
    "greeting.no_commune": (
        "Hiện anh/chị chưa có phân công công tác tại xã nào.",
        "You have no current commune assignment.",
    ),
    # Help
    "help.title": ("Anh/chị có thể dùng các lệnh sau:", "You can use these commands:"),
    "help.nhatky": (
        '/nhatky (hoặc /log) — ghi nhật ký công tác hôm nay; thêm "hôm qua", "thứ 6" hoặc ngày '
        "dd/mm để ghi cho ngày trước (gõ riêng «hôm qua» rồi gửi nội dung cũng được)",
        '/log (or /nhatky) — log today\'s work; add "yesterday", "friday" or dd/mm for an '
        "earlier day (or send «yesterday» alone, then the text)",
    ),
    "help.plain": (
        "Gửi thẳng một tin nhắn (kèm ảnh nếu có): bot sẽ hỏi để lưu vào nhật ký hôm nay",
        "Just send a message (with a photo if you like): the bot offers to save it as today's log",
    ),
    "help.cuatoi": (
        "/cuatoi (hoặc /mine) — xem 10 nhật ký gần nhất, sửa hoặc xóa",
        "/mine (or /cuatoi) — see your last 10 entries, edit or delete them",
    ),
    "help.khokhan": (
        "/khokhan (hoặc /issue) — nêu khó khăn, vướng mắc hoặc xin ý kiến chỉ đạo; xem tình "
        "trạng các khó khăn đã nêu",
        "/issue (or /khokhan) — raise a difficulty or ask leadership for guidance; follow them",
    ),
    "help.dskhokhan": (
        "/dskhokhan (hoặc /issues) — khó khăn đang mở trong phạm vi phụ trách; lọc theo quá "
        "hạn, gấp, trạng thái, xã hoặc lĩnh vực, ví dụ /dskhokhan quá hạn",
        "/issues (or /dskhokhan) — open difficulties in your scope; filter: overdue, urgent, "
        "status, commune, topic",
    ),
    "help.caidat": (
        "/caidat (hoặc /settings) — chọn kênh nhận thông báo (Telegram hoặc Zalo)",
        "/settings (or /caidat) — the channel notifications go to (Telegram or Zalo)",
    ),
    "help.caidat_supervisor": (
        "/caidat (hoặc /settings) — chọn kênh nhận thông báo (Telegram hoặc Zalo); chọn nhận "
        "khó khăn ngay hay chỉ trong báo cáo",
        "/settings (or /caidat) — the channel notifications go to (Telegram or Zalo); "
        "difficulty notices at once or only in digests",
    ),
    "help.huy": (
        "/huy (hoặc /cancel) — hủy thao tác đang làm",
        "/cancel (or /huy) — stop what you are doing",
    ),
    "help.trogiup": (
        "/trogiup (hoặc /help) — xem hướng dẫn này",
        "/help (or /trogiup) — this help",
    ),
    "draft.not_saved": (
        "Nội dung anh/chị đang soạn chưa được lưu:\n«{text}»\nNếu cần, anh/chị gửi lại "
        "nội dung này.",
        "What you were writing has not been saved:\n«{text}»\nSend it again if you need it.",
    ),
    "cancelled": (
        "Đã hủy. Gõ /nhatky để ghi nhật ký hoặc /trogiup để xem hướng dẫn.",
        "Cancelled. Type /log to log work or /help for help.",
    ),
    "cancelled_help": (
        "Đã hủy. Gõ /trogiup để xem hướng dẫn.",
        "Cancelled. Type /help for help.",
    ),
    "nothing_to_cancel": (
        "Không có thao tác nào đang làm. Gõ /trogiup để xem hướng dẫn.",
        "There is nothing to cancel. Type /help for help.",
    ),
    "not_official": (
        "Chức năng này dành cho cán bộ biệt phái. Gõ /trogiup để xem những gì anh/chị có thể làm.",
        "This is for seconded officials. Type /help to see what you can do.",
    ),
    # The console (bietphai chat): files it receives are saved, not shown
    "console.file_saved": ("Đã lưu tệp: {path}", "File saved: {path}"),
    "console.line_cut": (
        "Dòng vừa gõ dài bằng giới hạn của cửa sổ dòng lệnh ({limit} ký tự) nên có thể đã bị "
        "cắt. Gõ /cuatoi để xem lại; nếu thiếu, anh/chị gửi phần còn lại thành tin nhắn mới.",
        "The line you typed is as long as the terminal's limit "
        "({limit:character|characters}) and may have been cut. Type /mine to check; if "
        "something is missing, send the rest as a new message.",
    ),
    # Work log
    "log.no_assignment": (
        "Ngày {day} anh/chị không có phân công công tác tại xã nào, nên chưa ghi được nhật ký. "
        "Nếu phân công chưa đúng, vui lòng báo quản trị viên.",
        "You have no commune assignment on {day}, so this cannot be logged. If that is wrong, "
        "please tell the administrator.",
    ),
    "log.future": (
        "Ngày {day} chưa tới, chưa ghi nhật ký được. Anh/chị chỉ ghi cho hôm nay hoặc tối đa "
        "{days} ngày trước.",
        "{day} is in the future. You can log today or up to {days:day|days} back.",
    ),
    "log.too_old": (
        "Ngày {day} đã quá {days} ngày, không ghi bổ sung được nữa. Vui lòng báo lãnh đạo phòng "
        "nếu cần bổ sung.",
        "{day} is more than {days:day|days} ago and can no longer be logged. Please tell your "
        "division head if it must be added.",
    ),
    "log.bad_date": (
        "Ngày ghi ở đầu tin nhắn không hợp lệ. Anh/chị ghi theo dạng dd/mm (ví dụ {recent}), "
        "hoặc «hôm qua», «thứ 6».",
        "The date at the start is not valid. Please write it as dd/mm (for example {recent}), or "
        "«yesterday», «friday».",
    ),
    "log.pick_commune": (
        "Nhật ký ngày {day}: anh/chị chọn xã.",
        "Work log for {day}: choose the commune.",
    ),
    "log.pick_topic": (
        "Nhật ký ngày {day} tại {commune}: anh/chị chọn lĩnh vực.",
        "Work log for {day} at {commune}: choose the topic.",
    ),
    "log.ask_text": (
        "Anh/chị gõ nội dung công việc ngày {day} ({topic}). Có thể gửi ảnh kèm chú thích.",
        "Type what you did on {day} ({topic}). You can send a photo with a caption.",
    ),
    "log.empty": (
        "Nội dung đang trống. Anh/chị gõ nội dung công việc, hoặc /huy để thôi.",
        "The text is empty. Type what you did, or /cancel to stop.",
    ),
    "log.photo_received": (
        "Đã nhận {count} ảnh/tệp. Anh/chị gõ nội dung công việc để lưu kèm.",
        "{count:photo or file|photos or files} received. Type what you did to save them with it.",
    ),
    "log.saved": (
        "Đã ghi nhật ký ngày {day} (gửi lúc {time}): «{preview}»\n"
        "{commune} · Lĩnh vực: {topic}{attachments}\nGõ /cuatoi để xem hoặc sửa.",
        "Saved your work log for {day} (sent at {time}): «{preview}»\n"
        "{commune} · Topic: {topic}{attachments}\nType /mine to see or edit it.",
    ),
    "log.saved_late": (
        "Đã ghi nhật ký cho {day} (gửi {sent_day} lúc {time}): «{preview}»\n"
        "{commune} · Lĩnh vực: {topic}{attachments}\nGõ /cuatoi để xem hoặc sửa.",
        "Saved your work log for {day} (sent {sent_day} at {time}): «{preview}»\n"
        "{commune} · Topic: {topic}{attachments}\nType /mine to see or edit it.",
    ),
    "log.ask_day_text": (
        "Anh/chị gõ nội dung nhật ký cho {day}; tin nhắn tiếp theo sẽ được ghi cho ngày này. "
        "Gõ /huy để thôi.",
        "Type your work log for {day}; your next message is logged for that day. "
        "Type /cancel to stop.",
    ),
    "log.saved_attachments": (" · {count} ảnh/tệp", " · {count:photo or file|photos or files}"),
    "log.pick_again": (
        "Anh/chị vui lòng chọn một mục bên dưới, hoặc /huy để thôi.",
        "Please pick one of the options below, or /cancel to stop.",
    ),
    "offer.question": (
        "Lưu nội dung này vào nhật ký ngày {day}?\n\n«{preview}»",
        "Save this as your work log for {day}?\n\n«{preview}»",
    ),
    "offer.save": ("Lưu", "Save"),
    "offer.topic": ("Chọn lĩnh vực", "Choose topic"),
    "offer.cancel": ("Không lưu", "Don't save"),
    "offer.dropped": (
        "Đã bỏ qua, không lưu. Gõ /nhatky khi cần ghi nhật ký.",
        "Not saved. Type /log when you want to log work.",
    ),
    "offer.photo_needs_text": (
        "Anh/chị gửi lại ảnh kèm chú thích (mô tả công việc) để lưu vào nhật ký, hoặc gõ /nhatky.",
        "Please send the photo again with a caption describing the work, or type /log.",
    ),
    # Own entries
    "mine.empty": (
        "Anh/chị chưa có nhật ký nào. Gõ /nhatky để ghi.",
        "You have no entries yet. Type /log to add one.",
    ),
    "mine.title": (
        "Nhật ký của anh/chị ({shown}/{total} mục, mới nhất trước). Chọn một mục để sửa hoặc xóa:",
        "Your work log ({shown} of {total}, newest first). Pick one to edit or delete:",
    ),
    "mine.line": (
        "{stamp} · {commune} · {topic}{flags}\n   {preview}",
        "{stamp} · {commune} · {topic}{flags}\n   {preview}",
    ),
    "mine.choice": ("{n}. {stamp}", "{n}. {stamp}"),
    "mine.edited": (" (đã sửa)", " (edited)"),
    "mine.more": ("Xem thêm", "More"),
    "mine.entry": (
        "Nhật ký {stamp}\n{commune} · Lĩnh vực: {topic}{flags}\n\n{text}",
        "Work log {stamp}\n{commune} · Topic: {topic}{flags}\n\n{text}",
    ),
    "mine.edit": ("Sửa nội dung", "Edit text"),
    "mine.delete": ("Xóa", "Delete"),
    "mine.back": ("Quay lại danh sách", "Back to the list"),
    "mine.ask_new_text": (
        "Anh/chị gõ nội dung mới cho nhật ký {stamp}. Bản cũ vẫn được lưu lại.",
        "Type the new text for the entry {stamp}. The old version is kept.",
    ),
    "mine.edited_ok": (
        "Đã sửa nhật ký {stamp}. Bản cũ vẫn được lưu trong lịch sử.",
        "The entry {stamp} was updated. The old version is kept in its history.",
    ),
    "mine.confirm_delete": (
        "Xóa nhật ký {stamp}?",
        "Delete the entry {stamp}?",
    ),
    "mine.confirm_yes": ("Xóa nhật ký này", "Delete it"),
    "mine.confirm_no": ("Không xóa", "Keep it"),
    "mine.deleted": ("Đã xóa nhật ký {stamp}.", "The entry {stamp} was deleted."),
    "mine.kept": ("Đã giữ nguyên nhật ký {stamp}.", "The entry {stamp} was kept."),
    "mine.not_yours": (
        "Anh/chị chỉ sửa hoặc xóa được nhật ký của chính mình.",
        "You can only edit or delete your own entries.",
    ),
    "mine.gone": (
        "Nhật ký này không còn (đã bị xóa). Gõ /cuatoi để xem danh sách.",
        "This entry no longer exists. Type /mine to see the list.",
    ),
    # Choices shown as a numbered list (Zalo, console)
    "numbered.hint": ("Trả lời bằng số thứ tự để chọn.", "Reply with a number to choose."),
    # Channel names in greetings
    "channel.telegram": ("Telegram", "Telegram"),
    "channel.zalo": ("Zalo", "Zalo"),
    "channel.console": ("dòng lệnh", "console"),
}

TEXTS.update(DIFFICULTY_TEXTS)
TEXTS.update(DIGEST_TEXTS)
TEXTS.update(EXPORT_TEXTS)
TEXTS.update(FOLLOWUP_TEXTS)
TEXTS.update(LEAVE_TEXTS)
TEXTS.update(SCHEDULE_TEXTS)
TEXTS.update(SETTINGS_TEXTS)
TEXTS.update(VISIT_TEXTS)
TEXTS.update(STUDY_TEXTS)
TEXTS.update(ZALO_TEXTS)
TEXTS.update(WEB_TEXTS)
TEXTS.update(PLAN_CHANGE_TEXTS)
TEXTS.update(REVIEW_TEXTS)
TEXTS.update(REPORT_TEXTS)

# Telegram's command menu (setMyCommands), Vietnamese first.
COMMAND_MENU: tuple[tuple[str, str, str], ...] = (
    ("nhatky", "Ghi nhật ký công tác", "Log today's work"),
    ("khokhan", "Nêu khó khăn, xin ý kiến chỉ đạo", "Raise a difficulty or question"),
    ("cuatoi", "Xem, sửa nhật ký của tôi", "See and edit my entries"),
    ("nghi", "Ghi, xem, hủy nghỉ phép", "Record, see or cancel leave"),
    ("nhacnho", "Giờ nhắc ghi nhật ký, tạm dừng nhắc", "Reminder time, pause reminders"),
    ("dskhokhan", "Khó khăn cần xử lý (lãnh đạo)", "Difficulties to handle (supervisors)"),
    ("baocao", "Báo cáo tổng hợp (lãnh đạo)", "Digest (supervisors)"),
    ("xuat", "Xuất Excel (lãnh đạo)", "Export to Excel (supervisors)"),
    ("caidat", "Cài đặt thông báo", "Notification settings"),
    ("huy", "Hủy thao tác đang làm", "Cancel the current step"),
    ("trogiup", "Hướng dẫn sử dụng", "Help"),
)


def t(lang: str, key: str, **values: object) -> str:
    """The text for `key` in `lang` (Vietnamese unless 'en'), with values filled in."""
    vi, en = TEXTS[key]
    template = en if lang == "en" else vi
    return fill(template, values) if values else template
