"""The secret key file: processes starting at once on one machine all get the same key."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path
from typing import Any

from bot.secret_key import KEY_FILE_NAME, MIN_KEY_LENGTH, read_or_create

STARTERS = 6
ROUNDS = 30


def _start(path: str, ready: Any, out: Any) -> None:
    """One process starting: wait for the others, then read or create the key."""
    ready.wait()
    try:
        out.put(read_or_create(Path(path)).decode())
    except Exception as exc:  # the test reports what a starter saw
        out.put(f"{type(exc).__name__}: {exc}")


def test_processes_starting_at_once_all_read_the_one_key_written(tmp_path: Path) -> None:
    # A bot that started while another was still writing the new file read it half written
    # ("khóa bí mật … quá ngắn") and stopped; seen when two processes started side by side.
    context = multiprocessing.get_context("fork")
    for round_ in range(ROUNDS):
        path = tmp_path / str(round_) / KEY_FILE_NAME
        path.parent.mkdir()
        ready, out = context.Barrier(STARTERS), context.Queue()
        starters = [
            context.Process(target=_start, args=(str(path), ready, out)) for _ in range(STARTERS)
        ]
        for starter in starters:
            starter.start()
        keys = [out.get(timeout=60) for _ in starters]
        for starter in starters:
            starter.join(timeout=60)
        assert len(set(keys)) == 1, f"round {round_}: {sorted(set(keys))}"
        assert len(keys[0]) >= MIN_KEY_LENGTH
        assert path.read_text(encoding="ascii").strip() == keys[0]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert [p.name for p in path.parent.iterdir()] == [KEY_FILE_NAME]  # no leftovers
