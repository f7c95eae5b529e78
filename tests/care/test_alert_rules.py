"""Table-driven tests: every alert rule fires on its case and stays quiet just across the line."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lupus.care import alert_rules, evaluate
from tests.care.builders import (
    appointment,
    assess,
    d,
    dose,
    event,
    history,
    med,
    obs,
    phq9,
    plan,
    symptom,
)

S = "sledai-2k"
BELI = plan("belimumab", "2026-01-01")
ANI = plan("anifrolumab", "2026-01-01")

# (rule code, case id, records, today, expected number of findings of that code)
CASES: list[tuple[str, str, tuple[Any, ...], str, int]] = [
    # monitoring overdue: belimumab baseline CBC due at start, grace 14 days
    ("monitoring.overdue", "five-baselines-past-14-day-grace", (BELI,), "2026-01-20", 5),
    (
        "monitoring.overdue",
        "cbc-done",
        (BELI, obs("777-3", 200, "10*9/L", "2026-01-02")),
        "2026-01-20",
        4,
    ),
    ("monitoring.overdue", "within-grace", (BELI,), "2026-01-10", 0),
    ("monitoring.overdue", "no-therapy", (), "2026-06-01", 0),
    (
        "monitoring.overdue",
        "stopped-plan",
        (plan("belimumab", "2026-01-01", status="stopped"),),
        "2026-06-01",
        0,
    ),
    # CTCAE v5 grade >= 3 lab thresholds (strictly below)
    ("lab.neutrophils.low", "0.9", (obs("751-8", 0.9, "10*9/L", "2026-02-01"),), "2026-02-02", 1),
    (
        "lab.neutrophils.low",
        "1.0-boundary",
        (obs("751-8", 1.0, "10*9/L", "2026-02-01"),),
        "2026-02-02",
        0,
    ),
    (
        "lab.neutrophils.low",
        "900-per-uL",
        (obs("751-8", 900, "/uL", "2026-02-01"),),
        "2026-02-02",
        1,
    ),
    (
        "lab.neutrophils.low",
        "recovered-latest",
        (obs("751-8", 0.5, "10*9/L", "2026-02-01"), obs("751-8", 2.0, "10*9/L", "2026-02-08")),
        "2026-02-09",
        0,
    ),
    ("lab.platelets.low", "49", (obs("777-3", 49, "10*9/L", "2026-02-01"),), "2026-02-02", 1),
    ("lab.platelets.low", "50", (obs("777-3", 50, "10*9/L", "2026-02-01"),), "2026-02-02", 0),
    ("lab.lymphocytes.low", "0.4", (obs("731-0", 0.4, "10*9/L", "2026-02-01"),), "2026-02-02", 1),
    ("lab.lymphocytes.low", "0.5", (obs("731-0", 0.5, "10*9/L", "2026-02-01"),), "2026-02-02", 0),
    ("lab.hemoglobin.low", "7.9", (obs("718-7", 7.9, "g/dL", "2026-02-01"),), "2026-02-02", 1),
    ("lab.hemoglobin.low", "79-g-per-L", (obs("718-7", 79, "g/L", "2026-02-01"),), "2026-02-02", 1),
    ("lab.hemoglobin.low", "8.0", (obs("718-7", 8.0, "g/dL", "2026-02-01"),), "2026-02-02", 0),
    ("lab.igg.low", "3.9", (obs("2465-3", 3.9, "g/L", "2026-02-01"),), "2026-02-02", 1),
    ("lab.igg.low", "400-mg-dL", (obs("2465-3", 400, "mg/dL", "2026-02-01"),), "2026-02-02", 0),
    # eGFR: >= 20% below the last value before the current therapy started
    (
        "lab.egfr.decline",
        "20-percent",
        (
            BELI,
            obs("98979-8", 100, "mL/min/{1.73_m2}", "2025-12-20"),
            obs("98979-8", 80, "mL/min/{1.73_m2}", "2026-03-01"),
        ),
        "2026-03-02",
        1,
    ),
    (
        "lab.egfr.decline",
        "19-percent",
        (
            BELI,
            obs("98979-8", 100, "mL/min/{1.73_m2}", "2025-12-20"),
            obs("98979-8", 81, "mL/min/{1.73_m2}", "2026-03-01"),
        ),
        "2026-03-02",
        0,
    ),
    (
        "lab.egfr.decline",
        "baseline-is-last-before-start",
        (
            BELI,
            obs("98979-8", 60, "mL/min/{1.73_m2}", "2025-06-01"),
            obs("98979-8", 100, "mL/min/{1.73_m2}", "2025-12-20"),
            obs("98979-8", 79, "mL/min/{1.73_m2}", "2026-03-01"),
        ),
        "2026-03-02",
        1,
    ),
    (
        "lab.egfr.decline",
        "no-baseline",
        (BELI, obs("98979-8", 40, "mL/min/{1.73_m2}", "2026-03-01")),
        "2026-03-02",
        0,
    ),
    # UPCR doubled from its 6-month nadir
    (
        "lab.upcr.doubled",
        "doubled",
        (
            obs("2890-2", 0.3, "g/g", "2026-01-01"),
            obs("2890-2", 0.2, "g/g", "2026-02-01"),
            obs("2890-2", 0.4, "g/g", "2026-03-01"),
        ),
        "2026-03-02",
        1,
    ),
    (
        "lab.upcr.doubled",
        "nearly-doubled",
        (obs("2890-2", 0.2, "g/g", "2026-02-01"), obs("2890-2", 0.39, "g/g", "2026-03-01")),
        "2026-03-02",
        0,
    ),
    (
        "lab.upcr.doubled",
        "nadir-older-than-6-months",
        (
            obs("2890-2", 0.1, "g/g", "2025-06-01"),
            obs("2890-2", 0.3, "g/g", "2026-01-01"),
            obs("2890-2", 0.4, "g/g", "2026-03-01"),
        ),
        "2026-03-02",
        0,
    ),
    (
        "lab.upcr.doubled",
        "mg-per-g",
        (obs("2890-2", 200, "mg/g", "2026-02-01"), obs("2890-2", 400, "mg/g", "2026-03-01")),
        "2026-03-02",
        1,
    ),
    (
        "lab.upcr.above_threshold",
        "crossed",
        (obs("2890-2", 0.4, "g/g", "2026-02-01"), obs("2890-2", 0.6, "g/g", "2026-03-01")),
        "2026-03-02",
        1,
    ),
    (
        "lab.upcr.above_threshold",
        "already-above",
        (obs("2890-2", 0.6, "g/g", "2026-02-01"), obs("2890-2", 0.7, "g/g", "2026-03-01")),
        "2026-03-02",
        0,
    ),
    (
        "lab.upcr.above_threshold",
        "to-exactly-0.5",
        (obs("2890-2", 0.4, "g/g", "2026-02-01"), obs("2890-2", 0.5, "g/g", "2026-03-01")),
        "2026-03-02",
        0,
    ),
    # flares
    (
        "flare.sledai",
        "rise-4",
        (assess(S, "2026-01-01", {"score": 4}), assess(S, "2026-02-01", {"score": 8})),
        "2026-02-02",
        1,
    ),
    (
        "flare.sledai",
        "rise-3",
        (assess(S, "2026-01-01", {"score": 4}), assess(S, "2026-02-01", {"score": 7})),
        "2026-02-02",
        0,
    ),
    ("flare.sledai", "single-visit", (assess(S, "2026-02-01", {"score": 20}),), "2026-02-02", 0),
    (
        "flare.severe",
        "severe",
        (assess("flare-index", "2026-02-01", {"flare": "severe"}),),
        "2026-02-02",
        1,
    ),
    (
        "flare.severe",
        "mild",
        (assess("flare-index", "2026-02-01", {"flare": "mild_moderate"}),),
        "2026-02-02",
        0,
    ),
    # infection
    ("infection.fever", "38.0", (obs("8310-5", 38.0, "Cel", "2026-02-01"),), "2026-02-02", 1),
    ("infection.fever", "37.9", (obs("8310-5", 37.9, "Cel", "2026-02-01"),), "2026-02-02", 0),
    ("infection.fever", "101F", (obs("8310-5", 101, "[degF]", "2026-02-01"),), "2026-02-02", 1),
    ("infection.fever", "old", (obs("8310-5", 39, "Cel", "2026-01-01"),), "2026-02-02", 0),
    ("infection.fever", "reported", (symptom("fever", "2026-02-01"),), "2026-02-02", 1),
    ("infection.symptoms", "cough", (symptom("cough", "2026-02-01"),), "2026-02-02", 1),
    ("infection.symptoms", "fatigue-only", (symptom("fatigue", "2026-02-01"),), "2026-02-02", 0),
    (
        "infection.event",
        "open",
        (event("infection", "Pneumonia", 3, "2026-02-01"),),
        "2026-02-02",
        1,
    ),
    (
        "infection.event",
        "resolved",
        (event("infection", "Pneumonia", 3, "2026-01-01", "2026-01-20"),),
        "2026-02-02",
        0,
    ),
    (
        "infection.herpes_zoster",
        "on-anifrolumab",
        (ANI, event("infection", "Herpes zoster", 2, "2026-02-01")),
        "2026-02-02",
        1,
    ),
    (
        "infection.herpes_zoster",
        "blisters-on-anifrolumab",
        (ANI, symptom("blistering-rash", "2026-02-01")),
        "2026-02-02",
        1,
    ),
    (
        "infection.herpes_zoster",
        "not-on-anifrolumab",
        (BELI, event("infection", "Herpes zoster", 2, "2026-02-01")),
        "2026-02-02",
        0,
    ),
    # CAR T toxicities, ASTCT grade >= 2
    (
        "car_t.crs",
        "grade-2",
        (event("crs", "Cytokine release syndrome", 2, "2026-02-01"),),
        "2026-02-02",
        1,
    ),
    (
        "car_t.crs",
        "grade-1",
        (event("crs", "Cytokine release syndrome", 1, "2026-02-01"),),
        "2026-02-02",
        0,
    ),
    ("car_t.icans", "grade-3", (event("icans", "ICANS", 3, "2026-02-01"),), "2026-02-02", 1),
    ("car_t.icans", "grade-1", (event("icans", "ICANS", 1, "2026-02-01"),), "2026-02-02", 0),
    (
        "adverse_event.severe",
        "grade-3",
        (event("ctcae", "Diarrhea", 3, "2026-02-01"),),
        "2026-02-02",
        1,
    ),
    (
        "adverse_event.severe",
        "grade-2",
        (event("ctcae", "Diarrhea", 2, "2026-02-01"),),
        "2026-02-02",
        0,
    ),
    (
        "dose.infusion_reaction",
        "grade-2",
        (dose("2026-02-01", "given", "2026-02-01", reaction_grade=2),),
        "2026-02-02",
        1,
    ),
    (
        "dose.infusion_reaction",
        "grade-1",
        (dose("2026-02-01", "given", "2026-02-01", reaction_grade=1),),
        "2026-02-02",
        0,
    ),
    # doses
    ("dose.missed", "recorded", (dose("2026-02-01", "missed"),), "2026-02-02", 1),
    ("dose.missed", "window-closed-4-weekly", (dose("2026-02-01", "scheduled"),), "2026-02-09", 1),
    ("dose.missed", "inside-window-4-weekly", (dose("2026-02-01", "scheduled"),), "2026-02-08", 0),
    (
        "dose.missed",
        "window-closed-weekly",
        (dose("2026-02-01", "scheduled", interval=7),),
        "2026-02-04",
        1,
    ),
    (
        "dose.late",
        "8-days-4-weekly",
        (dose("2026-02-01", "delayed", "2026-02-09"),),
        "2026-02-10",
        1,
    ),
    ("dose.late", "7-days-4-weekly", (dose("2026-02-01", "given", "2026-02-08"),), "2026-02-10", 0),
    (
        "dose.late",
        "3-days-weekly",
        (dose("2026-02-01", "given", "2026-02-04", interval=7),),
        "2026-02-10",
        1,
    ),
    # adherence below 80%: 4 of 5 on time is 80% (no alert); 3 of 5 is 60%
    (
        "adherence.low",
        "80-percent",
        tuple(dose(f"2026-0{m}-01", "given", f"2026-0{m}-01") for m in range(1, 5))
        + (dose("2026-05-01", "missed"),),
        "2026-06-01",
        0,
    ),
    (
        "adherence.low",
        "60-percent",
        tuple(dose(f"2026-0{m}-01", "given", f"2026-0{m}-01") for m in range(1, 4))
        + (dose("2026-04-01", "missed"), dose("2026-05-01", "missed")),
        "2026-06-01",
        1,
    ),
    ("adherence.low", "nothing-due", (dose("2026-07-01", "scheduled"),), "2026-06-01", 0),
    # follow-up
    (
        "followup.overdue",
        "noshow",
        (appointment("visit", "2026-02-01", "noshow"),),
        "2026-02-02",
        1,
    ),
    (
        "followup.overdue",
        "booked-in-past",
        (appointment("follow-up", "2026-02-01", "booked"),),
        "2026-02-03",
        1,
    ),
    (
        "followup.overdue",
        "fulfilled",
        (appointment("visit", "2026-02-01", "fulfilled"),),
        "2026-02-03",
        0,
    ),
    (
        "followup.overdue",
        "booked-future",
        (appointment("visit", "2026-03-01", "booked"),),
        "2026-02-03",
        0,
    ),
    # patient-reported symptoms and PHQ-9
    (
        "symptom.review",
        "unreviewed",
        (symptom("pain", "2026-02-01", reviewed=False),),
        "2026-02-02",
        1,
    ),
    (
        "symptom.review",
        "reviewed",
        (symptom("pain", "2026-02-01", reviewed=True),),
        "2026-02-02",
        0,
    ),
    ("phq9.item9", "item9-1", (phq9("2026-02-01", [0, 0, 0, 0, 0, 0, 0, 0, 1]),), "2026-02-02", 1),
    ("phq9.item9", "item9-0", (phq9("2026-02-01", [3, 3, 3, 3, 3, 3, 3, 3, 0]),), "2026-02-02", 0),
    # belimumab 6 months without improvement (EU SmPC; improvement = fall of >= 4)
    (
        "belimumab.no_improvement",
        "no-improvement",
        (BELI, assess(S, "2025-12-20", {"score": 10}), assess(S, "2026-07-01", {"score": 8})),
        "2026-07-05",
        1,
    ),
    (
        "belimumab.no_improvement",
        "improved-by-4",
        (BELI, assess(S, "2025-12-20", {"score": 10}), assess(S, "2026-07-01", {"score": 6})),
        "2026-07-05",
        0,
    ),
    (
        "belimumab.no_improvement",
        "before-6-months",
        (BELI, assess(S, "2025-12-20", {"score": 10}), assess(S, "2026-05-01", {"score": 10})),
        "2026-06-01",
        0,
    ),
    # hydroxychloroquine dose <= 5 mg/kg/day real body weight
    (
        "hydroxychloroquine.dose",
        "400mg-70kg",
        (med("hydroxychloroquine", "2025-01-01", 400), obs("29463-7", 70, "kg", "2026-01-01")),
        "2026-02-01",
        1,
    ),
    (
        "hydroxychloroquine.dose",
        "400mg-80kg",
        (med("hydroxychloroquine", "2025-01-01", 400), obs("29463-7", 80, "kg", "2026-01-01")),
        "2026-02-01",
        0,
    ),
    (
        "hydroxychloroquine.dose",
        "stopped",
        (
            med("hydroxychloroquine", "2025-01-01", 400, "2025-12-01"),
            obs("29463-7", 50, "kg", "2026-01-01"),
        ),
        "2026-02-01",
        0,
    ),
]


@pytest.mark.parametrize(
    ("code", "records", "today", "expected"),
    [pytest.param(c, r, t, n, id=f"{c}-{i}") for c, i, r, t, n in CASES],
)
def test_rule(code: str, records: tuple[Any, ...], today: str, expected: int) -> None:
    findings = [f for f in evaluate(history(*records), d(today)) if f.code == code]
    assert len(findings) == expected, [f.message for f in findings]
    rule = alert_rules()[code]
    for f in findings:
        assert f.severity == rule.severity
        assert f.source == rule.source
        assert "{" not in f.message


def test_every_rule_has_a_firing_and_a_quiet_case() -> None:
    fired = {c for c, _, _, _, n in CASES if n > 0}
    quiet = {c for c, _, _, _, n in CASES if n == 0}
    assert fired == set(alert_rules())
    assert quiet == set(alert_rules())


def test_every_rule_names_a_source_and_known_severity() -> None:
    for rule in alert_rules().values():
        assert rule.source.strip()
        assert rule.severity in ("info", "warning", "high", "urgent")


def test_findings_are_keyed_for_deduplication() -> None:
    h = history(obs("751-8", 0.5, "10*9/L", "2026-02-01"))
    first = evaluate(h, d("2026-02-02"))
    again = evaluate(h, d("2026-02-03"))
    assert [f.key for f in first] == [f.key for f in again]
    assert len({f.key for f in first}) == len(first)


def test_messages_explain_values() -> None:
    h = history(obs("777-3", 30_000, "/uL", "2026-02-01"))
    (finding,) = [f for f in evaluate(h, d("2026-02-02")) if f.code == "lab.platelets.low"]
    assert "30 x10^9/L" in finding.message and "2026-02-01" in finding.message
    assert finding.date == dt.date(2026, 2, 1)
