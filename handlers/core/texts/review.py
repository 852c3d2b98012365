"""Catalog texts added by the user review (entry names, kept drafts, role answers)."""

from __future__ import annotations

REVIEW_TEXTS: dict[str, tuple[str, str]] = {
    "entry.late": ("{day}, ghi bù {when}", "{day}, logged {when}"),
    "age.under_minute": ("dưới 1 phút", "under a minute"),
    "kk.latest_answer": (
        "Trả lời mới nhất — {actor}, {at}:\n{text}",
        "Latest answer — {actor}, {at}:\n{text}",
    ),
    "kk.latest_ask": (
        "Đề nghị bổ sung — {actor}, {at}:\n{text}",
        "Detail asked for — {actor}, {at}:\n{text}",
    ),
    "kk.filter_unknown": (
        "Không có bộ lọc «{words}». Lọc được theo: quá hạn; gấp; trạng thái (mới, đã tiếp nhận, "
        "đã trả lời, cần bổ sung, đã chuyển, mở lại); một xã (tên hoặc mã, ví dụ {commune}); "
        "một lĩnh vực (ví dụ vị trí việc làm). Ví dụ: /dskhokhan quá hạn",
        "No filter «{words}». Filter by: overdue; urgent; a status (new, acknowledged, answered, "
        "more info, forwarded, reopened); a commune (name or code, e.g. {commune}); a topic "
        "(e.g. job positions). Example: /issues overdue",
    ),
    "kk.open_by_number": (
        "Gõ /khokhan và số, ví dụ /khokhan {number}, để xem một khó khăn.",
        "Type /issue and the number, e.g. /issue {number}, to open one.",
    ),
    # Plain text from someone who keeps no work log
    "role.plain.supervisor": (
        "Chào {name}. Tin nhắn này không được lưu: nhật ký công tác do cán bộ biệt phái "
        "ghi. Anh/chị có thể dùng:",
        "Hello {name}. This message was not saved: work logs are kept by seconded officials. "
        "You can use:",
    ),
    "role.plain.admin": (
        "Chào {name}. Tin nhắn này không được lưu: nhật ký công tác do cán bộ biệt phái "
        "ghi. Việc anh/chị có thể làm:",
        "Hello {name}. This message was not saved: work logs are kept by seconded officials. "
        "What you can do:",
    ),
    "role.plain.commune_official": (
        "Chào {name}. Tin nhắn này không được lưu: bot ghi nhật ký dành cho cán bộ biệt "
        "phái của Sở. Anh/chị có thể dùng:",
        "Hello {name}. This message was not saved: the work log is for the department's "
        "seconded officials. You can use:",
    ),
    # Nothing typed is lost: a second message joins the open offer, text at a menu is kept
    "offer.joined": (
        "Đã gộp tin nhắn này với nội dung anh/chị gửi trước (chưa lưu).",
        "This message was joined to the text you sent before (not saved yet).",
    ),
    "draft.kept_photo": (
        "Đã giữ ảnh anh/chị vừa gửi, chưa mất gì. Anh/chị vui lòng chọn một mục bên dưới "
        "(hoặc /huy để thôi).",
        "The photo you sent is kept. Please pick one of the options below (or /cancel to stop).",
    ),
    "draft.kept": (
        "Đã giữ nội dung anh/chị vừa gõ, chưa mất gì. Anh/chị vui lòng chọn một mục bên dưới "
        "(hoặc /huy để thôi).",
        "The text you typed is kept. Please pick one of the options below (or /cancel to stop).",
    ),
    "help.admin": (
        "Quản trị trên máy chủ: bietphai import-org (nạp danh sách tổ chức), bietphai invite "
        "(mã mời), bietphai calendar (ngày nghỉ, ngày làm bù), bietphai backup (sao lưu)",
        "Administration on the server: bietphai import-org (load the organisation), bietphai "
        "invite (invite codes), bietphai calendar (days off, make-up days), bietphai backup",
    ),
}
