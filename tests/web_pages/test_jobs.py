"""The background job runner: progress, results cached by key, one run per key, failures
reported as messages, jobs private to their owner."""

from __future__ import annotations

import threading

from lupus.web.pages.jobs import JobRunner, Progress


def test_a_job_reports_progress_and_caches_its_result() -> None:
    runner = JobRunner(workers=1)
    gate = threading.Event()

    def work(progress: Progress) -> str:
        progress(1, 2)
        gate.wait(10)
        progress(2, 2)
        return "answer"

    job = runner.submit(work, owner="dr", kind="k", title="t", cache_key=("k", 1))
    again = runner.submit(work, owner="dr", kind="k", title="t", cache_key=("k", 1))
    assert again is job  # the same question runs once
    assert runner.get(job.id, "nurse") is None  # private to its owner
    runner.wait(job, 0.2)
    assert not job.finished and runner.cached(("k", 1)) is None
    gate.set()
    runner.wait(job, 10)
    assert (job.status, job.done, job.total, job.result) == ("done", 2, 2, "answer")
    assert runner.cached(("k", 1)) == "answer"
    assert runner.get(job.id, "dr") is job
    assert runner.remember("x", 3) == 3 and runner.cached("x") == 3
    runner.shutdown()


def test_a_failing_job_reports_its_error() -> None:
    runner = JobRunner(workers=1)

    def fail(progress: Progress) -> None:
        raise ValueError("field 'x': got 1; allowed: 2")

    job = runner.submit(fail, owner="res", kind="trial", title="t", cache_key="f")
    runner.wait(job, 10)
    assert job.status == "failed" and job.error == "ValueError: field 'x': got 1; allowed: 2"
    assert runner.cached("f") is None
    retry = runner.submit(fail, owner="res", kind="trial", title="t", cache_key="f")
    assert retry is not job
    runner.shutdown()
