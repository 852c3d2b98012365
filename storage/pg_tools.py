"""The command lines of PostgreSQL's own backup tools (pg_dump, pg_restore) for one database URL."""

from __future__ import annotations

import shlex

import psycopg
from psycopg.conninfo import conninfo_to_dict

# The URL's parts the tools take as options; the password never appears in a command shown.
_OPTIONS = (("host", "-h"), ("port", "-p"), ("user", "-U"))


def _connection(url: str) -> tuple[list[str], str]:
    """The -h/-p/-U options the URL gives (no password) and the database name."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        parts = {}
    options = [f"{flag} {shlex.quote(str(parts[key]))}" for key, flag in _OPTIONS if parts.get(key)]
    # libpq's own default: without a database name, the user's name.
    name = str(parts.get("dbname") or parts.get("user") or "bietphai")
    return options, shlex.quote(name)


def dump_command(url: str, file: str = "bietphai.dump") -> str:
    """pg_dump of the database at `url` into `file` (custom format, one consistent snapshot)."""
    options, name = _connection(url)
    return " ".join(["pg_dump -Fc", *options, "-f", shlex.quote(file), name])


def restore_command(url: str, file: str = "bietphai.dump") -> str:
    """pg_restore of `file` over the database at `url` (its tables replaced)."""
    options, name = _connection(url)
    return " ".join(["pg_restore --clean --if-exists", *options, "-d", name, shlex.quote(file)])
