"""Catalog texts of study visits at the department (học tập kinh nghiệm tại Sở)."""

from __future__ import annotations

STUDY_TEXTS: dict[str, tuple[str, str]] = {
    # Two help lines: a commune contact registers, a division head answers.
    "help.hoctap": (
        "/hoctap (hoặc /study) — đăng ký đoàn cán bộ xã đến học tập kinh nghiệm tại Sở và xem "
        "các đăng ký của xã; gõ /hoctap mới để đăng ký thêm đoàn, /hoctap hủy 7 để rút đăng ký "
        "HT-0007",
        "/study (or /hoctap) — register a group of commune officials for a study visit at the "
        "department and see your commune's requests; type /study new for another group, "
        "/study cancel 7 to withdraw HT-0007",
    ),
    "help.hoctap_head": (
        "/hoctap (hoặc /study) — lịch các đoàn xã đến học tập kinh nghiệm tại Sở trong các tuần "
        "tới; /hoctap 7 để xác nhận, chuyển tuần hoặc tách đăng ký HT-0007",
        "/study (or /hoctap) — the study visits of commune groups in the coming weeks; /study 7 "
        "to confirm, move or split request HT-0007",
    ),
    "ht.not_for_you": (
        "Lệnh /hoctap dành cho đầu mối của xã/phường và lãnh đạo phòng. Gõ /trogiup để xem "
        "việc anh/chị làm được.",
        "/study is for commune contacts and division heads. Type /help to see what you can do.",
    ),
    "ht.pick_commune": (
        "Anh/chị là đầu mối của xã/phường nào? Bot gửi đề nghị để quản trị viên xác nhận; khi "
        "được xác nhận, anh/chị đăng ký học tập được (có thể gõ mã hoặc tên xã).",
        "Which commune or ward do you represent? The bot asks the admin to confirm it; once "
        "confirmed, you can register study visits (you may type its code or name).",
    ),
    "ht.commune_claimed": (
        "Đã gửi quản trị viên đề nghị xác nhận anh/chị là đầu mối của {commune}. Khi được xác "
        "nhận, bot sẽ báo; sau đó anh/chị gõ /hoctap để đăng ký học tập.",
        "Your request to represent {commune} was sent to the admin. The bot will tell you when "
        "it is confirmed; then type /study to register a study visit.",
    ),
    "ht.commune_has_contact": (
        "{commune} hiện có đầu mối: {names}; quản trị viên sẽ quyết định có thêm anh/chị không.",
        "{commune} already has a contact: {names}; the admin decides whether to add you.",
    ),
    "ht.claim_pending": (
        "Đề nghị làm đầu mối của {commune} đang chờ quản trị viên xác nhận. Nếu chọn nhầm, "
        "anh/chị chọn lại dưới đây.",
        "Your request to represent {commune} is waiting for the admin. If it was a mistake, "
        "choose again below.",
    ),
    "ht.claim_notice": (
        "{name} ({phone}) xin làm đầu mối của {commune} trong bot. Nếu đúng, xác nhận bằng lệnh: "
        'bietphai study confirm-contact "{name}"',
        "{name} ({phone}) asks to represent {commune} in the bot. If right, confirm with: "
        'bietphai study confirm-contact "{name}"',
    ),
    "ht.claim_confirmed": (
        "Quản trị viên đã xác nhận anh/chị là đầu mối của {commune}. Gõ /hoctap để đăng ký "
        "học tập kinh nghiệm tại Sở.",
        "The admin confirmed that you represent {commune}. Type /study to register a study "
        "visit at the department.",
    ),
    "ht.commune_unknown": (
        "Không có xã/phường «{commune}» trong danh sách.",
        "There is no commune «{commune}» in the list.",
    ),
    "ht.commune_set": (
        "Đã ghi: anh/chị là đầu mối của {commune}.",
        "Noted: you represent {commune}.",
    ),
    "ht.none": (
        "{commune} chưa có đăng ký học tập nào.",
        "{commune} has no study visit requests yet.",
    ),
    "ht.ask_people": (
        "Đăng ký học tập kinh nghiệm tại Sở. Gửi danh sách cán bộ đi học tập, mỗi người một "
        "dòng: Họ tên — chức vụ (tối đa {limit} người).",
        "Study visit request. Send the officials coming, one per line: Full name — position "
        "(at most {limit:person|people}).",
    ),
    "ht.zero_people": (
        "Đăng ký cần ít nhất một người. Chưa lưu gì.",
        "A request needs at least one person. Nothing was saved.",
    ),
    "ht.too_many_people": (
        "Một đăng ký tối đa {limit} người; hãy chia thành nhiều đăng ký.",
        "At most {limit:person|people} per request; please send several requests.",
    ),
    "ht.pick_divisions": (
        "Đoàn {people} người: {names}. Còn người thì gửi thêm tên; đọc sai thì chọn «Nhập lại "
        "danh sách».\nĐoàn muốn học tập ở phòng nào? Chọn một hoặc nhiều phòng rồi chọn «Xong». "
        "Đã chọn: {picked}",
        "Group of {people}: {names}. Send more names if someone is missing; if misread, pick "
        "«Type the list again».\nWhich divisions does the group want to learn from? Pick one or "
        "more, then «Done». Chosen: {picked}",
    ),
    "ht.names_more": (" và {more} người nữa", " and {more} more"),
    "ht.people_added": ("Đã thêm {added} người vào đoàn.", "{added} added to the group."),
    "ht.button.done": ("Xong", "Done"),
    "ht.button.retype": ("Nhập lại danh sách", "Type the list again"),
    "ht.divisions_empty": ("Hãy chọn ít nhất một phòng.", "Please pick at least one division."),
    "ht.ask_weeks": (
        "Đoàn muốn đến tuần nào? Chọn dưới đây, hoặc gõ một ngày trong tuần đó (ví dụ "
        "{example}) hay «tuần sau»; nhiều tuần thì cách nhau dấu phẩy. Sớm nhất: {first}.",
        "Which week would the group like to come? Pick below, or type a day of that week "
        "(for example {example}) or «next week»; several weeks separated by commas. "
        "Earliest: {first}.",
    ),
    "ht.not_a_week": (
        "Chưa đọc được tuần trong «{written}».",
        "Could not read a week in «{written}».",
    ),
    "ht.no_such_day": (
        "Ngày trong «{written}» không có trên lịch.",
        "The date in «{written}» does not exist.",
    ),
    "ht.past_week": (
        "Không chọn được {week}: tuần này đã qua hoặc đã bắt đầu. Chọn từ {first} trở đi.",
        "{week} cannot be chosen: it has passed or already started. Choose {first} or later.",
    ),
    "ht.too_many_weeks": (
        "Chọn tối đa {limit} tuần mong muốn.",
        "Choose at most {limit:preferred week|preferred weeks}.",
    ),
    "ht.ask_topic": (
        "Nội dung muốn học tập (chủ đề)?",
        "What does the group want to learn (topic)?",
    ),
    "ht.topic_too_long": (
        "Nội dung dài quá {limit} ký tự, anh/chị rút gọn giúp.",
        "The topic is longer than {limit:character|characters}, please shorten it.",
    ),
    "ht.saved": (
        "Đã gửi đăng ký {ref} — {commune}, {people} người, nội dung: {topic}",
        "Request {ref} sent — {commune}, {people:person|people}, topic: {topic}",
    ),
    "ht.saved_placed": (
        "{division}: {week}, chờ phòng xác nhận.",
        "{division}: {week}, waiting for the division to confirm.",
    ),
    "ht.saved.moved": (
        "{division}: {preferred} đã đủ chỗ; đề xuất {week}, chờ phòng xác nhận.",
        "{division}: {preferred} is full; {week} proposed, waiting for the division to confirm.",
    ),
    "ht.saved.holiday": (
        "{division}: {preferred} là tuần có ngày nghỉ{holiday}, Sở không đón đoàn; đề xuất {week}, "
        "chờ phòng xác nhận.",
        "{division}: {preferred} has a day off{holiday}, the department hosts no groups; {week} "
        "proposed, waiting for the division to confirm.",
    ),
    "ht.saved_next": (
        "Anh/chị sẽ được báo khi phòng xác nhận. Gõ /hoctap để xem các đăng ký.",
        "You will be told when the division confirms. Type /study to see your requests.",
    ),
    "ht.list_hint": (
        "Gõ /hoctap mới để đăng ký đoàn mới.",
        "Type /study new to register a new group.",
    ),
    "ht.list_title": (
        "{commune} — đăng ký học tập tại Sở ({total}):",
        "{commune} — study visit requests ({total}):",
    ),
    "ht.button.new": ("Đăng ký đoàn mới", "Register a new group"),
    "ht.request_title": (
        "{ref} — {commune}, {people} người, nội dung: {topic}",
        "{ref} — {commune}, {people:person|people}, topic: {topic}",
    ),
    "ht.request_people": ("Đoàn: {names}", "Group: {names}"),
    "ht.line_waiting": (
        "{division}: {week}, chờ phòng xác nhận",
        "{division}: {week}, waiting for confirmation",
    ),
    "ht.line_confirmed": (
        "{division}: đã xác nhận {week}, {people} người; liên hệ {by}",
        "{division}: confirmed {week}, {people:person|people}; contact {by}",
    ),
    "ht.not_found": (
        "Không tìm thấy đăng ký {ref} trong phạm vi của anh/chị. Gõ /hoctap để xem danh sách.",
        "No request {ref} within your scope. Type /study to see the list.",
    ),
    "ht.no_right": (
        "Anh/chị không có quyền xử lý {ref}: việc này do lãnh đạo phòng được đăng ký quyết định.",
        "You may not act on {ref}: the division asked for decides.",
    ),
    "ht.card": (
        "Đăng ký học tập {ref} — {commune} (đầu mối: {contact})\n"
        "Học tập tại: {division}, {people} người:\n{members}\nNội dung: {topic}\n{where}",
        "Study visit request {ref} — {commune} (contact: {contact})\n"
        "At: {division}, {people:person|people}:\n{members}\nTopic: {topic}\n{where}",
    ),
    "ht.card.placed": (
        "Tuần mong muốn: {week}, còn chỗ — đã xếp vào tuần này, chờ phòng xác nhận.",
        "Preferred: {week}, has room — placed there, waiting for your confirmation.",
    ),
    "ht.card.large": (
        "Tuần mong muốn: {week}, còn trống nhưng đoàn đông hơn {capacity} chỗ của một tuần — "
        "đã xếp vào tuần này, phòng có thể tách đoàn; chờ phòng xác nhận.",
        "Preferred: {week}, empty but the group is larger than a week's "
        "{capacity:place|places} — placed there, you may split it; waiting for your confirmation.",
    ),
    "ht.card.moved": (
        "Tuần mong muốn: {preferred}, đã đủ chỗ — đề xuất {week}, chờ phòng xác nhận.",
        "Preferred: {preferred}, full — {week} proposed, waiting for your confirmation.",
    ),
    "ht.card.holiday": (
        "Tuần mong muốn: {preferred}, có ngày nghỉ{holiday}, Sở không đón đoàn — đề xuất {week}, "
        "chờ phòng xác nhận.",
        "Preferred: {preferred}, has a day off{holiday}, no groups hosted — {week} proposed, "
        "waiting for your confirmation.",
    ),
    "ht.button.confirm": ("Xác nhận tuần {week}", "Confirm week {week}"),
    "ht.button.move": ("Chuyển sang tuần {week}", "Move to week {week}"),
    "ht.button.split": ("Tách: {chunks}", "Split: {chunks}"),
    "ht.chunk": ("{people} người {week}", "{people:person|people} {week}"),
    "ht.already_confirmed": (
        "{ref} ({division}) đã được {by} xác nhận: {week}.",
        "{ref} ({division}) was already confirmed by {by}: {week}.",
    ),
    "ht.cancelled_part": ("{ref} đã hủy.", "{ref} was cancelled."),
    "ht.week_taken": (
        "{week} vừa hết chỗ. Các lựa chọn mới:",
        "{week} has just filled up. New options:",
    ),
    "ht.no_split": (
        "Không cần tách nữa: chỗ trống đã thay đổi. Các lựa chọn mới:",
        "No split needed any more: the room has changed. New options:",
    ),
    "ht.head_done": (
        "Đã xác nhận {ref} — {division}, {commune}: {weeks}. {told}\nGõ /hoctap để xem lịch "
        "các đoàn.",
        "Confirmed {ref} — {division}, {commune}: {weeks}. {told}\nType /study to see the "
        "calendar.",
    ),
    "ht.contact_confirmed": (
        "{ref}: {division} đã xác nhận lịch học tập của đoàn {commune}:",
        "{ref}: {division} confirmed the study visit of {commune}:",
    ),
    "ht.week_line": (
        "{week} ({monday} – {friday}): {people} người — {names}",
        "{week} ({monday} – {friday}): {people:person|people} — {names}",
    ),
    "ht.place": ("Địa điểm: {place}", "Place: {place}"),
    "ht.contact_person": ("Người liên hệ: {name}", "Contact person: {name}"),
    "ht.reminder": (
        "Nhắc lịch học tập {ref}: đoàn {commune} học tập tại {division} {week}, bắt đầu "
        "{monday}.\n{people} người — {names}\nĐịa điểm: {place}\nNgười liên hệ: {name}",
        "Reminder {ref}: the group of {commune} studies at {division} {week}, starting "
        "{monday}.\n{people:person|people} — {names}\nPlace: {place}\nContact person: {name}",
    ),
    "ht.no_divisions": (
        "Anh/chị chưa phụ trách phòng nào nên không có lịch học tập để xem.",
        "You head no division, so there is no study calendar to show.",
    ),
    "ht.cal.title": (
        "Lịch học tập kinh nghiệm tại Sở — {divisions}; {weeks} tuần tới, mỗi phòng đón tối đa "
        "{capacity} người/tuần:",
        "Study visits at the department — {divisions}; next {weeks:week|weeks}, at most "
        "{capacity:person|people} per division and week:",
    ),
    "ht.cal.holiday": (
        "tuần có ngày nghỉ lễ/ngày nghỉ — không đón đoàn",
        "a week with a public holiday or day off — no groups",
    ),
    "ht.cal.division": (
        "{division}: {people} người, còn {room} chỗ",
        "{division}: {people:person|people}, {room:place|places} left",
    ),
    "ht.cal.part": (
        "{ref} {commune}, {people} người ({status})",
        "{ref} {commune}, {people:person|people} ({status})",
    ),
    "ht.cal.free": (
        "Chưa có đoàn: {divisions} (còn {room} chỗ mỗi phòng)",
        "No group yet: {divisions} ({room:place|places} each)",
    ),
    "ht.cal.cli_title": (
        "Lịch học tập kinh nghiệm tại Sở từ {first} đến {last}; mỗi phòng đón tối đa "
        "{capacity} người/tuần:",
        "Study visits at the department from {first} to {last}; at most "
        "{capacity:person|people} per division and week:",
    ),
    "ht.cal.hint": (
        "Gõ /hoctap {n} để xem và xử lý đăng ký {ref}.",
        "Type /study {n} to see and act on request {ref}.",
    ),
    "ht.cal.none": (
        "Chưa có đoàn nào đăng ký trong các tuần này.",
        "No group has registered for these weeks.",
    ),
    "ht.cal.empty_week": (
        "{week}: chưa có đoàn (mỗi phòng còn {room} chỗ)",
        "{week}: no group yet ({room:place|places} per division)",
    ),
    "ht.cal.free_count": (
        "{count} phòng khác chưa có đoàn (còn {room} chỗ mỗi phòng)",
        "{count:other division|other divisions} without a group ({room:place|places} each)",
    ),
    "ht.status.waiting": ("chờ xác nhận", "waiting"),
    "ht.status.confirmed": ("đã xác nhận", "confirmed"),
    "ht.status.cancelled": ("đã hủy", "cancelled"),
    "ht.numbered_hint": (
        "Gõ /hoctap {number} để xem và xử lý đăng ký này.",
        "Type /study {number} to see and act on this request.",
    ),
}
