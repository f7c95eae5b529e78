"""Load benchmark of the care service on PostgreSQL (loopback only, bounded in time).

Starts a private PostgreSQL server (pgserver) and ``lupus serve`` on 127.0.0.1, then measures

1. FHIR transaction import throughput (resources per second) for an N-patient bundle
   (default 1,000 patients, about 8 resources each);
2. ``GET /api/patients/{id}/summary`` requests per second and p50/p99 latency with C concurrent
   clients (default 50) for D seconds (default 20).

Targets on the 2-core machine (issue): p99 <= 50 ms; >= 2,000 imported resources per second.
Prints one JSON object. Usage: python benchmarks/bench_service.py [--patients N]
[--clients C] [--seconds D].
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
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


async def load(base: str, token: str, ids: list[str], clients: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    stop = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=30
    ) as client:

        async def worker(k: int) -> None:
            rng = random.Random(k)
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                r = await client.get(f"/api/patients/{rng.choice(ids)}/summary")
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    raise RuntimeError(f"summary returned {r.status_code}: {r.text[:200]}")

        await asyncio.gather(*(worker(k) for k in range(clients)))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="lupus-bench-"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(folder / "pgdata", cleanup_mode="delete")
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute('CREATE DATABASE "bench"')
    host = server.get_uri().split("host=", 1)[1]
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
        latencies = asyncio.run(load(base, token, ids, args.clients, args.seconds))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    latencies.sort()
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
            "clients": args.clients,
            "seconds": args.seconds,
            "requests": len(latencies),
            "requests_per_second": round(len(latencies) / args.seconds, 1),
            "p50_ms": round(1000 * statistics.median(latencies), 1),
            "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1),
            "target_p99_ms": 50,
        },
    }
    print(json.dumps(result, indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
