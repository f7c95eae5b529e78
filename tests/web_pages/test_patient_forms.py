"""The patient page's forms: a visit (SLEDAI-2K, PGA, labs), an administration (with an
infusion reaction), an adverse event (CRS/ICANS helpers); alerts and messages."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from typing import Any

from lupus.clinical import score_sledai2k
from tests.web_pages.conftest import User, open_alerts, stored
from tests.web_pages.site import Site

MakeUser = Callable[[str | None], User]
SiteT = tuple[Site, str]


def test_the_patient_page_shows_state_plot_doses_and_the_forms(
    as_user: MakeUser, jane: str
) -> None:
    dr = as_user("dr")
    deadline = time.monotonic() + 600  # the exposure estimate may wait for a simulator compile
    while True:
        r = dr.get(f"/ui/patients/{jane}")
        assert r.status_code == 200
        if 'id="exposure-pending"' not in r.text or time.monotonic() > deadline:
            break
        time.sleep(1)
    text = html.unescape(r.text)
    assert "<h1>Jane Doe</h1>" in text
    assert "SLEDAI-2K: <strong>4</strong>" in text  # latest: low complement + anti-dsDNA
    assert "LLDAS: <strong>not assessed</strong>" in text
    assert "DORIS remission: <strong>not assessed</strong>" in text
    assert '<svg class="plot timeline" role="img"' in text
    for panel in ("SLEDAI-2K (points)", "Anti-dsDNA", "Complement C3 / C4", "UPCR", "eGFR"):
        assert panel in text
    assert "CD19+ B cells" in text and "Doses: given, missed, delayed, scheduled" in text
    assert "Drug exposure, model estimate from the doses given" in text
    assert "belimumab (model)" in text
    assert "Glomerular disease in systemic lupus erythematosus" in text
    assert "(research classification, not a confirmed diagnosis)" in text
    assert (
        "EULAR/ACR 2019 SLE classification criteria on 2019-06-01: meets the classification" in text
    )
    assert "Classification, never a diagnosis." in text
    assert "<strong>belimumab</strong>: active" in text
    assert text.count('class="st-given"') == 2
    for form in ('id="visit-form"', 'id="admin-form"', 'id="ae-form"'):
        assert form in text
    assert "model prediction" in text


def test_sledai_weights_come_from_the_clinical_table(as_user: MakeUser, jane: str) -> None:
    text = as_user("dr").get(f"/ui/patients/{jane}").text
    found = re.search(r"data-sledai-weights='([^']+)'", text)
    assert found is not None
    import json

    from lupus.clinical import SLEDAI2K_DESCRIPTORS

    assert json.loads(found.group(1)) == dict(SLEDAI2K_DESCRIPTORS)


def test_a_clinician_records_a_visit_scored_by_the_instrument(
    site: SiteT, as_user: MakeUser, ann: str
) -> None:
    dr = as_user("dr")
    dr.get(f"/ui/patients/{ann}")
    data: dict[str, Any] = {
        "visit_date": "2026-03-02",
        "score_sledai": "1",
        "descriptor": ["arthritis", "rash", "low_complement"],
        "pga": "0.8",
        "prednisone_mg_per_day": "5",
        "standard_maintenance_tolerated": "on",
        "lab_c3": "0.7",
        "unit_c3": "g/L",
    }
    r = dr.follow(dr.post(f"/ui/patients/{ann}/visits", data))
    assert "Visit recorded (4 entries)." in html.unescape(r.text)
    assessments = {a.instrument: a for a in stored(site, "assessments", ann)}
    expected = score_sledai2k(["arthritis", "rash", "low_complement"]).score
    assert assessments["sledai-2k"].result["score"] == expected == 8
    assert assessments["lldas"].result["met"] is False  # SLEDAI-2K 8 > 4
    assert "doris" in assessments
    (c3,) = [o for o in stored(site, "observations", ann) if o.code == "4485-9"]
    assert (c3.value, c3.unit, c3.entered_unit) == (70.0, "mg/dL", "g/L")
    assert f"SLEDAI-2K: <strong>{expected}</strong>" in html.unescape(r.text)
    assert "LLDAS: <strong>not met</strong>" in html.unescape(r.text)


def test_visit_form_errors_name_the_field_and_keep_the_input(as_user: MakeUser, ann: str) -> None:
    dr = as_user("dr")
    dr.get(f"/ui/patients/{ann}")
    cases = [
        ({"visit_date": "2026-03-02", "pga": "5", "prednisone_mg_per_day": "5"}, "field 'pga'"),
        ({"visit_date": "2026-03-02", "pga": "1"}, "field 'prednisone_mg_per_day'"),
        ({"visit_date": "not a date", "lab_c3": "1"}, "field 'visit_date'"),
        ({"visit_date": "2026-03-02"}, "at least a SLEDAI-2K assessment or one lab value"),
        ({"visit_date": "2026-03-02", "lab_c3": "abc"}, "field 'lab_c3'"),
        ({"visit_date": "2026-03-02", "lab_c3": "1", "unit_c3": "furlongs"}, "field 'unit_c3'"),
        ({"visit_date": "2026-03-02", "descriptor": ["no_such"]}, "field 'descriptor'"),
    ]
    for data, message in cases:
        r = dr.post(f"/ui/patients/{ann}/visits", data)
        assert r.status_code == 422, (data, r.status_code)
        assert message in html.unescape(r.text), (message, data)
        assert 'role="alert" id="visit-error"' in html.unescape(r.text)
    r = dr.post(f"/ui/patients/{ann}/visits", {"visit_date": "2026-03-02", "lab_c3": "abc"})
    assert 'name="lab_c3" inputmode="decimal" value="abc"' in html.unescape(r.text)


def test_a_nurse_records_labs_but_not_a_sledai_score(as_user: MakeUser, ann: str) -> None:
    nurse = as_user("nurse")
    page = nurse.get(f"/ui/patients/{ann}")
    assert 'name="descriptor"' not in page.text
    r = nurse.post(f"/ui/patients/{ann}/visits", {"visit_date": "2026-03-03", "lab_c4": "12"})
    assert r.status_code == 303
    r = nurse.post(
        f"/ui/patients/{ann}/visits", {"visit_date": "2026-03-03", "descriptor": ["rash"]}
    )
    assert r.status_code == 403
    assert "only a clinician records SLEDAI-2K" in html.unescape(r.text)


def test_an_infusion_with_a_reaction_raises_an_alert_the_clinician_sees(
    site: SiteT, as_user: MakeUser, jane: str
) -> None:
    nurse = as_user("nurse")
    nurse.get(f"/ui/patients/{jane}")
    (today_dose,) = [
        a
        for a in stored(site, "administrations", jane)
        if a.scheduled_on.isoformat() == "2026-03-04"
    ]
    r = nurse.post(
        f"/ui/patients/{jane}/administrations",
        {"administration": today_dose.id, "reaction": "description only"},
    )
    assert r.status_code == 422 and "field 'status'" in html.unescape(r.text)
    r = nurse.post(
        f"/ui/patients/{jane}/administrations",
        {
            "administration": today_dose.id,
            "status": "given",
            "given_on": "2026-03-04",
            "reaction": "flushing",
        },
    )
    assert r.status_code == 422 and "field 'reaction_grade'" in html.unescape(r.text)
    r = nurse.post(
        f"/ui/patients/{jane}/administrations",
        {
            "administration": today_dose.id,
            "status": "given",
            "given_on": "2026-03-04",
            "dose": "680 mg",
            "reaction_grade": "2",
            "reaction": "flushing and chills",
        },
    )
    assert "Administration recorded with a reaction." in html.unescape(nurse.follow(r).text)
    (given,) = [a for a in stored(site, "administrations", jane) if a.id == today_dose.id]
    assert (given.status, given.reaction_grade) == ("given", 2)
    assert any(a.code == "dose.infusion_reaction" for a in open_alerts(site, jane))
    inbox = as_user("dr").get("/ui/clinic").text
    assert "Infusion or injection reaction grade 2" in inbox and "flushing and chills" in inbox


def test_acknowledging_an_alert_records_who(site: SiteT, as_user: MakeUser, jane: str) -> None:
    dr = as_user("dr")
    dr.get("/ui/clinic")
    alert = open_alerts(site, jane)[0]
    r = dr.post(f"/ui/patients/{jane}/alerts/{alert.id}/acknowledge", {"back": "/ui/clinic"})
    assert "Alert acknowledged." in html.unescape(dr.follow(r).text)
    (after,) = [a for a in open_alerts(site, jane) if a.id == alert.id]
    assert (after.status, after.acknowledged_by) == ("acknowledged", "dr")
    r = dr.post(f"/ui/patients/{jane}/alerts/{alert.id}/acknowledge", {"back": "/ui/clinic"})
    assert r.status_code == 409
    assert (
        as_user("pat").post(f"/ui/patients/{jane}/alerts/{alert.id}/acknowledge", {}).status_code
        == 403
    )


def test_adverse_events_with_the_crs_and_icans_helpers(
    site: SiteT, as_user: MakeUser, ann: str
) -> None:
    dr = as_user("dr")
    dr.get(f"/ui/patients/{ann}")
    crs = {
        "category": "crs",
        "term": "Cytokine release syndrome",
        "onset": "2026-03-01",
        "use_crs_helper": "on",
        "crs_temperature_c": "38.6",
        "crs_hypotension": "one_vasopressor",
        "crs_oxygen": "low_flow",
    }
    r = dr.post(f"/ui/patients/{ann}/adverse-events", {**crs, "grade": "2"})
    assert r.status_code == 422 and "3, the grade the helper computed" in html.unescape(r.text)
    r = dr.post(f"/ui/patients/{ann}/adverse-events", {**crs, "crs_oxygen": "nasal"})
    assert r.status_code == 422 and "field 'crs_oxygen'" in html.unescape(r.text)
    assert dr.follow(dr.post(f"/ui/patients/{ann}/adverse-events", crs)).status_code == 200
    icans = {
        "category": "icans",
        "term": "ICANS",
        "onset": "2026-03-02",
        "use_icans_helper": "on",
        "icans_ice_score": "5",
        "icans_consciousness": "voice",
        "icans_seizure": "none",
        "icans_cerebral_edema": "none",
    }
    assert dr.post(f"/ui/patients/{ann}/adverse-events", icans).status_code == 303
    events = {e.category: e for e in stored(site, "adverse_events", ann)}
    assert events["crs"].grade == 3 and "ASTCT 2019" in events["crs"].note.value
    assert events["icans"].grade == 2
    codes = {a.code for a in open_alerts(site, ann)}
    assert {"car_t.crs", "car_t.icans"} <= codes
    r = dr.post(
        f"/ui/patients/{ann}/adverse-events",
        {"category": "ctcae", "grade": "2", "onset": "2026-03-01"},
    )
    assert r.status_code == 422 and "field 'term'" in html.unescape(r.text)


def test_the_grading_helper_answers_json(as_user: MakeUser) -> None:
    dr = as_user("dr")
    r = dr.get(
        "/ui/helpers/grade/crs",
        params={
            "crs_temperature_c": "39",
            "crs_hypotension": "none",
            "crs_oxygen": "none",
        },
    )
    assert r.status_code == 200 and r.json()["grade"] == 1
    r = dr.get("/ui/helpers/grade/icans", params={"icans_ice_score": "11"})
    assert r.status_code == 422 and "icans_ice_score" in r.json()["error"]
    assert dr.get("/ui/helpers/grade/other").status_code == 404
    assert as_user("pat").get("/ui/helpers/grade/crs").status_code == 403


def test_the_team_reviews_symptoms_and_answers_messages(
    site: SiteT, as_user: MakeUser, ann: str
) -> None:
    patient = as_user("pat2")
    patient.get("/ui/me/report")
    r = patient.post("/ui/me/symptoms", {"symptom": "rash", "severity": "4", "note": "arms"})
    assert r.status_code == 303
    patient.get("/ui/me/messages")
    assert (
        patient.post("/ui/me/messages", {"body": "Is the rash a side effect?"}).status_code == 303
    )
    dr = as_user("dr")
    page = dr.get(f"/ui/patients/{ann}").text
    assert "Is the rash a side effect?" in page and "Mark reviewed" in page
    (symptom,) = stored(site, "symptoms", ann)
    assert dr.post(f"/ui/patients/{ann}/symptoms/{symptom.id}/review").status_code == 303
    assert stored(site, "symptoms", ann)[0].reviewed is True
    (question,) = stored(site, "messages", ann)
    r = dr.post(
        f"/ui/patients/{ann}/messages",
        {"body": "Please send a photo; we will call you.", "in_reply_to": question.id},
    )
    assert r.status_code == 303
    assert dr.post(f"/ui/patients/{ann}/messages", {"body": "  "}).status_code == 422
    thread = patient.get("/ui/me/messages").text
    assert "Please send a photo; we will call you." in thread
    assert "✓ answered" in thread
