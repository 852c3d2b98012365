"""Catalog texts of working-group visits (tổ công tác): (Vietnamese, English)."""

from __future__ import annotations

VISIT_TEXTS: dict[str, tuple[str, str]] = {
    "help.tocongtac": (
        "/tocongtac (hoặc /visit) — lịch tổ công tác đến xã và việc cần theo dõi; trưởng tổ gõ "
        "/tocongtac mới để lên lịch, /tocongtac dời hoặc /tocongtac hủy để dời, hủy chuyến; sau "
        "chuyến đi, gõ /tocongtac kết quả để ghi kết quả; /tocongtac TCT-0001 để mở một việc",
        "/visit (or /tocongtac) — the working group's visits to communes and follow-up items; a "
        "group leader types /visit new to plan one, /visit move or /visit cancel to change it; "
        "after a visit, /visit outcome records its outcome; /visit TCT-0001 opens an item",
    ),
    "help.tocongtac_member": (
        "/tocongtac (hoặc /visit) — lịch tổ công tác đến xã và việc cần theo dõi; sau chuyến "
        "đi, gõ /tocongtac kết quả để ghi kết quả; /tocongtac TCT-0001 để mở một việc",
        "/visit (or /tocongtac) — the working group's visits to communes and follow-up items; "
        "after a visit, /visit outcome records its outcome; /visit TCT-0001 opens an item",
    ),
    "help.tocongtac_commune": (
        "/tocongtac (hoặc /visit) — lịch tổ công tác đến xã và việc cần theo dõi liên quan đến "
        "anh/chị; /tocongtac TCT-0001 để mở một việc, cập nhật tiến độ hoặc báo đã xong",
        "/visit (or /tocongtac) — working-group visits and the follow-up items that concern "
        "you; /visit TCT-0001 opens an item to add progress or mark it done",
    ),
    "wg.not_leader": (
        "Chỉ trưởng tổ công tác lên lịch đến xã. Gõ /tocongtac để xem lịch của tổ.",
        "Only a working-group leader plans visits. Type /visit to see your group's visits.",
    ),
    "wg.not_in_group": (
        "Anh/chị chưa thuộc tổ công tác nào. Gõ /trogiup để xem việc anh/chị làm được.",
        "You are not in a working group. Type /help to see what you can do.",
    ),
    "wg.none": (
        "{groups}: chưa có lịch đến xã sắp tới.",
        "{groups}: no upcoming visits.",
    ),
    "wg.list_title": (
        "{groups} — lịch đến xã sắp tới ({total}):",
        "{groups} — upcoming visits ({total}):",
    ),
    "wg.list_line": (
        "• {day} — {commune}: {agenda} (đi: {members})",
        "• {day} — {commune}: {agenda} (going: {members})",
    ),
    "wg.hosting_title": (
        "Tổ công tác đến xã của anh/chị ({total}):",
        "Working-group visits to your commune ({total}):",
    ),
    "wg.hosting_line": (
        "• {day} — {group} đến {commune}: {agenda} (đi: {members})",
        "• {day} — {group} visits {commune}: {agenda} (going: {members})",
    ),
    "wg.list_more": ("… và {more} lịch nữa.", "… and {more} more."),
    "wg.button.new": ("Lên lịch đến xã", "Plan a visit"),
    "wg.pick_group": ("Lên lịch cho tổ nào?", "Which group is the visit for?"),
    "wg.pick_commune": (
        "{group} đến xã/phường nào? Chọn bên dưới hoặc gõ mã, tên xã.",
        "Which commune or ward will {group} visit? Pick below or type its code or name.",
    ),
    "wg.commune_not_in_group": (
        "{commune} không thuộc địa bàn của {group}.",
        "{commune} is not one of {group}'s communes.",
    ),
    "wg.commune_ambiguous": (
        "«{commune}» có trong tên của nhiều xã; anh/chị chọn một xã bên dưới.",
        "«{commune}» is in the names of several communes; please pick one below.",
    ),
    "wg.commune_unknown": (
        "Không có xã/phường «{commune}» trong danh sách.",
        "There is no commune or ward «{commune}» in the list.",
    ),
    "wg.ask_day": (
        "Tổ đến {commune} ngày nào? Gõ ngày dd/mm (ví dụ {soon}), hoặc «hôm nay», «ngày mai», "
        "«thứ 6».",
        "On which day will the group visit {commune}? Type the date as dd/mm (e.g. {soon}), or "
        "«today», «tomorrow», «friday».",
    ),
    "wg.not_a_date": (
        "Chưa đọc được ngày «{written}». Anh/chị gõ theo dạng dd/mm (ví dụ {soon}), hoặc "
        "«hôm nay», «ngày mai», «thứ 6».",
        "«{written}» is not a date. Please type it as dd/mm (for example {soon}), or «today», "
        "«tomorrow», «friday».",
    ),
    "wg.no_such_day": (
        "Ngày {written} không có trên lịch. Anh/chị kiểm tra lại.",
        "{written} is not a day on the calendar. Please check it.",
    ),
    "wg.past_day": (
        "{day} đã qua, không lên lịch được.",
        "{day} is in the past; a visit cannot be planned then.",
    ),
    "wg.day_off": ("ngày nghỉ", "a day off"),
    "wg.day_off_admin": ("nghỉ theo lịch của Sở", "off in the department's calendar"),
    "wg.weekend": ("cuối tuần", "weekend"),
    "wg.offday_warning": (
        "Lưu ý: {day} là ngày nghỉ ({why}). Anh/chị vẫn lên lịch ngày này?",
        "Note: {day} is not a working day ({why}). Plan the visit on that day anyway?",
    ),
    "wg.button.keep_day": ("Vẫn lên lịch ngày này", "Keep this day"),
    "wg.button.other_day": ("Chọn ngày khác", "Pick another day"),
    "wg.pick_members": (
        "Ngày {day}. Thành viên nào đi? Bấm tên để chọn hoặc bỏ chọn, rồi bấm «Xong»; "
        "bấm «Cả tổ» là chọn cả tổ và đi tiếp.\nĐã chọn: {picked}",
        "{day}. Who is going? Tap a name to add or remove it, then tap «Done»; «Whole group» "
        "picks everyone and goes on.\nChosen: {picked}",
    ),
    "wg.agenda_is_number": (
        "Đã chọn xong thành viên đi, «{written}» không phải nội dung làm việc.",
        "The members going are already chosen; «{written}» is not an agenda.",
    ),
    "wg.button.all": ("Cả tổ", "Whole group"),
    "wg.button.done": ("Xong", "Done"),
    "wg.members_empty": (
        "Anh/chị chọn ít nhất một thành viên, hoặc bấm «Cả tổ».",
        "Please choose at least one member, or tap «Whole group».",
    ),
    "wg.ask_agenda": (
        "Nội dung làm việc tại {commune} ngày {day}? Gõ ngắn gọn (ví dụ: rà soát sắp xếp "
        "cán bộ theo Đề án 1342; vị trí việc làm).",
        "What is the agenda at {commune} on {day}? Type it briefly (e.g.: review of commune "
        "staff under Scheme 1342; job positions).",
    ),
    "wg.agenda_too_long": (
        "Nội dung dài quá {limit} ký tự. Anh/chị rút gọn rồi gửi lại.",
        "The agenda is longer than {limit:character|characters}. Please shorten it.",
    ),
    "wg.saved": (
        "Đã lên lịch: {group} đến {commune}, {day}.\nThành viên đi: {members}\n{told}\n"
        "Gõ /tocongtac để xem lịch của tổ.",
        "Planned: {group} visits {commune} on {day}.\nGoing: {members}\n{told}\n"
        "Type /visit to see the group's visits.",
    ),
    "wg.nobody": ("chưa có ai", "nobody yet"),
    "told.now": ("Đã báo: {names}.", "Told: {names}."),
    "told.on_link": (
        "Chưa liên kết bot, sẽ nhận thông báo khi liên kết: {names} (quản trị viên gửi mã mời "
        "bằng lệnh bietphai invite).",
        "Not linked to the bot yet, told when they link it: {names} (the administrator sends "
        "an invite with bietphai invite).",
    ),
    "told.none": (
        "Không liên lạc được: {names} (đã chặn bot hoặc rời kênh chat; quản trị viên gửi mã "
        "mời mới bằng lệnh bietphai invite).",
        "Cannot be reached: {names} (blocked the bot or left the chat; the administrator sends "
        "a new invite with bietphai invite).",
    ),
    "told.nobody": ("Không có ai cần báo.", "Nobody to tell."),
    "wg.notify.new": (
        "Lịch tổ công tác: {group} ({leader} làm trưởng tổ) đến {commune} ngày {day}.\n"
        "Thành viên đi: {members}\nNội dung: {agenda}",
        "Working-group visit: {group} (led by {leader}) visits {commune} on {day}.\n"
        "Going: {members}\nAgenda: {agenda}",
    ),
}
