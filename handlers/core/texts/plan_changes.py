"""Catalog texts of cancelling or moving a visit and withdrawing a study request: (vi, en)."""

from __future__ import annotations

PLAN_CHANGE_TEXTS: dict[str, tuple[str, str]] = {
    "wgc.button.change": ("Dời/hủy: {commune} {day}", "Move/cancel: {commune} {day}"),
    "wgc.button.move": ("Dời ngày", "Move to another day"),
    "wgc.button.cancel": ("Hủy chuyến", "Cancel the visit"),
    "wgc.button.cancel_yes": ("Có, hủy chuyến", "Yes, cancel it"),
    "wgc.button.keep": ("Không hủy", "Keep it"),
    "wgc.card": (
        "{group} — {commune}, {day}: {agenda} (đi: {members}).\nAnh/chị muốn dời ngày hay hủy "
        "chuyến này?",
        "{group} — {commune}, {day}: {agenda} (going: {members}).\nMove this visit to another "
        "day, or cancel it?",
    ),
    "wgc.pick": (
        "Tổ có {count} chuyến chưa ghi kết quả. Anh/chị chọn chuyến cần dời hoặc hủy:",
        "The group has {count:visit|visits} without an outcome. Pick the one to move or cancel:",
    ),
    "wgc.more": (
        "Còn {more} chuyến nữa: gõ /tocongtac hủy hoặc /tocongtac dời kèm tên xã hoặc ngày, "
        "ví dụ /tocongtac dời 01/12.",
        "{more:more visit|more visits}: type /visit cancel or /visit move with the commune or "
        "the day, e.g. /visit move 01/12.",
    ),
    "wgc.none": (
        "Tổ không có chuyến nào chưa ghi kết quả để dời hoặc hủy. Gõ /tocongtac mới để lên lịch.",
        "The group has no visit without an outcome to move or cancel. Type /visit new to plan one.",
    ),
    "wgc.no_match": (
        "Không thấy chuyến nào của tổ khớp «{written}». Các chuyến chưa ghi kết quả:",
        "No visit of the group matches «{written}». Its visits without an outcome:",
    ),
    "wgc.not_leader": (
        "Chỉ trưởng tổ công tác dời hoặc hủy chuyến đến xã của tổ.",
        "Only the working group's leader moves or cancels its visits.",
    ),
    "wgc.has_outcome": (
        "Chuyến đến {commune} ngày {day} đã ghi kết quả, không dời hoặc hủy được nữa.",
        "The visit to {commune} on {day} already has an outcome; it can no longer be moved or "
        "cancelled.",
    ),
    "wgc.already_cancelled": (
        "Chuyến đến {commune} ngày {day} đã được {name} hủy lúc {at}.",
        "The visit to {commune} on {day} was cancelled by {name} at {at}.",
    ),
    "wgc.confirm_cancel": (
        "Hủy chuyến đến {commune} ngày {day}? Những người đã được báo sẽ nhận tin hủy.",
        "Cancel the visit to {commune} on {day}? Everyone who was told will be told it is off.",
    ),
    "wgc.kept": (
        "Giữ nguyên chuyến đến {commune} ngày {day}.",
        "The visit to {commune} on {day} stays as planned.",
    ),
    "wgc.cancelled": (
        "Đã hủy chuyến đến {commune} ngày {day}. {told}\nGõ /tocongtac để xem lịch của tổ.",
        "The visit to {commune} on {day} is cancelled. {told}\nType /visit to see the group's "
        "visits.",
    ),
    "wgc.ask_day": (
        "Chuyến đến {commune} đang là {day}. Dời sang ngày nào? Gõ ngày dd/mm (ví dụ "
        "{soon}), hoặc «ngày mai», «thứ 6».",
        "The visit to {commune} is on {day}. Move it to which day? Type dd/mm (e.g. "
        "{soon}), or «tomorrow», «friday».",
    ),
    "wgc.same_day": (
        "Chuyến đã là ngày {day}. Anh/chị gõ một ngày khác.",
        "The visit is already on {day}. Please type another day.",
    ),
    "wgc.moved": (
        "Đã dời chuyến đến {commune} từ {old} sang {day}. {told}\nGõ /tocongtac để xem lịch "
        "của tổ.",
        "The visit to {commune} is moved from {old} to {day}. {told}\nType /visit to see the "
        "group's visits.",
    ),
    "wgc.notify.cancelled": (
        "❌ {leader} ({group}) đã hủy chuyến đến {commune} ngày {day}.\nNội dung: {agenda}",
        "❌ {leader} ({group}) cancelled the visit to {commune} on {day}.\nAgenda: {agenda}",
    ),
    "wgc.notify.moved": (
        "📅 {leader} ({group}) đã dời chuyến đến {commune}: từ {old} sang {day}.\n"
        "Thành viên đi: {members}\nNội dung: {agenda}",
        "📅 {leader} ({group}) moved the visit to {commune}: from {old} to {day}.\n"
        "Going: {members}\nAgenda: {agenda}",
    ),
    "ht.button.withdraw": ("Rút đăng ký {ref}", "Withdraw {ref}"),
    "ht.button.withdraw_yes": ("Có, rút đăng ký", "Yes, withdraw it"),
    "ht.button.withdraw_keep": ("Không rút", "Keep it"),
    "ht.withdraw_confirm": (
        "Rút đăng ký {ref} ({topic})? Các phòng đã được báo sẽ nhận tin và chỗ được trả lại.",
        "Withdraw {ref} ({topic})? The divisions that were told will be told and the places freed.",
    ),
    "ht.withdraw_kept": ("Giữ nguyên đăng ký {ref}.", "{ref} stays as registered."),
    "ht.withdrawn": (
        "Đã rút đăng ký {ref}. {told}",
        "{ref} is withdrawn. {told}",
    ),
    "ht.withdraw_not_yours": (
        "Không thấy đăng ký {ref} của xã anh/chị.",
        "There is no request {ref} of your commune.",
    ),
    "ht.withdraw_none_left": (
        "Đăng ký {ref} không còn phần nào rút được: đã rút, hoặc tuần học đã bắt đầu.",
        "Nothing of {ref} can be withdrawn: it was withdrawn, or its week has begun.",
    ),
    "ht.withdraw_started": (
        " Phần ở {division} ({week}) đã bắt đầu nên giữ nguyên.",
        " The part at {division} ({week}) has begun, so it stays.",
    ),
    "ht.withdraw_which": (
        "Gõ /hoctap hủy và số đăng ký, ví dụ /hoctap hủy 7.",
        "Type /study cancel and the request number, e.g. /study cancel 7.",
    ),
    "ht.notify.withdrawn": (
        "↩️ {contact} ({commune}) đã rút đăng ký học tập {ref} tại {division}, {week} "
        "({people} người). Chỗ đã được trả lại.",
        "↩️ {contact} ({commune}) withdrew study request {ref} at {division}, {week} "
        "({people:person|people}). The places are free again.",
    ),
    "ht.line_withdrawn": ("{division}: {week}, đã rút đăng ký", "{division}: {week}, withdrawn"),
    "ht.withdrawn_part": (
        "{ref} đã được {name} rút đăng ký lúc {at}.",
        "{ref} was withdrawn by {name} at {at}.",
    ),
}
