"""English counts that read right for one: "{count:entry|entries}" gives "1 entry", "3 entries"."""

from __future__ import annotations

import string
from collections.abc import Mapping


class CatalogFormatter(string.Formatter):
    """str.format, plus "{name:one|many}" for a count and its noun."""

    def format_field(self, value: object, format_spec: str) -> str:
        """The count and its noun, singular for exactly one; any other spec as usual."""
        if "|" not in format_spec:
            return str(super().format_field(value, format_spec))
        one, many = format_spec.split("|", 1)
        return f"{value} {one if str(value).strip() == '1' else many}"


_FORMATTER = CatalogFormatter()


def fill(template: str, values: Mapping[str, object]) -> str:
    """The template with its values; the slower formatter only where a count is marked."""
    if "|" in template:
        return _FORMATTER.vformat(template, (), values)
    return template.format(**values)
