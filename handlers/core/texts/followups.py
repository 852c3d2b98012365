"""Catalog texts of visit outcomes, follow-up items (TCT-0001) and visit reminders: (vi, en)."""

from __future__ import annotations

FOLLOWUP_TEXTS: dict[str, tuple[str, str]] = {
    # /tocongtac list additions
    "wg.pending_title": (
        "Chờ ghi kết quả ({count}):",
        "Waiting for an outcome ({count}):",
    ),
    "wg.pending_line": ("• {day} — {commune}", "• {day} — {commune}"),
    "wg.followups_title": (
        "Việc cần theo dõi đang mở ({count}, quá hạn {overdue}):",
        "Open follow-up items ({count}, overdue {overdue}):",
    ),
    "wg.followups_more": (
        "… và {more} việc nữa. Gõ /tocongtac TCT-số để mở một việc.",
        "… and {more} more. Type /visit TCT-number to open one.",
    ),
    # Recording an outcome
    "wg.button.outcome_for": ("Ghi kết quả: {commune} {day}", "Record outcome: {commune} {day}"),
    "wg.outcome_pick": (
        "Có {count} chuyến chờ ghi kết quả. Anh/chị chọn chuyến:",
        "Visits waiting for an outcome: {count}. Pick one:",
    ),
    "wg.outcome_none": (
        "Không có chuyến nào chờ ghi kết quả. Gõ /tocongtac để xem lịch của tổ.",
        "No visit is waiting for an outcome. Type /visit to see your group's visits.",
    ),
    "wg.outcome_not_yet": (
        "Chuyến đến {commune} ngày {day} chưa diễn ra; anh/chị ghi kết quả từ ngày đó.",
        "The visit to {commune} on {day} has not happened yet; record its outcome from then.",
    ),
    "wg.outcome_not_yours": (
        "Chỉ trưởng tổ hoặc thành viên đã đi chuyến này ghi kết quả. Gõ /tocongtac để xem "
        "lịch của tổ anh/chị.",
        "Only the group leader or a member who went records this visit's outcome. Type /visit "
        "to see your group's visits.",
    ),
    "wg.outcome_already": (
        "Kết quả chuyến đến {commune} ngày {day} đã được {name} ghi lúc {at}.",
        "The outcome of the visit to {commune} on {day} was recorded by {name} at {at}.",
    ),
    "wg.ask_reviewed": (
        "Ghi kết quả chuyến đến {commune} ngày {day}.\nĐoàn đã rà soát, làm việc những nội "
        "dung gì? Gõ ngắn gọn.",
        "Outcome of the visit to {commune} on {day}.\nWhat did the group review? Type it briefly.",
    ),
    "wg.ask_findings": (
        "Kết quả, phát hiện chính của chuyến làm việc?",
        "What were the main findings?",
    ),
    "wg.ask_item_first": (
        "Việc cần theo dõi thứ {number}: gõ nội dung (ví dụ: UBND xã hoàn thiện đề án vị trí "
        "việc làm). Nếu không có, bấm «Không có việc cần theo dõi».",
        "Follow-up item {number}: type what must be done (e.g.: the commune completes its job "
        "position scheme). If there is none, tap «No follow-up items».",
    ),
    "wg.ask_item_next": (
        "Gõ việc cần theo dõi thứ {number}, hoặc bấm «Xong, lưu kết quả».",
        "Type follow-up item {number}, or tap «Done, save the outcome».",
    ),
    "wg.button.no_items": ("Không có việc cần theo dõi", "No follow-up items"),
    "wg.button.save_outcome": ("Xong, lưu kết quả", "Done, save the outcome"),
    "wg.ask_owner": (
        "Ai chịu trách nhiệm việc «{item}»? Chọn UBND xã, cán bộ biệt phái tại xã hoặc phòng.",
        "Who is responsible for «{item}»? Pick the commune, a seconded official there or a "
        "division.",
    ),
    "wg.ask_due": (
        "Hạn hoàn thành việc «{item}»? Gõ ngày dd/mm (ví dụ {soon}) hoặc «thứ 6».",
        "Due date for «{item}»? Type it as dd/mm (e.g. {soon}) or «friday».",
    ),
    "wg.due_past": (
        "{day} đã qua; hạn phải từ hôm nay trở đi.",
        "{day} is in the past; the due date must be today or later.",
    ),
    "wg.due_moved": (
        "{day} là ngày nghỉ ({why}) nên hạn chuyển sang ngày làm việc tiếp theo: {moved}.",
        "{day} is not a working day ({why}), so the due date moves to the next working day: "
        "{moved}.",
    ),
    "wg.item_added": (
        "Đã thêm việc {number}: {item} — giao {owner}, hạn {due}.",
        "Added item {number}: {item} — owner {owner}, due {due}.",
    ),
    "wg.text_too_long": (
        "Nội dung dài quá {limit} ký tự. Anh/chị rút gọn rồi gửi lại.",
        "The text is longer than {limit:character|characters}. Please shorten it.",
    ),
    "wg.too_many_items": (
        "Đã đủ {limit} việc cho một chuyến. Bấm «Xong, lưu kết quả».",
        "One visit takes at most {limit:item|items}. Tap «Done, save the outcome».",
    ),
    "wg.outcome_saved": (
        "Đã ghi kết quả chuyến đến {commune} ngày {day}; chuyến đã hoàn thành. "
        "Việc cần theo dõi: {count}.",
        "Outcome of the visit to {commune} on {day} recorded; the visit is done. "
        "Follow-up items: {count}.",
    ),
    "wg.files_kept": (
        "Đã nhận {count} ảnh/tệp; sẽ lưu kèm kết quả.",
        "{count:photo or file|photos or files} received; they will be saved with the outcome.",
    ),
    "wg.outcome_files": (" Kèm {count} ảnh/tệp.", " With {count:photo or file|photos or files}."),
    "wg.outcome_item": (
        "• {reference} — giao {owner}, hạn {due}",
        "• {reference} — owner {owner}, due {due}",
    ),
    "wg.notify.outcome": (
        "{name} đã ghi kết quả chuyến đến {commune} ngày {day}. Việc cần theo dõi ({count}): "
        "{references}. Gõ /tocongtac để xem.",
        "{name} recorded the outcome of the visit to {commune} on {day}. Follow-up items "
        "({count}): {references}. Type /visit to see them.",
    ),
    # Follow-up items
    "tct.owner.commune": ("UBND {name}", "{name} People's Committee"),
    "tct.overdue_mark": (" · QUÁ HẠN", " · OVERDUE"),
    "tct.line": (
        "• {reference}{late} · {commune} · giao {owner} · hạn {due}: {text}",
        "• {reference}{late} · {commune} · owner {owner} · due {due}: {text}",
    ),
    "tct.status.open": ("Đang mở", "Open"),
    "tct.status.done": ("Đã xong ({name}, {at})", "Done ({name}, {at})"),
    "tct.card": (
        "{reference} — {text}\nChuyến: {group} đến {commune} ngày {visit_day}\n"
        "Giao: {owner}\nHạn: {due}\nTrạng thái: {status}",
        "{reference} — {text}\nVisit: {group} to {commune} on {visit_day}\n"
        "Owner: {owner}\nDue: {due}\nStatus: {status}",
    ),
    "tct.note_line": ("• {at} {name}: {text}", "• {at} {name}: {text}"),
    "tct.button.progress": ("Cập nhật tiến độ", "Add progress"),
    "tct.button.done": ("Đã xong", "Done"),
    "tct.button.view": ("Xem việc", "Open item"),
    "tct.numbered_hint": (
        "Gõ /tocongtac {reference} để xem, cập nhật tiến độ hoặc báo đã xong.",
        "Type /visit {reference} to see it, add progress or mark it done.",
    ),
    "tct.not_found": (
        "Không có việc {reference} trong phạm vi của anh/chị.",
        "There is no item {reference} in your scope.",
    ),
    "tct.not_yours": (
        "Anh/chị không có quyền cập nhật việc {reference}.",
        "You may not update item {reference}.",
    ),
    "tct.already_done": (
        "{reference} đã được {name} đánh dấu xong lúc {at}.",
        "{reference} was marked done by {name} at {at}.",
    ),
    "tct.ask_note": (
        "Tiến độ việc {reference} ({text})? Gõ ngắn gọn.",
        "Progress on {reference} ({text})? Type it briefly.",
    ),
    "tct.ask_note_again": (
        "Anh/chị gõ tiến độ bằng chữ, hoặc /huy để thôi.",
        "Please type the progress as text, or /cancel.",
    ),
    "tct.note_too_long": (
        "Tiến độ dài quá {limit} ký tự. Anh/chị rút gọn rồi gửi lại.",
        "The note is longer than {limit:character|characters}. Please shorten it.",
    ),
    "tct.note_saved": (
        "Đã ghi tiến độ {reference}{files}. {told}",
        "Progress on {reference} recorded{files}. {told}",
    ),
    "tct.with_files": (" (kèm {count} ảnh/tệp)", " (with {count:photo or file|photos or files})"),
    "tct.photo_received": (
        "Đã nhận {count} ảnh/tệp. Anh/chị gõ vài dòng tiến độ để lưu kèm.",
        "{count:photo or file|photos or files} received. Type the progress to save them with it.",
    ),
    "tct.done_saved": (
        "Đã đánh dấu xong {reference}. {told}",
        "{reference} marked done. {told}",
    ),
    "tct.notify.new": (
        "Việc cần theo dõi {reference} sau chuyến {group} đến {commune} ngày {day}:\n{item}\n"
        "Giao: {owner}. Hạn: {due}.",
        "Follow-up item {reference} after {group}'s visit to {commune} on {day}:\n{item}\n"
        "Owner: {owner}. Due: {due}.",
    ),
    "tct.notify.progress": (
        "{reference} ({commune}): {name} cập nhật tiến độ: {text}",
        "{reference} ({commune}): {name} added progress: {text}",
    ),
    "tct.notify.done": (
        "{reference} ({commune}) đã xong: {name} đánh dấu hoàn thành việc «{item}».",
        "{reference} ({commune}) is done: {name} marked «{item}» as done.",
    ),
    # Reminder the working day before a visit
    "wg.notify.reminder": (
        "Nhắc lịch tổ công tác: {group} đến {commune} vào {day}.\n"
        "Thành viên đi: {members}\nNội dung: {agenda}",
        "Working-group reminder: {group} visits {commune} on {day}.\n"
        "Going: {members}\nAgenda: {agenda}",
    ),
    # Digests
    "digest.tct_title": (
        "Việc sau chuyến tổ công tác đang mở: {count} (quá hạn {overdue})",
        "Open follow-up items of working-group visits: {count} (overdue {overdue})",
    ),
    "digest.tct_more": ("… và {count} việc nữa.", "… and {count} more."),
}
