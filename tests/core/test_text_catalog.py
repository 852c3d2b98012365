"""The text catalog stays whole: every key used, every used key there, both languages alike.

Keys reach `t`/`turn.t`/`turn.say` as literals, through variables and dicts, or built in
f-strings (f"kk.status.{status}"), so the code is read with `ast`: a key counts as used when a
string literal equals it or an f-string key pattern matches it.
"""

from __future__ import annotations

import ast
import re
import string
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from bot.orgservice import create_invite
from handlers.core.texts import TEXTS
from handlers.core.texts.plural import fill
from handlers.core.turn import HandlerConfig
from handlers.router import Router
from storage import Database
from tests.chat import ZONE, Chat
from tests.helpers.sample import AN

ROOT = Path(__file__).resolve().parents[2]
CATALOG_MODULE = re.compile(r"texts(_\w+)?\.py")
KEY_LIKE = re.compile(r"[a-z_]+(\.[a-z0-9_]+)+")
KEY_START = re.compile(r"[a-z_]+\.")
NAMESPACES = {key.split(".")[0] for key in TEXTS}
# Nouns the English texts count; "1 days" or "1 photo(s)" must not be shown.
NOUNS = (
    "people|days|entries|files|photos|officials|communes|difficulties|characters|items|weeks"
    "|places|members|requests|groups|hours|minutes|reminders|divisions|messages"
)
WRONG_FOR_ONE = re.compile(rf"\b1 (?:[a-z-]+ )?(?:{NOUNS})\b|\b1 [a-z ]*\w\(s\)")


@dataclass
class CodeStrings:
    """What the code says about keys: literals, f-string patterns, and the keys it asks for."""

    literals: set[str] = field(default_factory=set)
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    asked: list[tuple[str, str]] = field(default_factory=list)  # (where, literal key)


def _code_files() -> list[Path]:
    return [
        path
        for folder in ("bot", "handlers", "storage")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if not CATALOG_MODULE.fullmatch(path.name)
    ]


def _key_argument(call: ast.Call) -> ast.expr | None:
    """The key of t(lang, key), say(lang, key), turn.t(key) or turn.say(key)."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in ("t", "say") and call.args:
        return call.args[0]
    if isinstance(func, ast.Name) and func.id in ("t", "say") and len(call.args) > 1:
        return call.args[1]
    return None


def read_code() -> CodeStrings:
    """Every string the application code holds, read once."""
    found = CodeStrings()
    for path in _code_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_fstrings = {
            id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in in_fstrings:
                    found.literals.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                parts = [
                    re.escape(str(v.value)) if isinstance(v, ast.Constant) else "[a-z0-9_]+"
                    for v in node.values
                ]
                first = node.values[0]
                if isinstance(first, ast.Constant) and KEY_START.match(str(first.value)):
                    found.patterns.append(re.compile("".join(parts)))
            elif isinstance(node, ast.Call):
                key = _key_argument(node)
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.asked.append((where, key.value))
    return found


CODE = read_code()


def placeholders(text: str) -> set[str]:
    """The names of the {placeholders} in a text, without format specs."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_catalog_key_is_used_somewhere() -> None:
    unused = [
        key
        for key in TEXTS
        if key not in CODE.literals and not any(p.fullmatch(key) for p in CODE.patterns)
    ]
    assert unused == []


def test_every_key_the_code_asks_for_is_in_the_catalog() -> None:
    assert len(CODE.asked) > 100  # the reading found the calls
    missing = [f"{where} {key}" for where, key in CODE.asked if key not in TEXTS]
    assert missing == []


def test_every_key_like_literal_in_the_code_is_in_the_catalog() -> None:
    """Keys kept in dicts or variables (UNREADABLE, PROMPTS) are checked too."""
    missing = sorted(
        s
        for s in CODE.literals
        if KEY_LIKE.fullmatch(s) and s.split(".")[0] in NAMESPACES and s not in TEXTS
    )
    assert missing == []


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_both_languages_are_there_with_the_same_placeholders(key: str) -> None:
    vi, en = TEXTS[key]
    assert vi.strip() and en.strip()
    assert unicodedata.is_normalized("NFC", vi)
    assert placeholders(vi) == placeholders(en)


def test_english_counts_read_right_for_one() -> None:
    wrong = []
    for key, (vi, en) in TEXTS.items():
        ones = {name: 1 for name in placeholders(en)}
        for text in (fill(en, ones), fill(vi, ones)):
            wrong += [f"{key}: {m.group(0)}" for m in WRONG_FOR_ONE.finditer(text)]
    assert wrong == []


def test_a_counted_noun_is_singular_only_for_exactly_one() -> None:
    template = "{count:entry|entries}"
    assert [fill(template, {"count": n}) for n in (0, 1, 2, "1", "1,234")] == [
        "0 entries",
        "1 entry",
        "2 entries",
        "1 entry",
        "1,234 entries",
    ]
    # A text without a counted noun formats exactly as str.format would.
    assert fill("Filter: a | b {x:>3}", {"x": 7}) == "Filter: a | b   7"


async def test_an_english_reader_sees_one_photo_not_one_photos(org_db: Database) -> None:
    router = Router(org_db, HandlerConfig(zone=ZONE, language="en", backdate_days=1))
    an = Chat(router, "4001")
    invite = await create_invite(org_db, AN, an.clock, timedelta(days=7))
    assert (await an.say(f"/start {invite.code}")).startswith("Hello An!")
    await an.say("/log")
    await an.press("Other")
    assert (await an.photo(file_id="p1")).startswith("1 photo or file received.")
    assert (await an.photo(file_id="p2")).startswith("2 photos or files received.")
    saved = await an.say("Checked the archive records")
    assert " · 2 photos or files" in saved
    # A day two days back is out of reach with one day of back-dating.
    assert "more than 1 day ago" in await an.say("/log 23/11 Meeting")
