"""Catalog texts of the supervisors' daily and weekly digests: (Vietnamese, English)."""

from __future__ import annotations

DIGEST_TEXTS: dict[str, tuple[str, str]] = {
    # Daily digest
    "digest.title_day": (
        "Báo cáo tổng hợp ngày {day} — phạm vi: {scope}",
        "Daily digest for {day} — scope: {scope}",
    ),
    "digest.as_of": ("Số liệu tính đến {time} hôm nay.", "Figures as of {time} today."),
    "digest.scope_all": ("toàn Sở", "the whole department"),
    "digest.scope_none": ("chưa được giao phạm vi nào", "nothing assigned yet"),
    "digest.counts": (
        "Phải báo cáo: {expected} · Đã ghi: {reported} · Chưa ghi: {missing} · Nghỉ phép: {leave}",
        "Expected: {expected} · Logged: {reported} · Missing: {missing} · On leave: {leave}",
    ),
    "digest.day_off": (
        "Ngày nghỉ ({reason}): không tính thiếu nhật ký.",
        "Day off ({reason}): nobody counts as missing.",
    ),
    "digest.day_off_admin": ("nghỉ theo lịch của Sở", "off in the department's calendar"),
    "digest.day_off_logged": (
        "Có {count} cán bộ vẫn ghi nhật ký.",
        "{count:official|officials} logged work anyway.",
    ),
    "digest.makeup_day": (
        "Ngày làm việc bù: tính như ngày làm việc bình thường.",
        "Make-up working day: counted as a normal working day.",
    ),
    "digest.nobody": (
        "Không có cán bộ biệt phái nào trong phạm vi vào ngày này.",
        "No seconded official is in your scope on this day.",
    ),
    "digest.missing_title": ("Chưa ghi nhật ký ({count}):", "No work log yet ({count}):"),
    "digest.leave_title": ("Nghỉ phép ({count}):", "On leave ({count}):"),
    "digest.person_line": ("• {name} · {communes}", "• {name} · {communes}"),
    "digest.more_people": ("… và {count} người khác.", "… and {count} more."),
    "digest.entries_title": ("Nhật ký công tác ({count}):", "Work log entries ({count}):"),
    "digest.entries_none": (
        "Nhật ký công tác: chưa có nhật ký nào.",
        "Work log entries: none yet.",
    ),
    "digest.commune_heading": ("{commune} ({count}):", "{commune} ({count}):"),
    "digest.entry_line": (
        "• {time} · {name} · {topic}: {text}{files}",
        "• {time} · {name} · {topic}: {text}{files}",
    ),
    "digest.entry_late": ("ghi bù {when}", "logged {when}"),
    "digest.entry_files": (" · {count} ảnh/tệp", " · {count:file|files}"),
    "digest.more_entries": ("… và {count} nhật ký khác.", "… and {count:more entry|more entries}."),
    "digest.new_title": (
        "Khó khăn, vướng mắc mới trong ngày ({count}):",
        "New difficulties ({count}):",
    ),
    "digest.overdue_title": ("Khó khăn quá hạn ({count}):", "Overdue difficulties ({count}):"),
    "digest.waiting_title": (
        "Khó khăn đang chờ xử lý ({count}):",
        "Difficulties in progress ({count}):",
    ),
    "digest.kk_none": (
        "Khó khăn, vướng mắc: không có mục mới, quá hạn hay đang chờ xử lý.",
        "Difficulties: nothing new, overdue or in progress.",
    ),
    "digest.kk_new_line": (
        "• {reference}{urgent} · {commune} · {reporter} · {status}: {preview}",
        "• {reference}{urgent} · {commune} · {reporter} · {status}: {preview}",
    ),
    "digest.kk_open_line": (
        "• {reference}{urgent} · {status} · {commune} · {age}: {preview}",
        "• {reference}{urgent} · {status} · {commune} · {age}: {preview}",
    ),
    "digest.urgent": (" · GẤP", " · URGENT"),
    "digest.more_kk": (
        "… và {count} mục khác, gõ /dskhokhan để xem.",
        "… and {count} more, type /issues to see them.",
    ),
    "digest.unreachable_title": (
        "Không liên lạc được qua bot ({count}):",
        "Cannot be reached by the bot ({count}):",
    ),
    "digest.unreachable_blocked": (
        "• {name} — đã chặn bot hoặc không nhận được tin",
        "• {name} — blocked the bot or cannot receive messages",
    ),
    "digest.unreachable_unlinked": (
        "• {name} — chưa liên kết tài khoản với bot",
        "• {name} — has not linked a chat account",
    ),
    # Weekly digest
    "digest.title_week": (
        "Báo cáo tổng hợp tuần {week}/{year} ({first} – {last}) — phạm vi: {scope}",
        "Weekly digest, week {week}/{year} ({first} – {last}) — scope: {scope}",
    ),
    "digest.as_of_week": ("Số liệu tính đến {time} {day}.", "Figures as of {time} {day}."),
    "digest.week_rate": (
        "Tỷ lệ báo cáo: {reported}/{expected} ngày công ({rate}) · {officials} cán bộ · "
        "{days} ngày làm việc",
        "Reporting rate: {reported}/{expected:working day|working days} ({rate}) · "
        "{officials:official|officials} · {days:working day|working days}",
    ),
    "digest.week_no_days": (
        "Chưa có ngày làm việc nào để tính tỷ lệ báo cáo.",
        "No working day to count yet.",
    ),
    "digest.officials_title": (
        "Theo cán bộ (ngày đã ghi/ngày phải ghi, thấp nhất trước):",
        "By official (days logged/expected, lowest first):",
    ),
    "digest.official_line": (
        "• {name}: {reported}/{expected} ({rate}){leave}",
        "• {name}: {reported}/{expected} ({rate}){leave}",
    ),
    "digest.official_leave": (" · nghỉ phép {days} ngày", " · on leave {days} d"),
    "digest.more_officials": (
        "… và {count} cán bộ khác.",
        "… and {count:more official|more officials}.",
    ),
    "digest.communes_title": (
        "Hoạt động theo xã (số nhật ký theo lĩnh vực):",
        "Activity by commune (entries by topic):",
    ),
    "digest.commune_line": (
        "• {commune}: {count} nhật ký — {topics}",
        "• {commune}: {count:entry|entries} — {topics}",
    ),
    "digest.communes_none": (
        "Hoạt động theo xã: chưa có nhật ký nào trong tuần.",
        "Activity by commune: no entries this week.",
    ),
    "digest.more_communes": ("… và {count} xã khác.", "… and {count:more commune|more communes}."),
    "digest.week_kk": (
        "Khó khăn, vướng mắc trong tuần: nêu mới {raised} · đã trả lời {answered} · "
        "đã giải quyết {resolved}",
        "Difficulties this week: raised {raised} · answered {answered} · resolved {resolved}",
    ),
    "digest.median": (
        "Thời gian phản hồi đầu tiên (trung vị): {duration}, tính trên {count} khó khăn.",
        "Median time to first response: {duration}, over {count:difficulty|difficulties}.",
    ),
    "digest.median_none": (
        "Trong tuần chưa có khó khăn nào được phản hồi lần đầu.",
        "No difficulty had its first response this week.",
    ),
    "digest.oldest_title": (
        "Khó khăn còn mở lâu nhất ({shown}/{total}):",
        "Oldest open difficulties ({shown} of {total}):",
    ),
    "digest.oldest_none": ("Không còn khó khăn nào đang mở.", "No difficulty is open."),
    "digest.chart_note": (
        "Biểu đồ kèm theo: tỷ lệ báo cáo theo xã và khó khăn theo lĩnh vực.",
        "Chart attached: reporting rate by commune and difficulties by topic.",
    ),
    "digest.minutes": ("{minutes} phút", "{minutes} min"),
    "digest.hours": ("{hours} giờ {minutes} phút", "{hours} h {minutes} min"),
    "digest.days": ("{days} ngày {hours} giờ", "{days} d {hours} h"),
    # The weekly chart
    "chart.rate_title": ("Tỷ lệ báo cáo theo xã (%)", "Reporting rate by commune (%)"),
    "chart.rate_lowest": (
        "Tỷ lệ báo cáo: {count} xã thấp nhất (%)",
        "Reporting rate: the {count:lowest commune|lowest communes} (%)",
    ),
    "chart.topic_title": (
        "Khó khăn, vướng mắc nêu trong tuần theo lĩnh vực",
        "Difficulties raised this week by topic",
    ),
    "chart.no_data": ("Không có số liệu", "No data"),
    # /baocao
    "digest.not_supervisor": (
        "Báo cáo tổng hợp dành cho lãnh đạo phòng, tổ trưởng tổ công tác và lãnh đạo Sở. "
        "Gõ /trogiup để xem những gì anh/chị có thể làm.",
        "Digests are for division heads, working-group leaders and leadership. "
        "Type /help to see what you can do.",
    ),
    "digest.usage": (
        "Anh/chị gõ /baocao để xem báo cáo hôm nay; /baocao hôm qua; /baocao 27/11 cho một "
        "ngày; /baocao tuần cho tuần này; /baocao tuần trước cho tuần trước; /baocao tháng, "
        "/baocao tháng trước hoặc /baocao đợt cho dự thảo báo cáo theo mẫu (tệp Word).",
        "Type /digest for today; /digest yesterday; /digest 27/11 for one day; /digest week for "
        "this week; /digest last week for the week before; /digest month, /digest last month or "
        "/digest wave for the draft report in the official format (a Word file).",
    ),
    "digest.future": (
        "Ngày {day} chưa tới nên chưa có báo cáo. Gõ /baocao để xem báo cáo hôm nay.",
        "{day} has not come yet. Type /digest for today's digest.",
    ),
    "digest.button_today": ("Hôm nay", "Today"),
    "digest.button_yesterday": ("Hôm qua", "Yesterday"),
    "digest.button_week": ("Báo cáo tuần này", "This week"),
    "digest.button_last_week": ("Tuần trước", "Last week"),
    "help.baocao": (
        "/baocao (hoặc /digest) — báo cáo tổng hợp hôm nay; thêm hôm qua, ngày dd/mm, "
        "tuần hoặc tuần trước; /baocao tháng, tháng trước, đợt — dự thảo báo cáo theo mẫu "
        "(tệp Word)",
        "/digest (or /baocao) — today's digest; add yesterday, dd/mm, week or last week; "
        "/digest month, last month, wave — the draft report in the official format (Word)",
    ),
}
