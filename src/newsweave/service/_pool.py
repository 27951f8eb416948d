"""Briefs of stored stories made in the background, by worker processes that each load spaCy once.

A story that changes is put on a `BriefQueue` (one entry per story however often it changes, the most
recent change first, bounded). Driver threads, one per worker process, take a story, read its reports
at one version, have a worker make its Brief JSON, and keep it with `Store.save_brief`. A page asking
for a story that has no stored brief yet jumps the queue and waits for it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import select
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .._errors import NewsweaveError, StoreError
from ..options import DEFAULT_OPTIONS, Options
from ..store import Store
from ..story_brief import story_brief_json, story_reports

DEFAULT_BRIEF_WORKERS = max(1, min(4, os.cpu_count() or 1))
"""Worker processes making briefs: one per core, at most 4 (each holds its own spaCy model, about 200 MB)."""
MAX_QUEUED_STORIES = 1000
"""Stories waiting for a brief at most; past it the change waiting longest is dropped (its page asks again)."""
WORKER_NICENESS = 10
"""How much lower than the server's the workers' CPU priority is: the server answers pages and posts first, and
briefs are made with the CPU time left (a page that waits for its first brief still gets it ahead of the queue)."""
SERVER_CHECK_SECONDS = 2.0
"""Where processes cannot wait for the server's end (no pidfd), how often a worker looks whether the server still runs."""
BRIEF_WAIT_SECONDS = 600.0
"""How long a page waits for the first brief of a story before answering that the service is overloaded."""
_log = logging.getLogger("newsweave.service")


class BriefQueue:
    """Stories waiting for their brief: one entry per story, urgent ones first, then the most recent change first.

    A story being made is not handed out again until `done`; a change meanwhile waits in the queue, so the
    story is made again at its newer version.
    """

    def __init__(self, limit: int = MAX_QUEUED_STORIES) -> None:
        self._limit = limit
        self._urgent: OrderedDict[str, None] = OrderedDict()
        self._changed: OrderedDict[str, None] = OrderedDict()
        self._busy: set[str] = set()
        self._closed = False
        self._ready = threading.Condition()

    def put(self, story_id: str, *, urgent: bool = False) -> None:
        """Queue a story (again): a repeated change moves it to the front instead of adding an entry."""
        with self._ready:
            if self._closed:
                return
            if urgent or story_id in self._urgent:
                self._changed.pop(story_id, None)
                self._urgent[story_id] = None
                self._urgent.move_to_end(story_id)
            else:
                self._changed[story_id] = None
                self._changed.move_to_end(story_id)
            while len(self._urgent) + len(self._changed) > self._limit and self._changed:
                dropped, _ = self._changed.popitem(last=False)
                _log.warning("brief queue full: story %s left for its next page view", dropped)
            self._ready.notify()

    def take(self) -> str | None:
        """The next story to make (blocks until there is one); None once the queue is closed."""
        with self._ready:
            while True:
                if self._closed:
                    return None
                story_id = self._next()
                if story_id is not None:
                    self._busy.add(story_id)
                    return story_id
                self._ready.wait()

    def done(self, story_id: str) -> None:
        """The story taken has been made (or failed): it may be handed out again."""
        with self._ready:
            self._busy.discard(story_id)
            self._ready.notify_all()

    def close(self) -> None:
        """Hand out nothing more; every `take` returns None."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def waiting(self) -> list[str]:
        """The queued stories in the order they would be taken (busy ones included)."""
        with self._ready:
            return [*reversed(self._urgent), *reversed(self._changed)]

    def _next(self) -> str | None:
        for entries in (self._urgent, self._changed):
            for story_id in reversed(entries):
                if story_id not in self._busy:
                    del entries[story_id]
                    return story_id
        return None


class BriefWorkers:
    """`workers` processes making the Brief JSON of changed stories and saving it in `store`."""

    def __init__(self, store: Store, workers: int = DEFAULT_BRIEF_WORKERS, *, options: Options = DEFAULT_OPTIONS,
                 queue_limit: int = MAX_QUEUED_STORIES) -> None:
        if workers < 1:
            raise ValueError("BriefWorkers needs at least one worker")
        self._store = store
        self._workers = workers
        self._options = options
        self._queue = BriefQueue(queue_limit)
        self._waiters: dict[str, list[tuple[int, Future[dict[str, Any]]]]] = {}
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._drivers: list[threading.Thread] = []
        self._closed = False

    def start(self) -> None:
        """Start the worker processes and have each load its models now, not on the first story (started at most once)."""
        with self._lock:
            if self._drivers or self._closed:
                return
            self._executor = _new_executor(self._workers)
            for _ in range(self._workers):  # each submit starts a process while none is idle
                self._executor.submit(_ready)
            self._drivers = [threading.Thread(target=self._drive, name=f"brief-driver-{n}", daemon=True)
                             for n in range(self._workers)]
        for driver in self._drivers:
            driver.start()

    def story_changed(self, story_id: str) -> None:
        """Make the story's brief again, in the background."""
        self.start()
        self._queue.put(story_id)

    def wait_for(self, story_id: str, version: int) -> dict[str, Any]:
        """The Brief JSON of a story at `version` or later, made now ahead of the queue when none is stored."""
        self.start()
        promise: Future[dict[str, Any]] = Future()
        with self._lock:
            if self._closed:
                raise StoreError("the service is stopping; ask again once it is back")
            self._waiters.setdefault(story_id, []).append((version, promise))
        stored = self._store.stored_brief(story_id)
        if stored is not None and stored.version >= version:
            self._settle(story_id, stored.version, brief=stored.brief)
        else:
            self._queue.put(story_id, urgent=True)
        try:
            return promise.result(timeout=BRIEF_WAIT_SECONDS)
        except TimeoutError:
            raise StoreError(f"the brief of story {story_id!r} is still being made (the service is busy); "
                             "ask again in a minute") from None

    def close(self) -> None:
        """Stop taking stories and stop the worker processes at once; a brief being made is dropped (the story's next
        page view queues it again), nothing half made is kept."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        self._queue.close()
        if executor is not None:
            # ProcessPoolExecutor has no public way to stop a running task before Python 3.14 (terminate_workers)
            for process in list(executor._processes.values()):  # noqa: SLF001
                process.terminate()
            executor.shutdown(wait=True, cancel_futures=True)
        for driver in self._drivers:
            driver.join()
        with self._lock:
            waiters, self._waiters = self._waiters, {}
        for promises in waiters.values():
            for _, promise in promises:
                promise.set_exception(StoreError("the service is stopping; ask again once it is back"))

    def _drive(self) -> None:
        while (story_id := self._queue.take()) is not None:
            try:
                self._make(story_id)
            finally:
                self._queue.done(story_id)

    def _make(self, story_id: str) -> None:
        """Read the story, have a worker make its brief, keep it, and hand it to the pages waiting for it."""
        try:
            reports = story_reports(self._store, story_id)
            stored = self._store.stored_brief(story_id, version=reports.version)
            if stored is not None:
                self._settle(story_id, reports.version, brief=stored.brief)
                return
            brief = self._run(reports)
            self._store.save_brief(story_id, reports.version, brief)
        except NewsweaveError as error:
            _log.warning("no brief for story %s: %s", story_id, error)
            self._settle(story_id, None, error=error)
            return
        except Exception as error:  # noqa: BLE001 - a driver thread must outlive any one story (a bug, a dead worker)
            _log.exception("making the brief of story %s failed", story_id)
            self._settle(story_id, None, error=error)
            return
        self._settle(story_id, reports.version, brief=brief)

    def _run(self, reports: Any) -> dict[str, Any]:
        """Make a brief on a worker; a pool whose worker died (killed, out of memory) is replaced for the next one."""
        with self._lock:
            executor = self._executor
        if executor is None:
            raise StoreError("the service is stopping; ask again once it is back")
        try:
            return executor.submit(story_brief_json, reports, self._options).result()
        except BrokenProcessPool:
            with self._lock:
                if self._closed:
                    raise StoreError("the service stopped before this brief was made") from None
                if self._executor is executor:
                    executor.shutdown(wait=False, cancel_futures=True)
                    self._executor = _new_executor(self._workers)
            raise
        except RuntimeError:  # the pool was shut down between taking it and submitting to it
            if self._closed:
                raise StoreError("the service stopped before this brief was made") from None
            raise

    def _settle(self, story_id: str, version: int | None, *, brief: dict[str, Any] | None = None,
                error: BaseException | None = None) -> None:
        """Answer the pages waiting for this story: with `brief` those it satisfies, with `error` all of them."""
        with self._lock:
            waiting = self._waiters.pop(story_id, [])
            satisfied = [p for wanted, p in waiting if error is not None or (version is not None and version >= wanted)]
            left = [(wanted, p) for wanted, p in waiting if p not in satisfied]
            if left:
                self._waiters[story_id] = left
        for promise in satisfied:
            if error is not None:
                promise.set_exception(error)
            else:
                promise.set_result(brief)  # type: ignore[arg-type]


def _new_executor(workers: int) -> ProcessPoolExecutor:
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method), initializer=_start_worker,
                               initargs=(os.getpid(),))


def _exit_with(server_pid: int) -> None:
    """End this worker when the server process ends, however it ends (a server killed with SIGKILL cannot stop its
    workers, and a worker waiting for its next task would otherwise wait for ever)."""
    try:
        with open(os.pidfd_open(server_pid), "rb", buffering=0) as server:
            select.select([server], [], [])  # readable once the server has ended
    except (AttributeError, OSError):  # no pidfd (not Linux): look every few seconds
        while _running(server_pid):
            time.sleep(SERVER_CHECK_SECONDS)
    os._exit(0)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _ready() -> None:
    """A task that only makes the pool start a worker (whose initializer loads the models)."""


def _start_worker(server_pid: int) -> None:
    """Lower the worker's priority, have it end with the server, and load spaCy once in it, before its first brief."""
    from .. import nlp

    os.nice(WORKER_NICENESS)
    threading.Thread(target=_exit_with, args=(server_pid,), name="exit-with-server", daemon=True).start()

    nlp.sentence_splitter()
    nlp.part_of_speech_tagger()
    nlp.entity_recognizer()
