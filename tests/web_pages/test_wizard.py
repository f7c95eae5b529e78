"""The start-therapy wizard: suitability with sources, checklist, schedule, confirm."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import Any

from tests.web_pages.conftest import User, stored
from tests.web_pages.site import TODAY, Site

MakeUser = Callable[[str | None], User]
SiteT = tuple[Site, str]


def wizard_form(**changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "therapy": "belimumab:iv",
        "start_date": TODAY.isoformat(),
        "weeks": "24",
        "indication": "sle",
        "jurisdiction": "us",
        "sex": "female",
        "weight_kg": "62",
        "height_cm": "168",
        "sledai_2k": "8",
        "autoantibody_positive": "on",
        "hbv": "negative",
        "hcv": "negative",
        "hiv": "negative",
        "tb": "negative",
        "chair": "Chair 3",
        "time": "10:00",
    }
    form.update(changes)
    return form


def test_the_form_defaults_to_today_and_the_record(as_user: MakeUser, jane: str) -> None:
    text = as_user("dr").get(f"/ui/patients/{jane}/start-therapy").text
    assert f'name="start_date" type="date" required value="{TODAY.isoformat()}"' in text
    assert 'name="weight_kg" inputmode="decimal" required value="67.5"' in text
    assert 'name="sledai_2k" type="number" min="0" max="105" required value="4"' in text
    assert 'value="hydroxychloroquine" checked' in text


def test_a_live_vaccine_ten_days_before_the_start_blocks_belimumab(
    as_user: MakeUser, ann: str
) -> None:
    dr = as_user("dr")
    dr.get(f"/ui/patients/{ann}/start-therapy")
    start = TODAY + dt.timedelta(days=14)
    form = wizard_form(
        start_date=start.isoformat(),
        vaccine_0="MMR",
        vaccine_live_0="on",
        vaccine_date_0=(start - dt.timedelta(days=10)).isoformat(),
    )
    r = dr.post(f"/ui/patients/{ann}/start-therapy", form)
    assert r.status_code == 200
    text = html.unescape(r.text)
    assert "✗ blocked (1)" in text
    assert "Live vaccine 'MMR'" in text and "belimumab.live_vaccine_recent" in text
    assert "§5 Warnings and Precautions (immunization)" in text  # the source
    assert "Confirm (blocked)" in text and "/start-therapy/confirm" not in text
    # the server refuses the plan even if the confirm form is forged
    request_json = re.search(r'name="request_json" value="([^"]+)"', r.text)
    assert request_json is None
    from lupus.web.pages.wizard import plan_request_from_form  # noqa: F401  (the same reader)


def test_confirming_creates_the_plan_doses_and_appointments(
    site: SiteT, as_user: MakeUser, ann: str
) -> None:
    dr = as_user("dr")
    dr.get(f"/ui/patients/{ann}/start-therapy")
    r = dr.post(f"/ui/patients/{ann}/start-therapy", wizard_form())
    text = html.unescape(r.text)
    assert "✓ no blocker" in text and "Checklist" in text and "Schedule preview" in text
    found = re.search(r'name="request_json" value="([^"]+)"', r.text)
    assert found is not None
    request_json = html.unescape(found.group(1))
    forged = request_json.replace(
        '"vaccinations":[]', '"vaccinations":[{"vaccine":"MMR","live":true,"date":"2026-03-01"}]'
    )
    r = dr.post(
        f"/ui/patients/{ann}/start-therapy/confirm",
        {"request_json": forged, "chair": "Chair 3", "time": "10:00"},
    )
    assert r.status_code == 422 and "blocked by belimumab.live_vaccine_recent" in html.unescape(
        r.text
    )
    r = dr.post(
        f"/ui/patients/{ann}/start-therapy/confirm",
        {"request_json": request_json, "chair": "Chair 3", "time": "10:00"},
    )
    done = html.unescape(dr.follow(r).text)
    assert re.search(r"Plan created: \d+ doses scheduled, \d+ appointments booked.", done)
    doses = stored(site, "administrations", ann)
    appointments = stored(site, "appointments", ann)
    assert doses and all(d.status == "scheduled" and d.drug == "belimumab" for d in doses)
    assert doses[0].scheduled_on == TODAY and doses[0].dose == "620 mg"  # 10 mg/kg x 62 kg
    assert len(appointments) == len(doses)
    assert {a.place for a in appointments} == {"Chair 3"}
    week = as_user("nurse").get("/ui/clinic").text
    assert "Chair 3" in week


def test_wizard_errors_name_the_field(as_user: MakeUser, ann: str) -> None:
    dr = as_user("dr")
    dr.get(f"/ui/patients/{ann}/start-therapy")
    for change, message in (
        ({"height_cm": ""}, "field 'height_cm'"),
        ({"start_date": "2026-13-01"}, "field 'start_date'"),
        ({"vaccine_0": "MMR"}, "field 'vaccine_date_0'"),
        ({"therapy": "aspirin:iv"}, "field 'therapy'"),
        ({"weeks": "999"}, "field 'weeks'"),
        ({"sex": "other"}, "field 'sex'"),
    ):
        r = dr.post(f"/ui/patients/{ann}/start-therapy", wizard_form(**change))
        assert r.status_code == 422, change
        assert message in html.unescape(r.text), (change, message)
    assert as_user("nurse").get(f"/ui/patients/{ann}/start-therapy").status_code == 403


def test_a_self_injection_plan_feeds_the_patients_log(
    site: SiteT, as_user: MakeUser, ann: str
) -> None:
    dr = as_user("dr")
    dr.get(f"/ui/patients/{ann}/start-therapy")
    start = TODAY - dt.timedelta(days=7)
    r = dr.post(
        f"/ui/patients/{ann}/start-therapy",
        wizard_form(therapy="belimumab:sc", start_date=start.isoformat()),
    )
    found = re.search(r'name="request_json" value="([^"]+)"', r.text)
    assert found is not None, html.unescape(r.text)[:3000]
    r = dr.post(
        f"/ui/patients/{ann}/start-therapy/confirm",
        {"request_json": html.unescape(found.group(1)), "chair": "Chair 3", "time": "10:00"},
    )
    assert r.status_code == 303
    pat = as_user("pat2")
    text = html.unescape(pat.get("/ui/me").text)
    assert "My self-injection log" in text and "I injected it" in text
    due = [
        d
        for d in stored(site, "administrations", ann)
        if d.self_administered and d.scheduled_on <= TODAY and d.status == "scheduled"
    ]
    assert due
    r = pat.post(f"/ui/me/doses/{due[0].id}", {"status": "given", "given_on": TODAY.isoformat()})
    assert "your injection log is updated" in html.unescape(pat.follow(r).text)
    (logged,) = [d for d in stored(site, "administrations", ann) if d.id == due[0].id]
    assert (logged.status, logged.given_on, logged.self_administered) == ("given", TODAY, True)
