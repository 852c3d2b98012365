"""The filters of /dskhokhan as people type them: with or without diacritics and spaces."""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.core.codes import loose_code_keys
from handlers.core.textfold import fold
from handlers.core.topics import TOPICS
from handlers.difficulty.lifecycle import Status
from storage.models import Commune

OVERDUE_WORDS = {"quahan", "overdue"}
URGENT_WORDS = {"gap", "urgent"}
STATUS_WORDS: dict[str, Status] = {
    "moi": Status.NEW,
    "datiepnhan": Status.ACKNOWLEDGED,
    "tiepnhan": Status.ACKNOWLEDGED,
    "datraloi": Status.ANSWERED,
    "traloi": Status.ANSWERED,
    "canbosung": Status.MORE_INFO,
    "bosung": Status.MORE_INFO,
    "dachuyen": Status.FORWARDED,
    "chuyen": Status.FORWARDED,
    "molai": Status.REOPENED,
    **{s.value.replace("_", ""): s for s in Status},
}
# The longest run of typed words tried as one name ("huyện … xã Hòa Vang Tây").
LONGEST_NAME = 6
# Part of a commune's name matches from this many letters ("vang"), not "xa" or "a".
SHORTEST_PART = 3


@dataclass
class Filters:
    """What the typed words ask for; `unknown` holds words that match nothing."""

    overdue: bool = False
    urgent: bool = False
    statuses: set[str] = field(default_factory=set)
    communes: set[str] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)
    unknown: list[str] = field(default_factory=list)


def squash(text: str) -> str:
    """Folded and without spaces or commas: 'Quá hạn' -> 'quahan'."""
    return "".join(fold(text).replace(",", " ").split())


def parse_filters(args: str, communes: list[Commune]) -> Filters:
    """Read the words after /dskhokhan."""
    words = args.split()
    found = Filters()
    # "xa1" and "xa 3" for XA01 and XA03, when no other code reads the same.
    commune_keys = loose_code_keys(c.code for c in communes)
    for commune in communes:
        commune_keys[squash(commune.code)] = commune.code
        commune_keys[squash(commune.name)] = commune.code
        # "Hòa Vang Tây" is often typed without its "Xã"/"Phường".
        bare = commune.name.split(" ", 1)
        if len(bare) == 2 and squash(bare[0]) in ("xa", "phuong"):
            commune_keys[squash(bare[1])] = commune.code
    topic_keys = {squash(t.code): t.code for t in TOPICS}
    topic_keys.update({squash(t.vi): t.code for t in TOPICS})
    topic_keys.update({squash(t.en): t.code for t in TOPICS})
    start = 0
    while start < len(words):
        for end in range(min(len(words), start + LONGEST_NAME), start, -1):
            key = squash(" ".join(words[start:end]))
            if _take(found, key, commune_keys, topic_keys) or _part_of_name(found, key, communes):
                start = end
                break
        else:
            found.unknown.append(words[start])
            start += 1
    return found


def _take(found: Filters, key: str, communes: dict[str, str], topics: dict[str, str]) -> bool:
    if key in OVERDUE_WORDS:
        found.overdue = True
    elif key in URGENT_WORDS:
        found.urgent = True
    elif key in STATUS_WORDS:
        found.statuses.add(STATUS_WORDS[key].value)
    elif key in communes:
        found.communes.add(communes[key])
    elif key in topics:
        found.topics.add(topics[key])
    else:
        return False
    return True


def _part_of_name(found: Filters, key: str, communes: list[Commune]) -> bool:
    if len(key) < SHORTEST_PART:
        return False
    matching = {c.code for c in communes if key in squash(c.name)}
    found.communes |= matching
    return bool(matching)
