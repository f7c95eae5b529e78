"""Load benchmark of the care service on PostgreSQL (loopback only, bounded in time).

Starts a private PostgreSQL server (pgserver) and ``lupus serve`` on 127.0.0.1, then measures

1. FHIR transaction import throughput (resources per second) for an N-patient bundle
   (default 1,000 patients, about 8 resources each);
2. ``GET /api/patients/{id}/summary`` requests per second and p50/p99 latency with C concurrent
   clients (default 50) for D seconds (default 20).

Targets on the 2-core machine (issue): p99 <= 50 ms; >= 2,000 imported resources per second.
Prints one JSON object. Usage: python benchmarks/bench_service.py [--patients N]
[--clients C] [--seconds D] [--workers W] [--load-generator auto|wrk|python].

The load generator is ``wrk`` (Debian package ``wrk``, a C program: about 0.02 ms of CPU per
request) when it is installed or can be installed with apt-get (as root); otherwise, or with
``--load-generator python``, a minimal asyncio HTTP/1.1 client (about 0.2 ms per request).
Both keep ``clients`` keep-alive connections with one request in flight each (closed loop),
choose a random imported patient per request and count any non-200 answer as an error.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import httpx
import psycopg

from lupus.store import Actor, Database, create_user
from lupus.web.security import create_token

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"


def synthetic_bundle(patients: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    entries: list[dict[str, Any]] = []
    for i in range(patients):
        full = f"urn:uuid:00000000-0000-4000-8000-{i:012d}"
        entries.append(
            {
                "fullUrl": full,
                "request": {"method": "POST", "url": "Patient"},
                "resource": {
                    "resourceType": "Patient",
                    "gender": "female",
                    "birthDate": f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-15",
                    "name": [{"family": f"Synthetic{i}", "given": ["Test"]}],
                    "meta": {
                        "tag": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
                                "code": "HTEST",
                            }
                        ]
                    },
                },
            }
        )
        for code, value, unit in (
            ("718-7", rng.uniform(9, 15), "g/dL"),
            ("777-3", rng.uniform(80, 400), "10*9/L"),
            ("751-8", rng.uniform(1.2, 6), "10*9/L"),
            ("2160-0", rng.uniform(0.5, 1.4), "mg/dL"),
            ("2890-2", rng.uniform(0.05, 1.5), "g/g"),
            ("4485-9", rng.uniform(60, 140), "mg/dL"),
            ("2465-3", rng.uniform(5, 15), "g/L"),
        ):
            entries.append(
                {
                    "request": {"method": "POST", "url": "Observation"},
                    "resource": {
                        "resourceType": "Observation",
                        "status": "final",
                        "subject": {"reference": full},
                        "code": {"coding": [{"system": LOINC, "code": code}]},
                        "effectiveDateTime": "2026-01-15",
                        "valueQuantity": {
                            "value": round(value, 2),
                            "unit": unit,
                            "system": UCUM,
                            "code": unit,
                        },
                    },
                }
            )
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


async def load(port: int, token: str, ids: list[str], clients: int, seconds: float) -> list[float]:
    """``clients`` keep-alive HTTP/1.1 connections, each sending one summary request at a time
    (closed loop) until ``seconds`` have passed; returns every latency in seconds.

    A minimal client over asyncio streams rather than httpx: the load generator shares the two
    cores with the server and PostgreSQL, and httpx spent about 10 ms of CPU per request here,
    more than the server itself. Responses are checked (status 200, full body read)."""
    latencies: list[float] = []
    stop = time.monotonic() + seconds

    async def worker(k: int) -> None:
        rng = random.Random(k)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.monotonic() < stop:
                request = (
                    f"GET /api/patients/{rng.choice(ids)}/summary HTTP/1.1\r\n"
                    f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n\r\n"
                ).encode()
                t0 = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                body = await reader.readexactly(length)
                latencies.append(time.perf_counter() - t0)
                if head[9:12] != b"200":
                    raise RuntimeError(f"summary returned {head[:12]!r}: {body[:200]!r}")
        finally:
            writer.close()

    await asyncio.gather(*(worker(k) for k in range(clients)))
    return latencies


WRK_SCRIPT = r"""
local ids, token, errors = {}, "", 0
function init(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  token = args[2]
  math.randomseed(tonumber(args[3]))
end
function request()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/api/patients/" .. id .. "/summary",
                    {["Authorization"] = "Bearer " .. token})
end
function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "non_200": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def find_wrk() -> str | None:
    """``wrk`` on PATH, else installed from Debian's archive when we are root (bounded)."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "install", "-y", "-qq", "wrk"], ["apt-get", "update", "-qq"]):
        subprocess.run(command, env=env, capture_output=True, timeout=300, check=False)
        if shutil.which("wrk"):
            break
    if not shutil.which("wrk"):  # after the update
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            env=env,
            capture_output=True,
            timeout=300,
            check=False,
        )
    return shutil.which("wrk")


def load_wrk(
    wrk: str, port: int, token: str, ids: list[str], clients: int, seconds: float, folder: Path
) -> dict[str, Any]:
    """Run wrk (one thread, ``clients`` connections) against the loopback server."""
    script, id_file = folder / "summary.lua", folder / "ids.txt"
    script.write_text(WRK_SCRIPT)
    id_file.write_text("\n".join(ids) + "\n")
    command = [wrk, "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
    command += ["-s", str(script), f"http://127.0.0.1:{port}", "--", str(id_file), token, "7"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    if run.returncode != 0 or not lines:
        raise RuntimeError(
            f"wrk failed ({run.returncode}): {run.stdout[-500:]} {run.stderr[-500:]}"
        )
    result: dict[str, Any] = json.loads(lines[-1])
    if result["non_200"] or result["socket_errors"]:
        raise RuntimeError(f"summary errors under load: {result}")
    return result


def access_log_off() -> list[str]:
    """``--no-access-log`` where ``lupus serve`` has it: the server's stderr goes to
    /dev/null here, and every read of patient data is in the audit log anyway. (Older
    versions, run from a copy by PYTHONPATH for before/after comparisons, lack the option.)"""
    from lupus._cli.serve import serve

    return ["--no-access-log"] if "access_log" in inspect.signature(serve).parameters else []


def cpu_seconds(root: int) -> float:
    """User + system CPU seconds of process ``root`` and its live descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo.extend(p for p, parent in parents.items() if parent == pid)
    return total


def audited_reads(url: str) -> int:
    """Audit rows of reads in the ``bench`` database."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'read'").fetchone()
    return int(row[0]) if row else 0


def commits(uri: str) -> int:
    """Transactions committed so far in the ``bench`` database (pg_stat_database)."""
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = 'bench'"
        ).fetchone()
    return int(row[0]) if row else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--load-generator", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args()
    wrk = None if args.load_generator == "python" else find_wrk()
    if args.load_generator == "wrk" and wrk is None:
        raise SystemExit("wrk: not installed and could not be installed (apt-get install wrk)")

    folder = Path(tempfile.mkdtemp(prefix="lupus-bench-"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(folder / "pgdata", cleanup_mode="delete")
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute('CREATE DATABASE "bench"')
    host = server.get_uri().split("host=", 1)[1]
    postmaster = int(server.get_pid())
    url = f"postgresql+psycopg://postgres@/bench?host={host}"
    secret = "b" * 48
    db = Database(url)
    db.migrate()
    with db.transaction() as conn:
        create_user(
            conn,
            Actor("bench", "admin"),
            username="bench-dr",
            password="benchmark-pw",
            role="clinician",
        )
    db.dispose()
    token = create_token(Actor("bench-dr", "clinician"), secret=secret, minutes=120)
    port = free_port()
    env = dict(os.environ, LUPUS_DATABASE_URL=url, LUPUS_SECRET_KEY=secret, LUPUS_ENV="production")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lupus.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            *access_log_off(),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        bundle = synthetic_bundle(args.patients)
        n_resources = len(bundle["entry"])
        t0 = time.perf_counter()
        r = httpx.post(
            f"{base}/fhir", json=bundle, headers={"Authorization": f"Bearer {token}"}, timeout=600
        )
        import_s = time.perf_counter() - t0
        if r.status_code != 200:
            raise RuntimeError(f"import failed: {r.status_code} {r.text[:300]}")
        ids = [
            e["response"]["location"].split("/")[1]
            for e in r.json()["entry"]
            if e["response"]["location"].startswith("Patient/")
        ]
        commits0 = commits(server.get_uri())
        bench_uri = server.get_uri().replace("/postgres?", "/bench?")
        reads0 = audited_reads(bench_uri)
        server_cpu0, pg_cpu0 = cpu_seconds(proc.pid), cpu_seconds(postmaster)
        cpu0 = time.process_time()
        children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if wrk is not None:
            measured = load_wrk(wrk, port, token, ids, args.clients, args.seconds, folder)
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            client_cpu_s = (children.ru_utime - children0.ru_utime) + (
                children.ru_stime - children0.ru_stime
            )
            n_requests = int(measured["requests"])
            duration_s = measured["duration_us"] / 1e6
            p50_s, p99_s = measured["p50_us"] / 1e6, measured["p99_us"] / 1e6
        else:
            latencies = asyncio.run(load(port, token, ids, args.clients, args.seconds))
            client_cpu_s = time.process_time() - cpu0
            latencies.sort()
            n_requests, duration_s = len(latencies), args.seconds
            p50_s = statistics.median(latencies)
            p99_s = latencies[int(0.99 * (len(latencies) - 1))]
        server_cpu_s = cpu_seconds(proc.pid) - server_cpu0
        pg_cpu_s = cpu_seconds(postmaster) - pg_cpu0
        n_commits = commits(server.get_uri()) - commits0
        n_audited = audited_reads(bench_uri) - reads0
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    result = {
        "backend": "postgresql (pgserver 16, loopback)",
        "server_workers": args.workers,
        "import": {
            "patients": args.patients,
            "resources": n_resources,
            "seconds": round(import_s, 2),
            "resources_per_second": round(n_resources / import_s, 1),
            "target_resources_per_second": 2000,
        },
        "summary": {
            "load_generator": "wrk" if wrk is not None else "python asyncio",
            "clients": args.clients,
            "seconds": round(duration_s, 2),
            "requests": n_requests,
            "requests_per_second": round(n_requests / duration_s, 1),
            "p50_ms": round(1000 * p50_s, 1),
            "p99_ms": round(1000 * p99_s, 1),
            "target_p99_ms": 50,
            # transactions committed in the bench database per summary request (the fast path
            # answers the requests waiting in a worker with one statement and one commit)
            "commits_per_request": round(n_commits / max(1, n_requests), 3),
            # audit rows of reads written during the load per answered request: at least 1
            # (requests still in flight when the load generator stops are audited, not counted)
            "audited_reads_per_request": round(n_audited / max(1, n_requests), 4),
            # CPU per request of the load generator (it shares the cores with the server), the
            # server's worker processes and PostgreSQL
            "cpu_ms_per_request": {
                name: round(1000 * cpu / max(1, n_requests), 2)
                for name, cpu in (
                    ("client", client_cpu_s),
                    ("server", server_cpu_s),
                    ("postgresql", pg_cpu_s),
                )
            },
        },
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result, indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
