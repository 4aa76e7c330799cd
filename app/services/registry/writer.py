"""Writing the registry sync's planned batches, each committed together with the feed cursor after it.

On PostgreSQL writer threads, each with a connection of its own, write batches side by side
while the sync reads and compares the next one: most of a first import is the database's
upkeep of indexes and foreign keys, which two connections share between two cores.
Elsewhere (SQLite, one writer at a time) each batch is written in line, in the sync's session.

Order and safety:
- a batch is compared only once no batch still being written shares a company with it
  (`wait_for`), so every comparison sees the registry's previous word on its companies, and
  batches written side by side never touch the same rows;
- batches are sealed (audit entries, then the cursor after them, then commit) strictly in
  feed order, so the saved cursor only moves forward over batches that are in the database
  and the audit chain is extended by one batch at a time;
- after a failure the batches behind it are rolled back and the first error is raised to
  the sync; the cursor stays after the last batch sealed, where the next run resumes.
"""
from __future__ import annotations

import queue
import threading
import time

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.services.registry.batch import BatchCounts, BatchPlan, audit_batch, write_batch
from models import RegistrySyncState

_STOP = object()


def save_cursor(session: Session, state_id: int, cursor: str, seen: int) -> None:
    session.execute(update(RegistrySyncState).where(RegistrySyncState.id == state_id)
                    .values(cursor=cursor, companies_seen=RegistrySyncState.companies_seen + seen))


def write_and_seal(session: Session, plan: BatchPlan | None, state_id: int, cursor: str, seen: int,
                   actor: tuple[str, int | None], before_seal=None) -> BatchCounts:
    """Writes a batch, waits for its turn (`before_seal`), audits it and commits it with the cursor after it."""
    ids = write_batch(session, plan) if plan is not None else {}
    if before_seal is not None:
        before_seal()
    counts = audit_batch(session, plan, ids, actor) if plan is not None else BatchCounts()
    save_cursor(session, state_id, cursor, seen)
    session.commit()  # the batch and the cursor after it, together
    return counts


class InlineWriter:
    """Writes and commits each batch at once, in the caller's session."""

    def __init__(self, session: Session, state_id: int, actor: tuple[str, int | None]) -> None:
        self.session, self.state_id, self.actor = session, state_id, actor
        self.counts = BatchCounts()
        self.write_seconds = 0.0

    def __enter__(self) -> "InlineWriter":
        return self

    def __exit__(self, *exc) -> None:
        return None

    def wait_for(self, cr_numbers: set[str]) -> None:
        """Nothing is ever being written while the sync compares."""

    def submit(self, plan: BatchPlan | None, cursor: str, seen: int) -> None:
        started = time.perf_counter()
        self.counts.add(write_and_seal(self.session, plan, self.state_id, cursor, seen, self.actor))
        self.write_seconds += time.perf_counter() - started


class ThreadedWriter:
    """Writes batches in `workers` threads with sessions of their own; seals them in the order submitted."""

    def __init__(self, engine: Engine, state_id: int, actor: tuple[str, int | None], workers: int = 2) -> None:
        self.engine, self.state_id, self.actor = engine, state_id, actor
        self.counts = BatchCounts()
        self.write_seconds = 0.0  # summed over the writers
        self._queue: queue.Queue = queue.Queue(maxsize=1)  # one waiting while the writers are busy
        self._changed = threading.Condition()
        self._unwritten: dict[int, set[str]] = {}  # CR numbers of each batch submitted and not yet sealed
        self._submitted = 0
        self._next_to_seal = 0
        self._failed_at: int | None = None  # the earliest batch that failed
        self._error: BaseException | None = None
        self._threads = [threading.Thread(target=self._run, name=f"registry-writer-{n}", daemon=True)
                         for n in range(max(1, workers))]

    def __enter__(self) -> "ThreadedWriter":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        # Whatever was submitted is sealed (or rolled back after a failure) before the sync goes on or fails.
        for _ in self._threads:
            self._queue.put(_STOP)
        for thread in self._threads:
            thread.join()
        if exc_type is None:
            self._raise_if_failed()

    def wait_for(self, cr_numbers: set[str]) -> None:
        """Returns once no batch still being written shares a company with `cr_numbers`."""
        with self._changed:
            self._changed.wait_for(lambda: self._error is not None
                                   or not any(batch & cr_numbers for batch in self._unwritten.values()))
        self._raise_if_failed()

    def submit(self, plan: BatchPlan | None, cursor: str, seen: int) -> None:
        self._raise_if_failed()
        with self._changed:
            number = self._submitted
            self._submitted += 1
            self._unwritten[number] = plan.cr_numbers if plan is not None else set()
        self._queue.put((number, plan, cursor, seen))

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        with Session(self.engine) as session:
            while (item := self._queue.get()) is not _STOP:
                self._write(session, *item)

    def _write(self, session: Session, number: int, plan: BatchPlan | None, cursor: str, seen: int) -> None:
        started = time.perf_counter()
        try:
            if self._failed_at is not None and self._failed_at < number:
                return  # behind a failure: never written, the next run reads it again
            counts = write_and_seal(session, plan, self.state_id, cursor, seen, self.actor,
                                    before_seal=lambda: self._wait_for_turn(number))
        except _Behind:
            session.rollback()
            return
        except BaseException as exc:  # handed to the sync, which raises it
            session.rollback()
            with self._changed:
                if self._failed_at is None or number < self._failed_at:
                    self._failed_at, self._error = number, exc
            return
        finally:
            with self._changed:
                # The turn passes on whatever happened, once every batch before this one is done.
                self._changed.wait_for(lambda: self._next_to_seal == number)
                self._next_to_seal += 1
                del self._unwritten[number]
                self._changed.notify_all()
        with self._changed:
            self.counts.add(counts)
            self.write_seconds += time.perf_counter() - started

    def _wait_for_turn(self, number: int) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._next_to_seal == number)
            if self._failed_at is not None and self._failed_at < number:
                raise _Behind()


class _Behind(Exception):
    """A batch written after one that failed: rolled back, not sealed."""
