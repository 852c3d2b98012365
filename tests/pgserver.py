"""The PostgreSQL server the tests use: one database per run, emptied before each test."""

from __future__ import annotations

import os
import secrets
from urllib.parse import urlsplit, urlunsplit

import psycopg

# BOT_TEST_DATABASE_URL names a server and a database the tests may connect to in order to
# create their own; without it, the local server every machine of the project runs.
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"

# Empties every table but the migration record and restarts the ids, in one round trip:
# much faster than TRUNCATE or a new database per test. Replica mode skips the foreign-key
# triggers, so the order of the deletes does not matter.
EMPTY_ALL_TABLES = """
DO $$ DECLARE r record; BEGIN
  SET LOCAL session_replication_role = replica;
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
           AND tablename <> 'schema_migrations' LOOP
    EXECUTE 'DELETE FROM ' || quote_ident(r.tablename);
  END LOOP;
  FOR r IN SELECT pg_get_serial_sequence(quote_ident(table_name), column_name) AS s
           FROM information_schema.columns
           WHERE table_schema = current_schema() AND is_identity = 'YES' LOOP
    PERFORM setval(r.s, 1, false);
  END LOOP;
END $$
"""


class PgServer:
    """Creates and drops the test databases on one server."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or os.environ.get("BOT_TEST_DATABASE_URL") or DEFAULT_URL
        self.prefix = f"bietphai_test_{secrets.token_hex(4)}"
        self.created: list[str] = []

    def check(self) -> str | None:
        """None when the server answers, else what is wrong and what to do."""
        try:
            with psycopg.connect(self.url, connect_timeout=5) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            return (
                f"PostgreSQL tests need a server: {self.url} does not answer ({first}). "
                "Start PostgreSQL (pg_ctlcluster 15 main start) or set BOT_TEST_DATABASE_URL "
                "to a server where these tests may create databases."
            )
        return None

    def url_of(self, name: str) -> str:
        """The URL of database `name` on this server (BOT_DATABASE_URL's form)."""
        return urlunsplit(urlsplit(self.url)._replace(path=f"/{name}"))

    def create(self, suffix: str) -> str:
        """A new empty database; returns its URL."""
        name = f"{self.prefix}_{suffix}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return self.url_of(name)

    def empty(self, url: str) -> None:
        """Delete every row of the database at `url` (the schema stays)."""
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(EMPTY_ALL_TABLES)

    def drop_all(self) -> None:
        """Drop every database this run created."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            for name in self.created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()
