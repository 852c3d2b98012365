"""Vietnamese phone numbers in one form, so a shared contact matches the workbook."""

from __future__ import annotations

import re

_NOISE = re.compile(r"[\s.\-()]")


def normalize_phone(raw: str) -> str | None:
    """`+84 90 000 0001`, `84900000001`, `0900000001` and `900000001` all give `0900000001`."""
    digits = _NOISE.sub("", raw.strip())
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        return None
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif len(digits) == 9 and not digits.startswith("0"):
        # Excel drops the leading zero of a phone typed as a number.
        digits = "0" + digits
    if len(digits) != 10 or not digits.startswith("0"):
        return None
    return digits
