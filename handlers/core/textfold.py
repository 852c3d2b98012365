"""Comparing what people type with what the bot offered, ignoring case and diacritics."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without diacritics, so "luu" matches "Lưu" and "da nang" "Đà Nẵng"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()
