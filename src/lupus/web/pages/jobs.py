"""Background jobs for slow page actions (what-if predictions, virtual trials), with progress.

A :class:`JobRunner` runs callables on a small thread pool and keeps their state (progress,
result or error message) by id, with its owner so that one user never reads another's job.
Results are also cached by a key so the same question is answered once.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Job", "JobRunner"]

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class Job:
    """A job's live state (mutated only by its runner thread, read under the runner's lock)."""

    id: str
    owner: str
    kind: str
    title: str
    status: str = "queued"  # queued, running, done, failed
    done: int = 0
    total: int = 0
    result: Any = None
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "error": self.error,
        }


class JobRunner:
    """Runs jobs on ``workers`` threads; remembers the last ``keep`` jobs and cached results."""

    def __init__(self, workers: int = 1, keep: int = 200) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lupus-pages")
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._inflight: dict[Hashable, Job] = {}
        self._keep = keep

    def cached(self, key: Hashable) -> Any:
        with self._lock:
            return self._cache.get(key)

    def remember(self, key: Hashable, value: Any) -> Any:
        """Cache ``value`` under ``key`` (for quick results computed in the request)."""
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > self._keep:
                self._cache.popitem(last=False)
        return value

    def submit(
        self,
        fn: Callable[[Progress], Any],
        *,
        owner: str,
        kind: str,
        title: str,
        cache_key: Hashable | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Job:
        """Start ``fn(progress)``; its return value becomes the result (and is cached).

        A job with the same ``cache_key`` still running is returned instead of a new one."""
        job = Job(secrets.token_urlsafe(12), owner, kind, title, meta=dict(meta or {}))
        with self._lock:
            running = self._inflight.get(cache_key) if cache_key is not None else None
            if running is not None and not running.finished and running.owner == owner:
                return running
            if cache_key is not None:
                self._inflight[cache_key] = job
            self._jobs[job.id] = job
            while len(self._jobs) > self._keep:
                self._jobs.popitem(last=False)

        def progress(done: int, total: int) -> None:
            with self._lock:
                job.done, job.total = done, total

        def run() -> None:
            with self._lock:
                job.status = "running"
            try:
                result = fn(progress)
            except Exception as exc:  # the job reports any failure as its message
                with self._lock:
                    job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"
                    self._inflight.pop(cache_key, None)
                return
            with self._lock:
                job.result, job.status = result, "done"
                if cache_key is not None:
                    self._cache[cache_key] = result
                    self._inflight.pop(cache_key, None)
                    while len(self._cache) > self._keep:
                        self._cache.popitem(last=False)

        self._pool.submit(run)
        return job

    def get(self, job_id: str, owner: str) -> Job | None:
        """The job if it exists and belongs to ``owner``."""
        with self._lock:
            job = self._jobs.get(job_id)
            return job if job is not None and job.owner == owner else None

    def wait(self, job: Job, seconds: float) -> None:
        """Block up to ``seconds`` for ``job`` to finish (used to answer quick jobs at once)."""
        step = 0.05
        waited = 0.0
        while waited < seconds:
            with self._lock:
                if job.finished:
                    return
            threading.Event().wait(step)
            waited += step

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
