"""Helpers for command-line stories: running `bietphai`, a clean environment, the org workbook."""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from bot.cli import main, parser
from bot.orgbook import Cell
from handlers.onboarding.start import CODE_ALPHABET, CODE_LENGTH
from tests.helpers.sample import SAMPLE_CSV

CODE = re.compile(rf"^[{CODE_ALPHABET}]{{4}}(-[{CODE_ALPHABET}]{{4}}){{{CODE_LENGTH // 4 - 1}}}$")


VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")


OPERATOR_SETTINGS = ("BOT_", "TELEGRAM_", "ZALO_")


def commands() -> dict[str, argparse.ArgumentParser]:
    """Every sub-command the command line offers, by name."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


# The checkout these tests belong to: `python -m bot` in a subprocess runs its code, whatever
# the interpreter has installed (a worktree's tests may run with another checkout's venv).
ROOT = Path(__file__).resolve().parents[2]


def clean_env() -> dict[str, str]:
    """This process's environment without any bietphai setting (no token, no database)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OPERATOR_SETTINGS)}
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return env


async def bietphai(*args: str) -> int:
    """Run the command line from an async story (in a thread: it runs its own event loop)."""
    return await asyncio.to_thread(main, list(args))


def bietphai_process(
    cwd: Path,
    *args: str,
    stdin: str = "",
    db: Path | None = None,
    env: dict[str, str] | None = None,
) -> tuple[int, str, str]:
    """Run `python -m bot ARGS` in a clean shell (plus `env`); the exit code, stdout, stderr."""
    env = clean_env() | ({"BOT_DB_PATH": str(db)} if db else {}) | (env or {})
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin.encode(),
        capture_output=True,
        env=env,
        cwd=cwd,
        timeout=90,
        check=False,
    )
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def main_in(cwd: Path, db: Path, *args: str) -> int:
    """`bietphai ARGS` as a separate process on this database; its exit code, never a traceback."""
    code, _, err = bietphai_process(cwd, *args, db=db)
    assert "Traceback" not in err, err
    return code


def invite_code(out: str) -> str:
    """The code printed alone on the last line of `bietphai invite`."""
    last = out.rstrip("\n").splitlines()[-1]
    assert CODE.match(last), out
    return last


SHEET_ORDER = (
    "divisions",
    "communes",
    "people",
    "waves",
    "assignments",
    "working_groups",
    "calendar",
)


@dataclass
class OrgBook:
    """The sample organisation as sheets of cells that a test can change, saved as .xlsx."""

    sheets: dict[str, list[list[Cell]]]

    @classmethod
    def sample(cls) -> OrgBook:
        """The rows of examples/org-sample/*.csv, header first, empty cells as None."""
        sheets: dict[str, list[list[Cell]]] = {}
        for name in SHEET_ORDER:
            with (SAMPLE_CSV / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
                sheets[name] = [[cell or None for cell in row] for row in csv.reader(handle)]
        return cls(sheets)

    def set(self, sheet: str, row: int, **cells: Cell) -> None:
        """Change cells of a row numbered as Excel shows it (the header is row 1)."""
        header = self.sheets[sheet][0]
        for column, value in cells.items():
            self.sheets[sheet][row - 1][header.index(column)] = value

    def append(self, sheet: str, **cells: Cell) -> int:
        """Add a row at the bottom; returns its row number."""
        header = self.sheets[sheet][0]
        self.sheets[sheet].append([cells.get(str(column)) for column in header])
        return len(self.sheets[sheet])

    def drop_column(self, sheet: str, column: str) -> None:
        """Delete a column, header included."""
        index = self.sheets[sheet][0].index(column)
        for row in self.sheets[sheet]:
            del row[index]

    def save(self, path: Path) -> Path:
        """Write the workbook, one sheet per entry, as an admin's Excel file would be."""
        book = Workbook()
        book.remove(book.active)
        for name, rows in self.sheets.items():
            sheet = book.create_sheet(title=name)
            for row in rows:
                sheet.append(row)
        book.save(path)
        return path


def query(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Rows of one query on a database file."""
    with sqlite3.connect(path) as raw:
        return [tuple(r) for r in raw.execute(sql, params)]
