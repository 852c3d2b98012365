"""`python -m bot run` as a real subprocess, as the operator starts it, for tests and benches."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path
from typing import IO

# How long a test waits for anything a bot process does (start, answer, drain, stop). Generous
# on purpose: on the shared 2-core machine under a load average above 10 a start alone can take
# tens of seconds. The crash tests check what happened, never how fast, and a hang still ends.
PATIENCE = 180.0

# The checkout this module belongs to: the subprocess runs its code, whatever the interpreter
# has installed (a worktree's tests run with another checkout's virtual environment).
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotProcess:
    """The bot pointed at a local fake API; `settings` add to or override the environment."""

    def __init__(
        self,
        db_path: Path,
        base_url: str,
        folder: Path,
        name: str = "bot",
        settings: dict[str, str] | None = None,
    ) -> None:
        self.folder = folder
        self.name = name
        # Nothing configured in the test runner's environment leaks into the bot.
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("BOT_", "TELEGRAM_", "ZALO_", "OUTBOX_"))
        }
        self.env.update(
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            BOT_DB_PATH=str(db_path),
            BOT_LOG_LEVEL="INFO",
            TELEGRAM_BOT_TOKEN="123:ABC",
            TELEGRAM_API_BASE_URL=base_url,
            TELEGRAM_POLL_TIMEOUT="1",
            # Never the default 8443: tests (and other checkouts) run side by side.
            BOT_HTTP_PORT=str(free_port()),
        )
        self.env.update(settings or {})
        self.http_port = int(self.env["BOT_HTTP_PORT"])
        self.process: asyncio.subprocess.Process | None = None
        self.logs: list[Path] = []
        self._log: IO[bytes] | None = None

    async def start(self) -> None:
        """Start a new process; its output goes to a log file in the temp folder."""
        log_path = self.folder / f"{self.name}-{len(self.logs) + 1}.log"
        self.logs.append(log_path)
        self._log = log_path.open("wb")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=self.env,
            cwd=self.folder,  # no stray .env file is read
            stdout=self._log,
            stderr=asyncio.subprocess.STDOUT,
        )

    async def kill(self) -> None:
        """SIGKILL: no clean-up, no last words (does nothing if it is not running)."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        self._close_log()

    async def terminate(self) -> int:
        """SIGTERM, as systemd stops the service; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(PATIENCE):
            code = await self.process.wait()
        self._close_log()
        return code

    def log_tail(self) -> str:
        """The end of every log of this bot, to explain a failure."""
        return "\n".join(
            f"--- {p.name}\n" + "\n".join(p.read_text(errors="replace").splitlines()[-30:])
            for p in self.logs
            if p.exists()
        )

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
