"""The guidance areas of the department's plan, used as topics of entries and difficulties."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """A guidance area (lĩnh vực) with its labels."""

    code: str
    vi: str
    en: str

    def label(self, lang: str) -> str:
        """The label in the given language."""
        return self.en if lang == "en" else self.vi


TOPICS: tuple[Topic, ...] = (
    Topic("bomay", "Tổ chức bộ máy HĐND và UBND", "People's Council and Committee organisation"),
    Topic("bienche", "Biên chế, số lượng người làm việc", "Staffing quotas"),
    Topic("vitri", "Vị trí việc làm", "Job positions"),
    Topic("ccvc", "Quản lý công chức, viên chức", "Civil servants and public employees"),
    Topic("kct", "Người hoạt động không chuyên trách", "Non-specialised workers"),
    Topic("cchc", "Cải cách hành chính", "Administrative reform"),
    Topic("vanthu", "Văn thư, lưu trữ", "Records and archives"),
    Topic("khac", "Khác", "Other"),
)
OTHER = "khac"
_BY_CODE = {t.code: t for t in TOPICS}


def topic_label(code: str, lang: str) -> str:
    """The label of a topic code (the code itself if unknown)."""
    topic = _BY_CODE.get(code)
    return topic.label(lang) if topic else code


def is_topic(code: str) -> bool:
    """Whether this is a known topic code."""
    return code in _BY_CODE
