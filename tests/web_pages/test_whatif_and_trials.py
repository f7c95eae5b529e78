"""The what-if panel (simulator, matched virtual patients, cached) and the virtual trial page."""

from __future__ import annotations

import html
import time
from collections.abc import Callable

import numpy as np
import pytest

from lupus.web.pages.whatif import Characteristics, predict_courses, seed_for
from tests.web_pages.conftest import User
from tests.web_pages.site import Site

MakeUser = Callable[[str | None], User]
SiteT = tuple[Site, str]


def _wait_for_job(user: User, location: str, timeout: float = 600) -> str:
    """Follow a job page until the job is done; return where it leads."""
    job_id = location.rsplit("/", 1)[-1]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = user.get(f"/ui/jobs/{job_id}/status").json()
        assert status["status"] != "failed", status
        if status["status"] == "done":
            return str(status["next"])
        time.sleep(0.5)
    raise AssertionError("job did not finish")


def test_the_match_is_seeded_and_close_to_the_patient() -> None:
    c = Characteristics(weight_kg=60, anti_dsdna_iu_ml=150, c3_mg_dl=70, upcr_g_g=0.8)
    a = predict_courses(c, seed=7, candidates=64, matched=16, weeks=8)
    b = predict_courses(c, seed=7, candidates=64, matched=16, weeks=8)
    assert [x.series for x in a.courses] == [x.series for x in b.courses]
    assert [x.label for x in a.courses] == [
        "Background care only",
        "Belimumab IV",
        "Anifrolumab IV",
        "CD19 CAR T",
    ]
    placebo = a.courses[0].series["anti_dsdna"][0]
    wide = predict_courses(c, seed=7, candidates=64, matched=64, weeks=8).courses[0]
    # the matched cohort's baseline anti-dsDNA is nearer 150 IU/mL than the whole candidate set
    assert abs(np.log(placebo[0] / 150)) <= abs(np.log(wide.series["anti_dsdna"][0][0] / 150))
    median, low, high = a.courses[1].series["c3"]
    assert all(lo <= m <= hi for m, lo, hi in zip(median, low, high, strict=True))
    assert seed_for("x") == seed_for("x") != seed_for("y")
    assert predict_courses(Characteristics(), seed=1, candidates=8, matched=4, weeks=2).notes


def test_the_what_if_panel_runs_caches_and_is_labelled_a_prediction(
    as_user: MakeUser, jane: str
) -> None:
    dr = as_user("dr")
    page = dr.get(f"/ui/patients/{jane}").text
    assert "Simulate the likely course on each therapy" in page
    r = dr.post(f"/ui/patients/{jane}/what-if")
    assert r.status_code == 303
    target = r.headers["location"]
    if target.startswith("/ui/jobs/"):
        target = _wait_for_job(dr, target)
    assert target.startswith(f"/ui/patients/{jane}")
    text = html.unescape(dr.get(f"/ui/patients/{jane}").text)
    assert "model prediction" in text and "not a forecast for this person" in text
    assert "virtual patients closest to this patient" in text
    assert text.count('<svg class="plot band-plot" role="img"') == 5
    assert "anti-dsDNA (IU/mL) 85" in text  # matched on the latest values
    started = time.monotonic()
    again = dr.post(f"/ui/patients/{jane}/what-if")
    assert time.monotonic() - started < 2.0
    assert "(cached)" in html.unescape(dr.follow(again).text)


def test_unknown_jobs_are_not_found(as_user: MakeUser) -> None:
    assert as_user("dr").get("/ui/jobs/nope/status").status_code == 404
    assert as_user("dr").get("/ui/jobs/nope").status_code == 404


@pytest.mark.slow
def test_a_researcher_runs_a_virtual_trial_with_progress(as_user: MakeUser) -> None:
    res = as_user("res")
    page = res.get("/ui/trials").text
    assert '<option value="bliss-52" selected>' in page
    r = res.post("/ui/trials/run", {"protocol": "bliss-52", "patients_per_arm": "0", "seed": "1"})
    assert r.status_code == 422 and "field 'patients_per_arm'" in html.unescape(r.text)
    r = res.post("/ui/trials/run", {"protocol": "nope", "patients_per_arm": "5", "seed": "1"})
    assert r.status_code == 422 and "field 'protocol'" in html.unescape(r.text)
    r = res.client.post(
        "/ui/trials/run",
        data={"csrf_token": res.csrf, "protocol": "", "patients_per_arm": "5", "seed": "1"},
        files={"upload": ("mine.toml", b"name = 'x'\nweeks = [", "text/plain")},
    )
    assert r.status_code == 422 and "field 'upload'" in html.unescape(r.text)
    r = res.post("/ui/trials/run", {"protocol": "bliss-52", "patients_per_arm": "5", "seed": "1"})
    assert r.status_code == 303 and r.headers["location"].startswith("/ui/jobs/")
    progress = res.get(r.headers["location"])
    assert progress.status_code in (200, 303)
    assert as_user("dr").get(r.headers["location"]).status_code == 404  # not the owner
    result = _wait_for_job(res, r.headers["location"])
    text = html.unescape(res.get(result).text)
    assert "BLISS-52" in text and "model prediction" in text
    report = res.get(result + "/report")
    assert report.status_code == 200 and "<html" in report.text.lower()
    assert as_user("dr").get(result).status_code == 403
