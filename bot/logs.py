"""Logging for every command: one handler on the root logger that never writes a secret.

A bot token in a log line hands the bot to whoever reads the log, so secrets are removed where
every line passes (a filter on the root handler), not where each line is written: a URL, an
exception message or a traceback from any library is redacted the same way.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from types import TracebackType
from typing import Literal, TextIO
from urllib.parse import quote

from handlers.core import logcontext

REDACTED = "***"
# A Telegram-style token inside a Bot API URL, even one that is not configured here.
_TOKEN_IN_URL = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")
# Libraries whose request lines carry URLs (with the token) or whole payloads (personal data).
QUIET_LIBRARIES = ("httpx", "httpcore", "telegram", "hpack", "urllib3")
# APScheduler says "Running job …" and "… executed successfully" every minute at INFO.
DEMOTED_TO_DEBUG = ("apscheduler",)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

LogFormat = Literal["text", "json"]


class Redactor:
    """Replaces every configured secret (and its URL-encoded form) with ***."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        forms = set()
        for secret in secrets:
            if secret:
                forms.add(secret)
                forms.add(quote(secret, safe=""))
        # Longest first, so a secret that contains another is removed whole.
        self.secrets = sorted(forms, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        """The text with no secret left in it."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return _TOKEN_IN_URL.sub(f"/bot{REDACTED}", text)


class RedactingFilter(logging.Filter):
    """Renders each record's message and traceback once, redacted, before any formatter sees it."""

    def __init__(self, redact: Redactor, threshold: int) -> None:
        super().__init__()
        self.redact = redact
        self.threshold = threshold

    def filter(self, record: logging.LogRecord) -> bool:
        """Demote chatty library lines, then redact; False drops a line below the threshold."""
        if record.levelno == logging.INFO and record.name.startswith(DEMOTED_TO_DEBUG):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        if record.levelno < self.threshold:
            return False
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the line
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, update key and person when known."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON."""
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        key = logcontext.update_key.get()
        if key is not None:
            line["update_key"] = key
        person = logcontext.person_id.get()
        if person is not None:
            line["person_id"] = person
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False)


def configure(
    level: str,
    secrets: Iterable[str | None],
    log_format: LogFormat = "text",
    stream: TextIO | None = None,
) -> Redactor:
    """Send every log line to stderr through the redacting filter; returns the redactor."""
    redact = Redactor(secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactingFilter(redact, logging.getLevelNamesMapping()[level.upper()]))
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    # The handler's filter applies the same threshold again, after demoting APScheduler's ticks.
    root.setLevel(level.upper())
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    _log_uncaught()
    return redact


def _log_uncaught() -> None:
    """An exception nobody caught goes through logging (redacted) instead of a raw traceback."""

    def on_exception(
        kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        logging.getLogger("bietphai").critical("unexpected error", exc_info=(kind, exc, tb))

    def on_thread_exception(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            on_exception(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = on_exception
    threading.excepthook = on_thread_exception
