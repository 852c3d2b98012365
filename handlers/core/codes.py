"""Codes as people type them: "XA1", "xa 3", "Xa-03" all mean XA01 / XA03 when only one fits."""

from __future__ import annotations

import re
from collections.abc import Iterable

from handlers.core.textfold import fold

_CODE = re.compile(r"([a-z]+)0*(\d+)")
_NOISE = re.compile(r"[\s\-_.]")


def code_key(text: str) -> str | None:
    """'XA01', 'xa 1', 'Xa-001' -> 'xa1'; None for what is not letters then a number."""
    found = _CODE.fullmatch(_NOISE.sub("", fold(text)))
    return f"{found.group(1)}{int(found.group(2))}" if found else None


def match_code(typed: str, codes: Iterable[str]) -> str | None:
    """The one known code that `typed` means, exactly or loosely; None if none or several."""
    known = list(codes)
    wanted = fold(typed)
    for code in known:
        if fold(code) == wanted:
            return code
    key = code_key(typed)
    loose = [code for code in known if key is not None and code_key(code) == key]
    return loose[0] if len(loose) == 1 else None


def loose_code_keys(codes: Iterable[str]) -> dict[str, str]:
    """{'xa1': 'XA01', …} for every code whose loose form is shared with no other code."""
    by_key: dict[str, list[str]] = {}
    for code in codes:
        key = code_key(code)
        if key is not None:
            by_key.setdefault(key, []).append(code)
    return {key: found[0] for key, found in by_key.items() if len(found) == 1}
