"""Builds workbooks in a separate process: those asked for with /xuat (queued in the outbox when
done) and the dashboard's downloads (offered on its status page when done)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.export import ExportRequest, ExportResult
from bot.export.build import BuildOrder, build
from bot.monitor import Monitor
from handlers.core.messages import FileRef, Reply
from handlers.core.texts import t
from storage import export_jobs, outbox
from storage.db import Database
from storage.export import ExportFilter
from storage.export_jobs import ExportJob

log = logging.getLogger(__name__)
# A job is ours this long; renewed every LEASE / 4 while it builds.
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 3
EXPORTS_FOLDER = "exports"


def file_name(job: ExportJob) -> str:
    """The name the person sees: bietphai-01-11-2026-30-11-2026.xlsx."""
    return f"bietphai-{job.first:%d-%m-%Y}-{job.last:%d-%m-%Y}.xlsx"


def export_text(job: ExportJob, result: ExportResult) -> str:
    """The message that goes with the file."""
    key = "export.empty" if result.empty else "export.done"
    return t(
        job.language,
        key,
        first=job.first.strftime("%d/%m/%Y"),
        last=job.last.strftime("%d/%m/%Y"),
        scope=job.scope_label,
        officials=result.officials,
        entries=result.entries,
        difficulties=result.difficulties,
    )


def spawn_executor() -> Executor:
    """One worker process, started fresh (never forked from a process running threads)."""
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


def _end_workers(executor: Executor) -> None:
    """Stop now: a half-built workbook is not worth waiting for (the job is built again)."""
    # Python 3.11 has no public way to end a pool's busy process; shutdown alone would make
    # the bot's exit wait for the build.
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        process.terminate()
    executor.shutdown(wait=False, cancel_futures=True)


class WorkbookBuilder:
    """Builds workbooks one at a time in a worker process of its own (started on first use),
    each from its own read snapshot: the event loop and the writer never wait for openpyxl."""

    def __init__(
        self,
        db: Database,
        zone: str,
        *,
        executor: Callable[[], Executor] = spawn_executor,
        database_url: str | None = None,
    ) -> None:
        # The worker process opens the same database: PostgreSQL by its URL, else the file.
        self.db_path = str(getattr(db, "path", ""))
        self.database_url = database_url or getattr(db, "url", None)
        self.zone = zone
        self._make_executor = executor
        self._executor: Executor | None = None

    def order(
        self, request: ExportRequest, target: Path, now: datetime | None = None
    ) -> BuildOrder:
        """What the worker process is given for this request."""
        return BuildOrder(
            self.db_path, request, self.zone, str(target), database_url=self.database_url, now=now
        )

    async def build(
        self, request: ExportRequest, target: Path, now: datetime | None = None
    ) -> ExportResult:
        """Write the workbook of `request` to `target` in the worker process."""
        if self._executor is None:
            self._executor = self._make_executor()
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self._executor, build, self.order(request, target, now)
            )
        except BrokenProcessPool:
            # The process died (killed, out of memory): the next build starts a new one.
            self._executor = None
            raise

    def close(self) -> None:
        """End the worker process now, a build in it too."""
        if self._executor is not None:
            _end_workers(self._executor)
            self._executor = None


class ExportWorker:
    """One per running bot (and one for its dashboard); several processes may share a database:
    jobs are claimed under a lease, and a job whose worker died is built again after it."""

    def __init__(
        self,
        db: Database,
        files_folder: Path,
        zone: str,
        *,
        monitor: Monitor | None = None,
        queued: Callable[[], None] = lambda: None,
        executor: Callable[[], Executor] = spawn_executor,
        idle: float = 1.0,
        channels: tuple[str, ...] | None = None,
        database_url: str | None = None,
        lease: timedelta = LEASE,
        send: bool = True,
    ) -> None:
        self.db = db
        self.builder = WorkbookBuilder(db, zone, executor=executor, database_url=database_url)
        self.folder = files_folder / EXPORTS_FOLDER
        self.monitor = monitor or Monitor()
        self._queued = queued
        self.idle = idle
        # Only jobs asked from these channels (None: all); the console takes its own.
        self.channels = channels
        self.lease = lease
        # True: the file (or the failure) goes to the chat through the outbox; False: the job's
        # row is all there is, and the dashboard's status page reads it.
        self.send = send
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._woken = asyncio.Event()

    def wake(self) -> None:
        """A job was just queued in this process: look now rather than after `idle`."""
        self._woken.set()

    async def start(self) -> None:
        """Look for jobs in the background until stopped."""
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="export-worker")

    async def stop(self) -> None:
        """Stop; a job being built is given back (the next start builds it again)."""
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.builder.close()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                worked = await self.run_once()
            except Exception:
                log.exception("export worker failed; trying again")
                worked = False
            if not worked:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._woken.wait(), self.idle)
                self._woken.clear()

    async def run_once(self) -> bool:
        """Build the oldest waiting export, if any; True when there was one."""
        async with self.db.transaction() as tx:
            job = await export_jobs.claim_next(
                tx, now=datetime.now(UTC), lease=self.lease, channels=self.channels
            )
        if job is None:
            return False
        target = self.folder / f"{job.id}-{file_name(job)}"
        started = time.perf_counter()
        try:
            result = await self._build(job, target)
        except asyncio.CancelledError:
            async with self.db.transaction() as tx:
                await export_jobs.give_back(tx, job.id)
            raise
        except Exception:
            log.exception("export %d (%s–%s) failed", job.id, job.first, job.last)
            self.monitor.export_done(time.perf_counter() - started, ok=False)
            await self._failed(job)
            return True
        self.monitor.export_done(time.perf_counter() - started, ok=True)
        reply = Reply(export_text(job, result), document=FileRef(file_name(job), str(target)))
        now = datetime.now(UTC)
        async with self.db.transaction() as tx:
            # One transaction: the job is done exactly when its file is queued for the chat.
            if self.send:
                await outbox.enqueue_to_chat(
                    tx,
                    key=f"export:{job.id}",
                    channel=job.channel,
                    chat_id=job.chat_id,
                    payload=reply.to_json(),
                    now=now,
                )
            await export_jobs.finish(tx, job.id, file_path=str(target), now=now)
        log.info(
            "export %d built in %.1f s (%d entries)",
            job.id,
            time.perf_counter() - started,
            result.entries,
        )
        self._queued()
        return True

    async def _build(self, job: ExportJob, target: Path) -> ExportResult:
        """Build in the worker process, renewing the claim meanwhile."""
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        request = ExportRequest(
            job.first,
            job.last,
            ExportFilter(job.person_id, division_code=job.division_code),
            job.scope_label,
        )
        # As of when it was asked (the days still to come in the attendance grid), not of when a
        # worker got to it.
        work = asyncio.ensure_future(self.builder.build(request, target, job.created_at))
        renew = self.lease.total_seconds() / 4
        try:
            while True:
                done, _ = await asyncio.wait([work], timeout=renew)
                if done:
                    return work.result()
                async with self.db.transaction() as tx:
                    await export_jobs.extend_claim(tx, job.id, datetime.now(UTC) + self.lease)
        finally:
            work.cancel()  # stopped meanwhile: nobody waits for this build any more

    async def _failed(self, job: ExportJob) -> None:
        """Try again later, or tell the person it could not be made."""
        async with self.db.transaction() as tx:
            if job.attempts < MAX_ATTEMPTS:
                await export_jobs.give_back(tx, job.id)
                return
            await export_jobs.finish(tx, job.id, file_path=None, now=datetime.now(UTC))
            if not self.send:
                return
            text = t(
                job.language,
                "export.failed",
                first=job.first.strftime("%d/%m/%Y"),
                last=job.last.strftime("%d/%m/%Y"),
            )
            await outbox.enqueue_to_chat(
                tx,
                key=f"export:{job.id}",
                channel=job.channel,
                chat_id=job.chat_id,
                payload=Reply(text).to_json(),
                now=datetime.now(UTC),
            )
        self._queued()
