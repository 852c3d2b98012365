"""Catalog texts of personal leave and reminder preferences: (Vietnamese, English)."""

from __future__ import annotations

LEAVE_TEXTS: dict[str, tuple[str, str]] = {
    # Help lines and the command menu
    "help.nghi": (
        "/nghi (hoặc /leave) — ghi nghỉ phép, ví dụ /nghi 01/12 03/12 Việc gia đình; gõ /nghi "
        "để xem hoặc hủy",
        "/leave (or /nghi) — record leave, e.g. /leave 01/12 03/12 Family matters; /leave alone "
        "to see or cancel",
    ),
    "help.nhacnho": (
        "/nhacnho (hoặc /remind) — xem, đổi giờ nhắc ghi nhật ký, tạm dừng nhắc nhở",
        "/remind (or /nhacnho) — see or change your reminder time, pause reminders",
    ),
    # Recording leave step by step
    "leave.ask_start": (
        "Anh/chị nghỉ phép từ ngày nào? Chọn bên dưới hoặc gõ ngày dd/mm. Có thể gõ cả dòng, "
        "ví dụ: 01/12 03/12 Việc gia đình",
        "When does your leave start? Pick below or type the date as dd/mm. You can type it all "
        "in one line, e.g.: 01/12 03/12 Family matters",
    ),
    "leave.ask_end": (
        "Nghỉ từ {start}. Anh/chị nghỉ đến hết ngày nào? Chọn bên dưới hoặc gõ ngày dd/mm.",
        "Leave from {start}. What is the last day of leave? Pick below or type it as dd/mm.",
    ),
    "leave.ask_reason": (
        "Nghỉ từ {start} đến {end}. Anh/chị gõ lý do ngắn gọn (ví dụ: Việc gia đình, Ốm).",
        "Leave from {start} to {end}. Type a short reason (e.g.: Family matters, Sick).",
    ),
    "leave.today": ("Hôm nay ({day})", "Today ({day})"),
    "leave.tomorrow": ("Ngày mai ({day})", "Tomorrow ({day})"),
    "leave.same_day": ("Chỉ một ngày ({day})", "Just that day ({day})"),
    "leave.not_a_date": (
        "Chưa đọc được ngày. Anh/chị gõ theo dạng dd/mm (ví dụ {soon}), hoặc «hôm nay», "
        "«ngày mai», «thứ 6».",
        "That is not a date. Please type it as dd/mm (for example {soon}), or «today», "
        "«tomorrow», «friday».",
    ),
    "leave.no_such_day": (
        "Ngày {written} không có trên lịch. Anh/chị kiểm tra lại.",
        "There is no such day as {written}. Please check it.",
    ),
    "leave.too_old": (
        "Ngày {start} đã quá {backdate} ngày, không ghi nghỉ phép bổ sung được nữa. Vui lòng báo "
        "lãnh đạo phòng nếu cần.",
        "{start} is more than {backdate:day|days} ago and can no longer be recorded. Please tell "
        "your division head if needed.",
    ),
    "leave.too_far": (
        "Ngày {start} còn xa quá (hơn {ahead} ngày nữa). Anh/chị ghi nghỉ phép gần ngày hơn.",
        "{start} is too far ahead (more than {ahead:day|days}). Please record it nearer the time.",
    ),
    "leave.end_before_start": (
        "Ngày kết thúc {end} ở trước ngày bắt đầu {start}.",
        "The last day {end} is before the first day {start}.",
    ),
    "leave.too_long": (
        "Mỗi lần ghi nghỉ phép tối đa {max_days} ngày (từ {start} đến {end} là {days} ngày). "
        "Nghỉ dài hơn xin báo lãnh đạo phòng.",
        "One leave may cover at most {max_days:day|days} ({start} to {end} is {days:day|days}). "
        "For longer leave please tell your division head.",
    ),
    "leave.reason_long": (
        "Lý do dài quá, anh/chị ghi ngắn gọn (tối đa {max_chars} ký tự).",
        "The reason is too long; please keep it short (at most {max_chars:character|characters}).",
    ),
    "leave.reason_empty": (
        "Anh/chị gõ lý do nghỉ, hoặc /huy để thôi.",
        "Please type the reason, or /cancel to stop.",
    ),
    "leave.no_working_day": (
        "Từ {start} đến {end} không có ngày làm việc nào, không cần ghi nghỉ phép.",
        "There is no working day from {start} to {end}; no leave is needed.",
    ),
    "leave.saved": (
        "Đã ghi nghỉ phép từ {start} đến {end} ({count} ngày làm việc).\nLý do: {reason}\n"
        "Những ngày này bot không nhắc ghi nhật ký. Gõ /nghi để xem hoặc hủy.",
        "Leave recorded from {start} to {end} ({count:working day|working days}).\n"
        "Reason: {reason}\n"
        "No reminders on those days. Type /leave to see or cancel it.",
    ),
    "leave.saved_one": (
        "Đã ghi nghỉ phép ngày {start} ({count} ngày làm việc).\nLý do: {reason}\n"
        "Ngày này bot không nhắc ghi nhật ký. Gõ /nghi để xem hoặc hủy.",
        "Leave recorded for {start} ({count} working day).\nReason: {reason}\n"
        "No reminder that day. Type /leave to see or cancel it.",
    ),
    "leave.already": (
        "Anh/chị đã ghi nghỉ phép {span} rồi, không cần ghi lại.",
        "Your leave {span} is already recorded.",
    ),
    "leave.overlap": (
        "Khoảng nghỉ mới ({new}) trùng với nghỉ phép đã ghi: {old}.\nAnh/chị muốn thay nghỉ phép "
        "đã ghi bằng khoảng mới, hay giữ nguyên?",
        "The new leave ({new}) overlaps leave already recorded: {old}.\nReplace the recorded "
        "leave with the new one, or keep it?",
    ),
    "leave.replace": ("Thay bằng khoảng mới", "Replace with the new one"),
    "leave.keep": ("Giữ nguyên", "Keep it"),
    "leave.kept": (
        "Đã giữ nguyên nghỉ phép đã ghi, không ghi khoảng mới.",
        "The recorded leave was kept; the new one was not recorded.",
    ),
    "leave.span": ("từ {start} đến {end}", "from {start} to {end}"),
    "leave.span_one": ("ngày {start}", "on {start}"),
    # Listing and cancelling
    "leave.list_title": (
        "Nghỉ phép đã ghi của anh/chị:",
        "Your recorded leave:",
    ),
    "leave.list_line": (
        "{n}. {span} ({count} ngày làm việc) · {reason}",
        "{n}. {span} ({count:working day|working days}) · {reason}",
    ),
    "leave.list_hint": (
        "Bấm một mục để hủy, hoặc gõ khoảng nghỉ mới, ví dụ: 01/12 03/12 Việc gia đình",
        "Tap one to cancel it, or type new leave, e.g.: 01/12 03/12 Family matters",
    ),
    "leave.cancel_button": ("Hủy {span}", "Cancel {span}"),
    "leave.new_button": ("Ghi nghỉ phép mới", "Record new leave"),
    "leave.cancelled": (
        "Đã hủy nghỉ phép {span}. Những ngày làm việc trong khoảng này bot sẽ nhắc ghi nhật ký "
        "như thường.",
        "Leave {span} was cancelled. On those working days you get reminders as usual.",
    ),
    "leave.confirm_cancel": (
        "Hủy nghỉ phép {span} ({reason})? Những ngày làm việc trong khoảng này bot sẽ lại nhắc "
        "ghi nhật ký.",
        "Cancel your leave {span} ({reason})? On its working days you will be reminded to log "
        "work again.",
    ),
    "leave.confirm_cancel_yes": ("Hủy nghỉ phép này", "Cancel this leave"),
    "leave.confirm_cancel_no": ("Không hủy", "Keep it"),
    "leave.cancel_kept": (
        "Giữ nguyên nghỉ phép. Gõ /nghi để xem danh sách.",
        "Your leave stays as recorded. Type /leave to see the list.",
    ),
    "leave.cancelled_before": (
        "Nghỉ phép {span} đã được hủy trước đó.",
        "Leave {span} was already cancelled.",
    ),
    # Reminder preferences (/nhacnho)
    "remind.card": (
        "Nhắc nhở ghi nhật ký: lúc {first} ({which}) nếu đến giờ đó anh/chị chưa ghi; nhắc lại "
        "lúc {follow_up}. Không nhắc vào ngày nghỉ và ngày nghỉ phép.",
        "Work log reminder: at {first} ({which}) if you have not logged by then; again at "
        "{follow_up}. No reminders on days off or on leave.",
    ),
    "remind.which.own": ("giờ anh/chị chọn", "your time"),
    "remind.which.default": ("giờ mặc định", "the default"),
    "remind.paused": (
        "Đang tạm dừng nhắc nhở đến hết {day}.",
        "Reminders are paused until the end of {day}.",
    ),
    "remind.button.time": ("Đổi giờ nhắc", "Change the time"),
    "remind.button.pause": ("Tạm dừng {days} ngày", "Pause {days:day|days}"),
    "remind.button.resume": ("Nhắc lại như thường", "Resume reminders"),
    "remind.button.default": ("Về giờ mặc định ({time})", "Back to the default ({time})"),
    "remind.ask_time": (
        "Anh/chị muốn được nhắc lúc mấy giờ? Gõ giờ, ví dụ 17:00 hoặc 17h (từ {earliest} đến "
        "{latest}).",
        "At what time should the reminder come? Type it, e.g. 17:00 or 17h (from {earliest} to "
        "{latest}).",
    ),
    "remind.bad_time": (
        "Chưa đọc được giờ. Anh/chị gõ theo dạng 17:00 hoặc 17h, hoặc /huy để thôi.",
        "That is not a time. Please type it like 17:00 or 17h, or /cancel to stop.",
    ),
    "remind.out_of_range": (
        "Giờ nhắc phải từ {earliest} đến {latest} (trước giờ nhắc lại {follow_up} ít nhất một "
        "tiếng). Anh/chị gõ giờ khác, hoặc /huy để thôi.",
        "The reminder time must be from {earliest} to {latest} (at least an hour before the "
        "second reminder at {follow_up}). Type another time, or /cancel to stop.",
    ),
    "remind.time_saved": (
        "Đã đổi giờ nhắc sang {time}. Từ nay nếu đến {time} anh/chị chưa ghi nhật ký, bot sẽ nhắc.",
        "The reminder time is now {time}: if you have not logged by {time}, the bot reminds you.",
    ),
    "remind.default_saved": (
        "Đã về giờ nhắc mặc định {time}.",
        "Back to the default reminder time {time}.",
    ),
    "remind.paused_saved": (
        "Đã tạm dừng nhắc nhở đến hết {day}. Gõ /nhacnho để bật lại sớm hơn.",
        "Reminders are paused until the end of {day}. Type /remind to resume earlier.",
    ),
    "remind.resumed": (
        "Đã bật lại nhắc nhở: lúc {time} nếu anh/chị chưa ghi nhật ký.",
        "Reminders are back on: at {time} if you have not logged.",
    ),
    "remind.not_paused": (
        "Nhắc nhở đang bật, không cần bật lại.",
        "Reminders are already on.",
    ),
}
