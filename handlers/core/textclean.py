"""Text as it may be stored and shown: one cleaning used wherever text enters, or leaves as a
file."""

from __future__ import annotations

import re
import unicodedata

# Line breaks written with characters other than \n: Word's Shift+Enter (VT), form feed, NEL and
# the Unicode line and paragraph separators. People meant a new line.
_LINE_BREAKS = str.maketrans(
    {"\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"}
)
# What XML 1.0 cannot hold (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF), plus DEL
# and the C1 controls, which no one types on purpose.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Bidirectional embeddings, overrides and isolates: they make a name or a text display as
# something other than what is stored.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Letters that look like nothing (Hangul fillers, the blank Braille pattern, the combining
# grapheme joiner), used to send "empty" text that is not empty.
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
# A text starting with one of these is a formula (or starts one) to a spreadsheet: the OWASP rule
# for CSV injection. Tab and CR are there because some programs skip them first.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def xml_safe(text: str) -> str:
    """The text with line-break controls as \\n and characters XML cannot hold removed."""
    return _NOT_XML.sub("", text.translate(_LINE_BREAKS))


def is_invisible(char: str) -> bool:
    """A character that shows nothing: whitespace, format characters (zero-width), fillers."""
    return char.isspace() or char in _BLANK_LOOKING or unicodedata.category(char) == "Cf"


def is_blank(text: str) -> bool:
    """True when nothing would be visible: only whitespace, zero-width or invisible characters."""
    return all(is_invisible(char) for char in text)


def clean_text(text: str) -> str:
    """Text from a person, a file or a command line as it may be stored.

    NFC (phones may send decomposed Vietnamese), line-break controls as \\n, characters XML cannot
    hold and bidirectional controls removed, invisible characters trimmed at both ends; text with
    nothing visible becomes "".
    """
    if not text:
        return text
    cleaned = _BIDI_CONTROLS.sub("", xml_safe(unicodedata.normalize("NFC", text)))
    start, end = 0, len(cleaned)
    while start < end and is_invisible(cleaned[start]):
        start += 1
    while end > start and is_invisible(cleaned[end - 1]):
        end -= 1
    return cleaned[start:end]
