"""Several server processes on one port, each with its own listening socket (``SO_REUSEPORT``).

Why not uvicorn's own ``--workers``: there the parent binds one socket and every worker accepts
from it, and Linux wakes the workers unevenly. Measured with 50 keep-alive clients on the
2-core machine: one worker held 35 connections and the other 15, so the busier one's clients
waited about twice as long and set the 99th percentile (benchmarks/bench_service.py,
docs/benchmarks.md). With ``SO_REUSEPORT`` each worker listens on a socket of its own and the
kernel spreads new connections over them by a hash of the connection's addresses.

The parent supervises: it starts ``workers`` processes (``spawn``) and restarts one that dies
(at most once per second; one that dies during its first 30 s stops the server instead). On
SIGINT or SIGTERM it stops them all (SIGTERM, then SIGKILL after a grace period) and returns.
Each worker runs ``lupus.web.main:create_served_app``.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import time
from types import FrameType

__all__ = ["WorkerStartError", "reuse_port_supported", "run_workers"]

_GRACE_S = 10.0
# A worker that exits this soon after it started is failing to start (for example its port was
# taken after the parent's check): the server stops instead of restarting it forever.
_STARTUP_S = 30.0


class WorkerStartError(RuntimeError):
    """A worker process exited during its start-up."""


def reuse_port_supported() -> bool:
    """Whether this platform has ``SO_REUSEPORT`` (Linux, the BSDs, macOS)."""
    return hasattr(socket, "SO_REUSEPORT")


def _tcp_socket(host: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT, not LISTEN
    return sock


def _listen(host: str, port: int) -> socket.socket:
    sock = _tcp_socket(host)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(host: str, port: int, access_log: bool) -> None:  # pragma: no cover - subprocess
    import uvicorn

    sock = _listen(host, port)
    config = uvicorn.Config(
        "lupus.web.main:create_served_app",
        factory=True,
        host=host,
        port=port,
        log_level="info",
        access_log=access_log,
    )
    uvicorn.Server(config).run(sockets=[sock])


def run_workers(
    host: str, port: int, workers: int, *, access_log: bool, startup_s: float = _STARTUP_S
) -> None:
    """Serve the app from ``workers`` processes on ``host:port`` until SIGINT or SIGTERM.

    A worker that exits within ``startup_s`` of its start stops the server
    (:class:`WorkerStartError`); one that exits later is restarted."""
    if workers < 1:
        raise ValueError(f"workers: got {workers}; allowed: 1 or more")
    # Bind once here, without SO_REUSEPORT, so that a port in use (by anything, another
    # ``lupus serve`` included) fails at once, in the parent, with a clear error.
    probe = _tcp_socket(host)
    try:
        probe.bind((host, port))
    finally:
        probe.close()
    context = multiprocessing.get_context("spawn")
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}

    def start() -> multiprocessing.process.BaseProcess:
        process = context.Process(
            target=_worker, args=(host, port, access_log), name="lupus-serve-worker"
        )
        process.start()
        return process

    running = [start() for _ in range(workers)]
    started = [time.monotonic()] * workers
    last_restart = 0.0
    try:
        while not stopping:
            time.sleep(0.2)
            for i, process in enumerate(running):
                if process.is_alive() or stopping:
                    continue
                if time.monotonic() - started[i] < startup_s:
                    raise WorkerStartError(
                        f"a server worker exited during start-up (exit code {process.exitcode})"
                    )
                wait = 1.0 - (time.monotonic() - last_restart)
                if wait > 0:
                    time.sleep(wait)
                last_restart = started[i] = time.monotonic()
                running[i] = start()
    finally:
        for process in running:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + _GRACE_S
        for process in running:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
