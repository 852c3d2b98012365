"""Catalog texts of difficulties and questions for leadership: (Vietnamese, English)."""

from __future__ import annotations

DIFFICULTY_TEXTS: dict[str, tuple[str, str]] = {
    "kk.status.new": ("Mới, chờ tiếp nhận", "New, waiting"),
    "kk.status.acknowledged": ("Đã tiếp nhận", "Acknowledged"),
    "kk.status.answered": ("Đã trả lời", "Answered"),
    "kk.status.more_info": ("Cần bổ sung thông tin", "More detail needed"),
    "kk.status.forwarded": ("Đã chuyển người xử lý", "Forwarded"),
    "kk.status.reopened": ("Mở lại", "Reopened"),
    "kk.status.resolved": ("Đã giải quyết", "Resolved"),
    "kk.kind.difficulty": ("Khó khăn, vướng mắc", "Difficulty"),
    "kk.kind.question": ("Xin ý kiến chỉ đạo", "Question for guidance"),
    "kk.urgency.normal": ("Thường", "Normal"),
    "kk.urgency.urgent": ("Gấp", "Urgent"),
    "kk.pick_commune": ("Khó khăn phát sinh tại xã nào?", "Which commune is it about?"),
    "kk.pick_topic": ("Thuộc lĩnh vực nào?", "Which topic?"),
    "kk.pick_kind": (
        "Đây là khó khăn, vướng mắc hay xin ý kiến chỉ đạo?",
        "Is it a difficulty or a question for guidance?",
    ),
    "kk.pick_urgency": ("Mức độ?", "How urgent?"),
    "kk.ask_text": (
        "Anh/chị mô tả ngắn gọn nội dung ({kind}, {urgency}). Có thể gửi ảnh kèm chú thích.",
        "Describe it briefly ({kind}, {urgency}). You can send a photo with a caption.",
    ),
    "kk.saved": (
        "Đã ghi nhận {reference} ({kind}, {urgency}).\nLãnh đạo sẽ phản hồi trước {due}.",
        "{reference} recorded ({kind}, {urgency}).\nLeadership will respond by {due}.",
    ),
    "kk.in_digest": (
        "Theo dõi qua báo cáo tổng hợp: {names}.",
        "Followed in the digests by: {names}.",
    ),
    "kk.more_now": (
        "Trong {minutes} phút tới, ảnh, tài liệu hay tin nhắn anh/chị gửi sẽ được hỏi để bổ "
        "sung vào {reference}. Gõ /khokhan để xem tình trạng.",
        "For the next {minutes:minute|minutes}, photos, documents or messages you send are "
        "offered as an addition to {reference}. Type /issue to follow it.",
    ),
    "kk.follow": ("Gõ /khokhan để xem tình trạng.", "Type /issue to follow it."),
    "kk.add_or_log": (
        "Bổ sung vào {reference}?\n\n«{preview}»",
        "Add this to {reference}?\n\n«{preview}»",
    ),
    "kk.files_only": ("{count} ảnh/tệp", "{count:photo or file|photos or files}"),
    "kk.button.add_to": ("Bổ sung vào {reference}", "Add to {reference}"),
    "kk.button.log_instead": ("Ghi nhật ký", "Log as work"),
    "kk.nobody": ("lãnh đạo Sở", "the department's leadership"),
    "kk.attached": (
        "Đã đính kèm vào {reference} ({count} ảnh/tệp).",
        "Attached to {reference} ({count:file|files}).",
    ),
    "kk.mine_title": (
        "Khó khăn, đề nghị đang mở của anh/chị:",
        "Your open difficulties and questions:",
    ),
    "kk.line": (
        "{reference}{urgent} · {status}{overdue} · {commune}\n   {preview}",
        "{reference}{urgent} · {status}{overdue} · {commune}\n   {preview}",
    ),
    "kk.overdue": (" · QUÁ HẠN", " · OVERDUE"),
    "kk.urgent": (" · GẤP", " · URGENT"),
    "kk.new_button": ("Nêu khó khăn mới", "Raise a new one"),
    "kk.reopen_reason": (" — lý do mở lại: «{text}»", " — reopened because: «{text}»"),
    "kk.detail": (
        "{reference} · {kind} · {urgency}\n{commune} · Lĩnh vực: {topic}\n"
        "Người nêu: {reporter} · {created}\nTrạng thái: {status}{overdue}\n"
        "Hạn phản hồi: {first_due} · Hạn giải quyết: {resolution_due}\n\n{description}",
        "{reference} · {kind} · {urgency}\n{commune} · Topic: {topic}\n"
        "Raised by: {reporter} · {created}\nStatus: {status}{overdue}\n"
        "Respond by: {first_due} · Resolve by: {resolution_due}\n\n{description}",
    ),
    "kk.history_title": ("Lịch sử:", "History:"),
    "kk.history_line": ("• {at} {actor}: {action}{text}", "• {at} {actor}: {action}{text}"),
    "kk.action.raise": ("nêu", "raised"),
    "kk.action.ack": ("đã tiếp nhận", "acknowledged"),
    "kk.action.answer": ("trả lời", "answered"),
    "kk.action.ask": ("đề nghị bổ sung thông tin", "asked for more detail"),
    "kk.action.forward": ("chuyển cho {target}", "forwarded to {target}"),
    "kk.action.resolve": ("đánh dấu đã giải quyết", "marked resolved"),
    "kk.action.comment": ("bổ sung", "added"),
    "kk.action.confirm": ("xác nhận đã giải quyết", "confirmed resolved"),
    "kk.action.reopen": ("mở lại", "reopened"),
    "kk.button.ack": ("Đã nhận", "Acknowledge"),
    "kk.button.answer": ("Trả lời", "Answer"),
    "kk.button.ask": ("Hỏi thêm", "Ask for detail"),
    "kk.button.forward": ("Chuyển người khác", "Forward"),
    "kk.button.resolve": ("Đã giải quyết", "Mark resolved"),
    "kk.button.comment": ("Bổ sung thông tin, ảnh", "Add detail or photos"),
    "kk.button.confirm": ("Xác nhận đã giải quyết", "Confirm resolved"),
    "kk.button.reopen": ("Mở lại", "Reopen"),
    "kk.button.history": ("Xem lịch sử", "History"),
    "kk.ask.answer": (
        "Anh/chị gõ nội dung trả lời cho {reference}.",
        "Type the answer to {reference}.",
    ),
    "kk.ask.ask": (
        "Anh/chị gõ nội dung cần người nêu bổ sung cho {reference}.",
        "Type what the reporter should add to {reference}.",
    ),
    "kk.ask.forward_to": ("Chuyển {reference} cho ai?", "Forward {reference} to whom?"),
    "kk.ask.forward_note": (
        "Anh/chị gõ ghi chú khi chuyển {reference} cho {target}.",
        "Type a note for {target} about {reference}.",
    ),
    "kk.ask.comment": (
        "Anh/chị gõ nội dung bổ sung hoặc gửi ảnh (kèm chú thích) cho {reference}.",
        "Type the extra detail, or send a photo with a caption, for {reference}.",
    ),
    "kk.ask.reopen": (
        "Anh/chị cho biết lý do mở lại {reference}.",
        "Please say why {reference} should be reopened.",
    ),
    "kk.empty": (
        "Nội dung đang trống. Anh/chị gõ nội dung, hoặc /huy để thôi.",
        "The text is empty. Type it, or /cancel to stop.",
    ),
    "kk.done": ("Đã ghi: {reference} — {action}.", "Done: {reference} — {action}."),
    "kk.refused": (
        'Không thực hiện được: {reference} đang ở trạng thái "{status}".',
        'Not possible: {reference} is "{status}".',
    ),
    "kk.not_found": (
        "Không tìm thấy {reference}, hoặc anh/chị không có quyền xem. Gõ /khokhan để xem các "
        "khó khăn của anh/chị.",
        "{reference} does not exist or is not yours to see. Type /issue to see yours.",
    ),
    # A supervisor's step, when the reporter was told: what happened, then the next step.
    "kk.sup.ack": (
        "Đã tiếp nhận {reference} và báo {reporter}.",
        "{reference} acknowledged; {reporter} is told.",
    ),
    "kk.sup.answer": (
        "Đã gửi trả lời {reference} cho {reporter}.",
        "Your answer to {reference} is sent to {reporter}.",
    ),
    "kk.sup.ask": (
        "Đã gửi đề nghị bổ sung thông tin {reference} cho {reporter}.",
        "Your request for detail on {reference} is sent to {reporter}.",
    ),
    "kk.sup.forward": (
        "Đã chuyển {reference} cho {target} và báo {reporter}.",
        "{reference} forwarded to {target}; {reporter} is told.",
    ),
    "kk.sup.resolve": (
        "Đã đánh dấu {reference} đã giải quyết và báo {reporter}.",
        "{reference} marked resolved; {reporter} is told.",
    ),
    "kk.reporter_on_link": (
        "{reporter} chưa liên kết bot nên sẽ nhận được khi liên kết (quản trị viên gửi mã mời "
        "bằng lệnh bietphai invite).",
        "{reporter} has not linked the bot yet and will get it on linking (the administrator "
        "sends an invite with bietphai invite).",
    ),
    "kk.reporter_none": (
        "{reporter} hiện không nhận được tin trên bot (đã chặn bot hoặc không còn trong danh "
        "sách); nội dung đã được lưu. Nếu cần, quản trị viên gửi mã mời mới bằng lệnh bietphai "
        "invite.",
        "{reporter} cannot get messages on the bot now (blocked it or is no longer on the "
        "list); it is saved. If needed, the administrator sends a new invite with bietphai "
        "invite.",
    ),
    "kk.next.supervisor": (
        "Gõ /dskhokhan để xem các khó khăn còn mở.",
        "Type /issues to see the open difficulties.",
    ),
    "kk.no_other_supervisor": (
        "Không có lãnh đạo nào khác để chuyển.",
        "There is nobody else to forward to.",
    ),
    # Notifications (outbox)
    "kk.notify.new": (
        "{urgent_mark}{reference} mới từ {reporter} ({commune}):\n{kind} · {topic}\n\n"
        "{description}\n\nHạn phản hồi: {first_due}.",
        "{urgent_mark}New {reference} from {reporter} ({commune}):\n{kind} · {topic}\n\n"
        "{description}\n\nRespond by: {first_due}.",
    ),
    "kk.notify.urgent_mark": ("[GẤP] ", "[URGENT] "),
    "kk.notify.reporter": (
        "{reference}: {actor} {action}.{text}\nTrạng thái: {status}.",
        "{reference}: {actor} {action}.{text}\nStatus: {status}.",
    ),
    "kk.notify.supervisor": (
        "{reference} ({commune}): {actor} {action}.{text}\nTrạng thái: {status}.",
        "{reference} ({commune}): {actor} {action}.{text}\nStatus: {status}.",
    ),
    "kk.notify.forwarded": (
        "{actor} chuyển {reference} cho anh/chị. Ghi chú: {note}\n\n{detail}",
        "{actor} forwarded {reference} to you. Note: {note}\n\n{detail}",
    ),
    "kk.numbered_hint": (
        "Gõ /khokhan {number} để xử lý.",
        "Type /khokhan {number} to act on it.",
    ),
    # Supervisor list and settings
    "kk.list_title": (
        "Khó khăn đang mở trong phạm vi của anh/chị ({shown}/{total}, cũ nhất trước):",
        "Open difficulties in your scope ({shown} of {total}, oldest first):",
    ),
    "kk.list_none": (
        "Không có khó khăn nào đang mở phù hợp.",
        "No open difficulties match.",
    ),
    "kk.list_hint": (
        "Lọc: /dskhokhan quá hạn | gấp | mới, đã tiếp nhận, đã trả lời, cần bổ sung, đã chuyển, "
        "mở lại | tên hoặc mã xã | lĩnh vực.",
        "Filter: /issues overdue | urgent | status | commune code | topic code.",
    ),
    "kk.age": ("{days} ngày", "{days} d"),
    "kk.age_hours": ("{hours} giờ", "{hours} h"),
    "kk.not_supervisor": (
        "Chức năng này dành cho lãnh đạo phòng, tổ trưởng tổ công tác và lãnh đạo Sở.",
        "This is for division heads, working-group leaders and leadership.",
    ),
    "settings.title": (
        'Nhận thông báo khó khăn mức độ thường: hiện đang là "{mode}". Khó khăn gấp luôn '
        "được gửi ngay.",
        'Normal difficulties are notified: "{mode}". Urgent ones always come at once.',
    ),
    "settings.instant": ("Nhận ngay", "At once"),
    "settings.digest": ("Chỉ trong báo cáo tổng hợp", "Only in digests"),
    "settings.saved": ("Đã lưu: {mode}.", "Saved: {mode}."),
    "offer.difficulty": ("Đây là khó khăn", "It's a difficulty"),
}
