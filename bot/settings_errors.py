"""A bad setting as one Vietnamese line: 'Lỗi cấu hình (BOT_LANGUAGE): phải là 'vi' hoặc 'en' …'."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

# pydantic error type -> Vietnamese, filled from the error's context.
_MESSAGES = {
    "literal_error": "phải là {expected}",
    "int_parsing": "phải là một số nguyên",
    "int_from_float": "phải là một số nguyên",
    "float_parsing": "phải là một số",
    "greater_than_equal": "phải từ {ge} trở lên",
    "less_than_equal": "không được quá {le}",
    "greater_than": "phải lớn hơn {gt}",
    "less_than": "phải nhỏ hơn {lt}",
    "time_parsing": "phải là giờ dạng HH:MM, ví dụ 16:30",
    "time_type": "phải là giờ dạng HH:MM, ví dụ 16:30",
    "bool_parsing": "phải là true hoặc false",
    "string_too_short": "không được để trống",
}
VALUE_ERROR_PREFIX = "Value error, "
# Values never echoed: they give access to the bot.
HIDDEN = ("TOKEN", "SECRET")


def settings_error_line(exc: ValidationError) -> str:
    """The first problem of a rejected configuration, in one Vietnamese line."""
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "cấu hình"
    return f"Lỗi cấu hình ({where}): {_explain(error, where)}"


def _explain(error: Any, where: str) -> str:
    kind = str(error["type"])
    if kind == "value_error":
        return str(error["msg"]).removeprefix(VALUE_ERROR_PREFIX)
    template = _MESSAGES.get(kind)
    if template is None:
        return f"giá trị không hợp lệ ({error['msg']})"
    context = {k: str(v).replace(" or ", " hoặc ") for k, v in error.get("ctx", {}).items()}
    text = template.format(**context)
    given = error.get("input")
    if isinstance(given, str) and not any(word in where for word in HIDDEN):
        text += f" (đang đặt '{given}')"
    return text
