"""The command line's argument parser in Vietnamese: headings, help and one-line errors."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

USAGE_PREFIX = "cách dùng: "
EXIT_BAD_ARGUMENTS = 2

# argparse's English messages (Python 3.11) and how each reads in Vietnamese.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the following arguments are required: (?P<what>.+)"), "thiếu {what}"),
    (
        re.compile(r"argument (?P<arg>\S+): invalid choice: '?(?P<value>[^' ]*)'? \(choose from"),
        "không có '{value}' (cho {arg})",
    ),
    (re.compile(r"unrecognized arguments: (?P<what>.+)"), "không hiểu tham số: {what}"),
    (re.compile(r"argument (?P<arg>\S+): expected one argument"), "{arg} cần một giá trị"),
    (re.compile(r"argument (?P<arg>\S+): expected .* arguments?"), "{arg} thiếu giá trị"),
    (
        re.compile(r"argument (?P<arg>\S+): invalid \S+ value: '?(?P<value>[^']*)'?"),
        "giá trị '{value}' của {arg} không hợp lệ",
    ),
    (
        re.compile(r"argument (?P<arg>\S+): not allowed with argument (?P<other>\S+)"),
        "{arg} không dùng cùng {other}",
    ),
    (
        re.compile(r"ambiguous option: (?P<arg>\S+) could match (?P<what>.+)"),
        "tùy chọn {arg} chưa rõ, có thể là {what}",
    ),
)


def vietnamese_error(message: str, commands: Iterable[str] = ()) -> str:
    """One of argparse's English error messages in Vietnamese (unknown ones keep their text)."""
    for pattern, template in _MESSAGES:
        found = pattern.search(message)
        if found:
            text = template.format(**found.groupdict())
            names = ", ".join(commands)
            if "invalid choice" in message and found.group("arg") == "COMMAND":
                text = f"không có lệnh '{found.group('value')}'"
                if names:
                    text += f"; các lệnh: {names}"
            elif "required" in message and names:
                text += f" (một trong: {names})"
            return text
    return f"tham số không hợp lệ ({message})"


class VietnameseFormatter(argparse.HelpFormatter):
    """Help text with the Vietnamese usage prefix."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        """The usage line starts with 'cách dùng:' instead of 'usage:'."""
        super().add_usage(usage, actions, groups, USAGE_PREFIX if prefix is None else prefix)


class VietnameseParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are in Vietnamese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", VietnameseFormatter)
        wants_help = kwargs.get("add_help", True)
        kwargs["add_help"] = False  # our own -h/--help below, with a Vietnamese help line
        super().__init__(*args, **kwargs)
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        if wants_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help="xem hướng dẫn này rồi thoát",
            )

    def command_names(self) -> list[str]:
        """The sub-commands this parser offers, in order."""
        return [
            name
            for action in self._actions
            if isinstance(action, argparse._SubParsersAction)
            for name in action.choices
        ]

    def error(self, message: str) -> NoReturn:
        """One Vietnamese line with a hint to --help, then exit code 2 (no usage, no English)."""
        line = vietnamese_error(message, self.command_names())
        print(f"Lỗi: {line}. Gõ {self.prog} --help để xem cách dùng.", file=sys.stderr)
        sys.exit(EXIT_BAD_ARGUMENTS)
