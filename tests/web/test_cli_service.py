"""``lupus users create`` and ``lupus serve``: the command-line side of the care service."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from lupus.store import Database
from tests.conftest import CliRunnerFn, assert_usage_error


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+pysqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("LUPUS_DATABASE_URL", url)
    return url


def test_users_create_and_list(cli: CliRunnerFn, sqlite_env: str) -> None:
    r = cli(
        "users",
        "create",
        "--username",
        "alice",
        "--role",
        "clinician",
        "--password-stdin",
        input="a long password\n",
    )
    assert r.exit_code == 0, r.stderr
    assert r.json()["role"] == "clinician" and "password" not in r.stdout
    listed = cli("users", "list")
    assert [u["username"] for u in listed.json()] == ["alice"]


@pytest.mark.parametrize(
    ("args", "password", "fragments"),
    [
        (("--username", "bob", "--role", "wizard"), "a long password", ("role", "wizard")),
        (
            ("--username", "bob", "--role", "patient", "--patient", "nope"),
            "a long password",
            ("--patient", "nope"),
        ),
        (("--username", "bob", "--role", "patient"), "a long password", ("patient",)),
        (("--username", "bob", "--role", "nurse"), "short", ("password",)),
    ],
)
def test_users_create_bad_input(
    cli: CliRunnerFn,
    sqlite_env: str,
    args: tuple[str, ...],
    password: str,
    fragments: tuple[str, ...],
) -> None:
    result = cli("users", "create", *args, "--password-stdin", input=password + "\n")
    assert_usage_error(result, *fragments)


def test_users_create_needs_password_stdin(cli: CliRunnerFn, sqlite_env: str) -> None:
    result = cli("users", "create", "--username", "bob", "--role", "nurse")
    assert_usage_error(result, "--password-stdin")


def test_duplicate_user(cli: CliRunnerFn, sqlite_env: str) -> None:
    args = ("users", "create", "--username", "carol", "--role", "nurse", "--password-stdin")
    assert cli(*args, input="a long password\n").exit_code == 0
    assert_usage_error(cli(*args, input="a long password\n"), "carol", "already exists")


def test_serve_refuses_default_secret_outside_development(
    cli: CliRunnerFn, sqlite_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LUPUS_ENV", "production")
    monkeypatch.delenv("LUPUS_SECRET_KEY", raising=False)
    assert_usage_error(cli("serve"), "LUPUS_SECRET_KEY")


def test_serve_migrates_and_serves(tmp_path: Path) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    env = dict(
        os.environ,
        LUPUS_ENV="production",
        LUPUS_SECRET_KEY="x" * 40,
        LUPUS_DATABASE_URL=f"sqlite+pysqlite:///{tmp_path / 'serve.sqlite3'}",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "lupus.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        assert r.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/api/patients").status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        assert proc.stderr is not None
        proc.stderr.close()
    assert (tmp_path / "serve.sqlite3").exists()


def test_serve_demo_needs_development(
    cli: CliRunnerFn, sqlite_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LUPUS_ENV", "production")
    monkeypatch.setenv("LUPUS_SECRET_KEY", "s" * 40)
    assert_usage_error(cli("serve", "--demo"), "--demo", "LUPUS_ENV=development")


def test_serve_workers_need_postgresql(
    cli: CliRunnerFn, sqlite_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LUPUS_ENV", "development")
    assert_usage_error(cli("serve", "--workers", "2"), "--workers", "PostgreSQL")


def test_lupus_help_imports_no_database_or_numerics_layer() -> None:
    """``lupus --help`` stays fast: the command modules import SQLAlchemy, Alembic, psycopg,
    the store and numpy inside the commands that use them."""
    heavy = ("sqlalchemy", "alembic", "psycopg", "lupus.store", "numpy", "fastapi", "uvicorn")
    code = (
        "import sys, lupus.cli; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r} "
        f"or m.startswith('lupus.store')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_roles_in_the_users_help_are_the_stores() -> None:
    from lupus._cli.users import ROLES as CLI_ROLES
    from lupus.store import ROLES

    assert CLI_ROLES == ROLES


def _free_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    sock.close()
    return port


def _production_env(db: Database) -> dict[str, str]:
    """The environment of a production server on ``db``."""
    return dict(
        os.environ,
        LUPUS_ENV="production",
        LUPUS_SECRET_KEY="x" * 40,
        LUPUS_DATABASE_URL=db.url.render_as_string(hide_password=False),
    )


def test_serve_workers_each_listen_and_stop_together(tmp_path: Path) -> None:
    """``lupus serve --workers 2`` on PostgreSQL: two worker processes, each with its own
    listening socket on the one port (``lupus.web.workers``); both answer; SIGTERM stops the
    parent and every worker; a port already in use is a usage error naming the option."""
    from tests.store.databases import fresh_database

    with fresh_database("postgresql", tmp_path) as db:
        port = _free_port()
        env = _production_env(db)
        args = [sys.executable, "-m", "lupus.cli", "serve", "--port", str(port), "--workers", "2"]
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        workers: set[int] = set()
        try:
            deadline = time.monotonic() + 90
            while len(workers) < 2:
                assert time.monotonic() < deadline and proc.poll() is None
                try:  # a new connection each time: the kernel spreads them over the sockets
                    r = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5)
                    assert r.status_code == 200
                except httpx.TransportError:
                    time.sleep(0.2)
                    continue
                workers = _listening_pids(port)
                time.sleep(0.1)
            assert len(workers) == 2 and proc.pid not in workers
            taken = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
            assert taken.returncode == 2
            assert "--port" in taken.stderr and str(port) in taken.stderr
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            assert proc.stderr is not None
            proc.stderr.close()
        for pid in workers:
            assert not Path(f"/proc/{pid}").exists() or _zombie(pid)


def _listening_pids(port: int) -> set[int]:
    """Processes holding a listening TCP socket on ``port`` (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    pids = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            links = {os.readlink(fd) for fd in (proc / "fd").iterdir()}
        except OSError:
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            pids.add(int(proc.name))
    return pids


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except OSError:
        return True


def test_a_worker_that_dies_after_start_up_is_restarted(tmp_path: Path) -> None:
    """``lupus.web.workers.run_workers``: a worker killed after its start-up period is replaced
    by a new process listening on the same port, and the server keeps answering."""
    from tests.store.databases import fresh_database

    with fresh_database("postgresql", tmp_path) as db:
        port = _free_port()
        env = _production_env(db)
        script = (
            "from lupus.web.workers import run_workers; "
            f"run_workers('127.0.0.1', {port}, 2, access_log=False, startup_s=1.0)"
        )
        proc = subprocess.Popen(
            [sys.executable, "-c", script],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            first = _wait_for_workers(port, proc, lambda pids: len(pids) == 2)
            time.sleep(1.5)  # past the start-up period
            victim = min(first)
            os.kill(victim, signal.SIGKILL)
            after = _wait_for_workers(
                port, proc, lambda pids: len(pids) == 2 and victim not in pids
            )
            assert len(after & first) == 1  # the other worker kept running
            r = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5)
            assert r.status_code == 200
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        assert proc.returncode == 0


def _wait_for_workers(
    port: int, proc: subprocess.Popen[bytes], done: Callable[[set[int]], bool]
) -> set[int]:
    deadline = time.monotonic() + 90
    while True:
        assert time.monotonic() < deadline and proc.poll() is None
        pids = _listening_pids(port) - {proc.pid}
        if done(pids):
            return pids
        time.sleep(0.2)


def test_a_worker_that_fails_to_start_stops_the_server(tmp_path: Path) -> None:
    """``lupus.web.workers.run_workers``: a worker that exits during its start-up period (here:
    production settings without a secret key) stops the server with a clear error instead of
    being restarted forever."""
    env = dict(os.environ, LUPUS_ENV="production")
    env.pop("LUPUS_SECRET_KEY", None)
    env["LUPUS_DATABASE_URL"] = f"sqlite+pysqlite:///{tmp_path / 'w.sqlite3'}"
    script = (
        "from lupus.web.workers import run_workers; "
        f"run_workers('127.0.0.1', {_free_port()}, 2, access_log=False)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert "WorkerStartError" in done.stderr and "during start-up" in done.stderr
