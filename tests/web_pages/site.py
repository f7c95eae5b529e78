"""A small clinic for the page tests: the care service's app with the pages mounted, users
of every role and two patients with a history (one on belimumab IV with scheduled doses).

Shared by the in-process page tests and the browser tests. The clinic's "today" is fixed so
that alerts and schedules do not depend on the day the tests run.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from lupus.clinical import get_instrument
from lupus.store import SYSTEM, Actor, Clinic, Database, Repository, create_user
from lupus.therapy import make_plan, read_plan_request
from lupus.web import Settings, create_app
from lupus.web.pages import mount_pages
from lupus.web.pages.wizard import store_plan

TODAY = dt.date(2026, 3, 4)  # a Wednesday
PASSWORD = "correct horse battery"
USERS = {
    "dr": "clinician",
    "nurse": "nurse",
    "pat": "patient",
    "pat2": "patient",
    "res": "researcher",
    "root": "admin",
}
JANE = {"family": "Doe", "given": "Jane", "birth_date": "1988-04-12", "sex": "female"}
ANN = {"family": "Roe", "given": "Ann", "birth_date": "1979-09-30", "sex": "female"}


@dataclass(frozen=True)
class Site:
    app: FastAPI
    db: Database
    jane: str
    ann: str


def _day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def belimumab_request(start: dt.date) -> dict[str, object]:
    return {
        "patient": {
            "birth_date": JANE["birth_date"],
            "sex": "female",
            "weight_kg": 68.0,
            "height_cm": 165.0,
            "autoantibody_positive": True,
            "sledai_2k": 10,
            "active_severe_cns_lupus": False,
            "active_severe_lupus_nephritis": False,
            "prior_therapies": ["prednisone"],
            "current_therapies": ["prednisone", "hydroxychloroquine"],
            "active_infection": False,
            "hbv": "negative",
            "hcv": "negative",
            "hiv": "negative",
            "tb": "negative",
            "anaphylaxis_to": [],
            "vaccinations": [],
            "pregnant": False,
            "cd3_per_ul": None,
        },
        "therapy": "belimumab",
        "route": "iv",
        "indication": "sle",
        "start_date": start.isoformat(),
        "weeks": 24,
    }


def seed(clinic: Clinic) -> tuple[str, str]:
    jane = clinic.create_patient(JANE).id
    ann = clinic.create_patient(ANN).id
    icd = "http://hl7.org/fhir/sid/icd-10-cm"
    clinic.add_record("conditions", jane, {"system": icd, "code": "M32.14", "onset": "2019-06-01"})
    clinic.add_record("conditions", ann, {"system": icd, "code": "M32.9", "onset": "2015-01-10"})
    clinic.add_record(
        "medications",
        jane,
        {"drug": "hydroxychloroquine", "start": "2019-07-01", "dose_mg_per_day": 300},
    )
    clinic.add_record(
        "medications", jane, {"drug": "prednisone", "start": "2019-07-01", "dose_mg_per_day": 7.5}
    )
    labs = (
        ("5130-0", "[IU]/mL", (160, 120, 85)),
        ("4485-9", "mg/dL", (62, 70, 81)),
        ("4498-2", "mg/dL", (9, 11, 13)),
        ("2890-2", "g/g", (0.9, 0.7, 0.5)),
        ("98979-8", "mL/min/{1.73_m2}", (82, 84, 83)),
        ("29463-7", "kg", (68, 68, 67.5)),
    )
    for offset, i in ((-84, 0), (-42, 1), (-14, 2)):
        for code, unit, values in labs:
            clinic.add_record(
                "observations",
                jane,
                {"code": code, "value": values[i], "unit": unit, "effective": _day(offset)},
            )
    for offset, descriptors in (
        (-84, ["arthritis", "rash", "low_complement", "increased_dna_binding"]),
        (-42, ["rash", "low_complement", "increased_dna_binding"]),
        (-14, ["low_complement", "increased_dna_binding"]),
    ):
        clinic.add_record(
            "assessments",
            jane,
            {
                "instrument": "sledai-2k",
                "date": _day(offset),
                "inputs": {"descriptors": descriptors},
            },
        )
    eular = get_instrument("eular-acr-2019")
    clinic.add_record(
        "assessments",
        jane,
        {"instrument": eular.id, "date": "2019-06-01", "inputs": eular.example},
    )
    start = TODAY - dt.timedelta(days=28)
    plan = make_plan(read_plan_request(belimumab_request(start)))
    # Stored as on the start day (so no dose is "missed" before it is logged as given).
    store_plan(
        Clinic(clinic.repo, today=lambda: start), jane, plan, chair="Chair 2", time=dt.time(9, 30)
    )
    for a in clinic.repo.records("administrations", jane, audit=False):
        if a.scheduled_on < TODAY:  # logged on the day it was given, as in the clinic
            on_the_day = Clinic(clinic.repo, today=lambda d=a.scheduled_on: d)
            on_the_day.update_administration(
                jane, a.id, {"status": "given", "given_on": a.scheduled_on.isoformat()}
            )
    return jane, ann


def build_site(folder: Path) -> Site:
    db = Database(f"sqlite+pysqlite:///{folder / 'pages.sqlite3'}")
    settings = Settings(env="development", database_url=None)
    app = create_app(settings, database=db, today=lambda: TODAY, migrate=True)
    mount_pages(app)
    with db.transaction() as conn:
        jane, ann = seed(Clinic(Repository(conn, Actor("seed", "clinician")), today=lambda: TODAY))
        for username, role in USERS.items():
            patient = {"pat": jane, "pat2": ann}.get(username)
            create_user(
                conn, SYSTEM, username=username, password=PASSWORD, role=role, patient_id=patient
            )
    return Site(app, db, jane, ann)


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port (the socket is bound first, so no
    other process can take the port), in a thread; yield the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
