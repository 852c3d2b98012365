"""Finding the one person an operator means on the command line (invite, chat --as, export)."""

from __future__ import annotations

from handlers.core.phone import normalize_phone
from handlers.core.textfold import fold
from storage import org
from storage.db import Tx
from storage.models import Person


def _folded_name(text: str) -> str:
    return " ".join(fold(text).split())


async def people_named(tx: Tx, query: str) -> list[Person]:
    """Everyone who answers to this phone or full name, the most exact way that finds anyone."""
    phone = normalize_phone(query)
    if phone:
        by_phone = await org.people_matching(tx, phone)
        if by_phone:
            return by_phone
    exact = await org.people_matching(tx, " ".join(query.split()))
    if exact:
        return exact
    wanted = _folded_name(query)
    return [p for p in await org.all_people(tx) if wanted and _folded_name(p.full_name) == wanted]


def not_one_person(query: str, matches: list[Person]) -> str:
    """One Vietnamese line for nobody or several people answering to `query`."""
    if not matches:
        return f"không tìm thấy ai tên hoặc số điện thoại '{query}'"
    names = ", ".join(f"{p.full_name} ({p.phone or 'chưa có số điện thoại'})" for p in matches)
    return f"có {len(matches)} người ứng với '{query}': {names}; hãy dùng số điện thoại"
