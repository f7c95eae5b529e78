"""The patient portal: next doses with instructions, symptom reports, PHQ-9 with crisis
guidance at once for item 9, messages, results in plain language, phone width."""

from __future__ import annotations

import html
from collections.abc import Callable

from lupus.care import CRISIS_GUIDANCE
from lupus.clinical.instruments.phq9 import ITEMS
from lupus.web.pages.portal import PHQ9_WORDING
from tests.web_pages.conftest import User, open_alerts, stored
from tests.web_pages.site import Site

MakeUser = Callable[[str | None], User]
SiteT = tuple[Site, str]


def test_my_care_shows_the_next_doses_with_the_plan_instructions(as_user: MakeUser) -> None:
    text = html.unescape(as_user("pat").get("/ui/me").text)
    assert "Hello Jane Doe" in text
    assert "belimumab 680 mg" in text
    assert "Given at the clinic (infusion centre)" in text
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in text


def test_a_symptom_report_reaches_the_team(site: SiteT, as_user: MakeUser, jane: str) -> None:
    pat = as_user("pat")
    page = pat.get("/ui/me/report").text
    for symptom in ("sym-fever", "sym-rash", "sym-pain", "sym-low-mood"):
        assert f'id="{symptom}"' in page
    r = pat.post("/ui/me/symptoms", {"symptom": "fever", "severity": "6", "note": "38.4 C"})
    assert "Your care team will review your report." in html.unescape(pat.follow(r).text)
    assert any(s.symptom == "fever" for s in stored(site, "symptoms", jane))
    codes = {a.code for a in open_alerts(site, jane)}
    assert "symptom.review" in codes
    r = pat.post("/ui/me/symptoms", {"symptom": "fever", "severity": "11"})
    assert r.status_code == 422 and "field 'severity'" in html.unescape(r.text)
    r = pat.post("/ui/me/symptoms", {"symptom": "sneezing", "severity": "1"})
    assert r.status_code == 422 and "field 'symptom'" in html.unescape(r.text)


def test_phq9_wording_follows_the_instrument_items() -> None:
    assert list(PHQ9_WORDING) == list(ITEMS)


def test_phq9_item9_shows_crisis_guidance_at_once_and_alerts_the_team(
    site: SiteT, as_user: MakeUser, jane: str
) -> None:
    pat = as_user("pat")
    page = pat.get("/ui/me/report").text
    assert 'id="crisis-now" class="crisis" role="alert" hidden' in page  # shown by the script
    assert html.escape(CRISIS_GUIDANCE, quote=True) in page or CRISIS_GUIDANCE in html.unescape(
        page
    )
    answers = {f"item_{i}": "1" for i in range(9)}
    r = pat.post("/ui/me/phq9", {**answers, "item_8": "2"})
    assert r.status_code == 200
    text = html.unescape(r.text)
    assert '<div class="crisis" role="alert">' in text and CRISIS_GUIDANCE in text
    urgent = [a for a in open_alerts(site, jane) if a.code == "phq9.item9"]
    assert urgent and urgent[0].severity == "urgent"
    r = pat.post("/ui/me/phq9", {f"item_{i}": "0" for i in range(9)})
    assert r.status_code == 200 and "Please get help now" not in r.text
    r = pat.post("/ui/me/phq9", {f"item_{i}": "0" for i in range(8)})
    assert r.status_code == 422 and "field 'item_8'" in html.unescape(r.text)


def test_results_are_explained_in_plain_language(as_user: MakeUser) -> None:
    text = html.unescape(as_user("pat").get("/ui/me/results").text)
    assert "Lupus activity score (SLEDAI-2K)" in text
    assert "Your latest result is 85 IU/mL on 2026-02-18." in text
    assert "That is lower than the result before (120 IU/mL on 2026-01-21)." in text
    assert "Complement C3" in text and "higher than" in text
    assert '<svg class="plot spark" role="img"' in text


def test_a_patient_cannot_use_team_pages_or_other_records(
    as_user: MakeUser, jane: str, ann: str
) -> None:
    pat = as_user("pat")
    pat.get("/ui/me")
    assert pat.get(f"/ui/patients/{ann}").status_code == 403
    assert pat.get(f"/ui/patients/{jane}").headers["location"] == "/ui/me"
    assert pat.post(f"/ui/patients/{ann}/messages", {"body": "hi"}).status_code == 403
    assert pat.post(f"/ui/patients/{jane}/visits", {"visit_date": "2026-03-04"}).status_code == 403
    assert (
        pat.post("/ui/me/doses/not-mine", {"status": "given", "given_on": "2026-03-04"}).status_code
        == 404
    )
