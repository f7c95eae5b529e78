"""The three browser scenarios of the web interface, with screenshots of the main pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot, sign_in
from tests.web_pages.site import TODAY, Site

pytestmark = pytest.mark.browser

NewPage = Callable[..., Page]


def test_nurse_records_an_infusion_reaction_and_the_clinician_sees_the_alert(
    live: tuple[Site, str], new_page: NewPage
) -> None:
    site, base = live
    nurse = new_page()
    sign_in(nurse, base, "nurse")
    expect(nurse.get_by_role("heading", name="Clinic dashboard")).to_be_visible()
    nurse.goto(f"{base}/ui/patients/{site.jane}")
    form = nurse.locator("#admin-form")
    form.get_by_label("Scheduled dose").select_option(
        label=f"{TODAY.isoformat()} · belimumab 680 mg (scheduled)"
    )
    form.get_by_label("Given", exact=True).check()
    form.get_by_label("Given on").fill(TODAY.isoformat())
    form.get_by_label("CTCAE v5 grade").select_option("2")
    form.get_by_label("Description").fill("flushing and chills during the infusion")
    form.get_by_role("button", name="Save the administration").click()
    expect(nurse.get_by_role("status")).to_contain_text("Administration recorded with a reaction.")
    shot(nurse, "patient-page-nurse")

    clinician = new_page()
    sign_in(clinician, base, "dr")
    inbox = clinician.locator("section", has=clinician.get_by_role("heading", name="Alert inbox"))
    alert = inbox.locator("li.alert", has_text="Infusion or injection reaction grade 2")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("flushing and chills during the infusion")
    expect(alert).to_contain_text("WARNING")
    shot(clinician, "clinic-dashboard")
    alert.get_by_role("button", name="Acknowledge").click()
    expect(clinician.get_by_role("status")).to_contain_text("Alert acknowledged.")

    # the live SLEDAI-2K score follows the ticked boxes (weights from the server)
    clinician.goto(f"{base}/ui/patients/{site.jane}")
    clinician.get_by_label("arthritis (4)").check()
    clinician.get_by_label("rash (2)").check()
    expect(clinician.locator("#sledai-live")).to_have_text("6")
    # the CRS helper grades live with the ASTCT instrument
    helper = clinician.locator("details[data-helper=crs]")
    helper.locator("summary").click()
    helper.get_by_label("Grade this CRS event with the helper").check()
    helper.get_by_label("Highest temperature").fill("38.6")
    helper.get_by_label("Hypotension").select_option("one_vasopressor")
    helper.get_by_label("Oxygen needed for hypoxia").select_option("low_flow")
    expect(helper.locator("output")).to_contain_text("grade 3")
    expect(clinician.locator("#ae-form #grade")).to_have_value("3")
    clinician.get_by_role("button", name="Simulate the likely course on each therapy").click()
    # the first simulation in a fresh process may wait for the simulator to compile
    clinician.wait_for_url(f"**/ui/patients/{site.jane}*", timeout=600_000)
    expect(clinician.locator("#what-if svg.band-plot").first).to_be_visible(timeout=600_000)
    shot(clinician, "patient-page-clinician")


def test_patient_reports_a_symptom_and_is_refused_another_patients_page(
    live: tuple[Site, str], new_page: NewPage
) -> None:
    site, base = live
    phone = new_page(390, 844)
    sign_in(phone, base, "pat")
    expect(phone.get_by_role("heading", name="Hello Jane Doe")).to_be_visible()
    expect(phone.get_by_role("heading", name="My next doses")).to_be_visible()
    shot(phone, "portal-home-phone")
    phone.get_by_role("link", name="Report a symptom or how you feel").click()
    phone.get_by_label("Fever").check()
    phone.get_by_label("How bad is it?").fill("6")
    phone.get_by_label("Anything else").fill("38.4 C since this morning")
    phone.get_by_role("button", name="Send my report").click()
    expect(phone.get_by_role("status")).to_contain_text("Your care team will review your report.")

    # PHQ-9: an answer above 0 on item 9 shows the crisis guidance at once, before sending
    phone.goto(f"{base}/ui/me/report")
    crisis = phone.locator("#crisis-now")
    expect(crisis).to_be_hidden()
    for i in range(8):
        phone.locator(f"#item_{i}_0").check()
    phone.locator("#item_8_1").check()
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("call your local emergency number")
    shot(phone, "portal-report-phone")
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("alert")).to_contain_text("Your care team has been alerted")

    response = phone.goto(f"{base}/ui/patients/{site.ann}")
    assert response is not None and response.status == 403
    expect(phone.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(phone.get_by_role("alert")).to_contain_text("a patient may read only their own record")

    clinician = new_page()
    sign_in(clinician, base, "dr")
    inbox = clinician.locator("ul.alerts")
    expect(inbox.locator("li.alert").first).to_contain_text("URGENT")
    expect(inbox).to_contain_text("New patient-reported symptom to review: fever")


def test_wizard_blocks_belimumab_after_a_live_vaccine_ten_days_before_the_start(
    live: tuple[Site, str], new_page: NewPage
) -> None:
    site, base = live
    page = new_page()
    sign_in(page, base, "dr")
    page.goto(f"{base}/ui/patients/{site.ann}")
    page.get_by_role("link", name="Start a therapy…").click()
    expect(page.get_by_label("Start date")).to_have_value(TODAY.isoformat())  # default: today
    start = TODAY + dt.timedelta(days=21)
    page.get_by_label("Therapy and route").select_option("belimumab:iv")
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("Sex (as the label rules need it)").select_option("female")
    page.get_by_label("Weight (kg)").fill("61")
    page.get_by_label("Height (cm)").fill("166")
    page.get_by_label("Latest SLEDAI-2K").fill("8")
    page.get_by_label("Autoantibody positive").check()
    page.get_by_label("Vaccine 1", exact=True).fill("MMR (measles, mumps, rubella)")
    page.get_by_label("Date of vaccine 1").fill((start - dt.timedelta(days=10)).isoformat())
    page.get_by_label("Vaccine 1 is a live vaccine").check()
    shot(page, "start-therapy-wizard")
    page.get_by_role("button", name="Check suitability and preview the schedule").click()
    blockers = page.get_by_role("alert")
    expect(blockers).to_contain_text("Live vaccine 'MMR (measles, mumps, rubella)'")
    expect(blockers).to_contain_text("belimumab.live_vaccine_recent")
    expect(blockers).to_contain_text("source:")
    expect(page.get_by_role("button", name="Confirm (blocked)")).to_be_disabled()
    expect(page.get_by_role("heading", name="Checklist")).to_be_visible()
    expect(page.get_by_role("heading", name="Schedule preview", exact=False)).to_be_visible()
    shot(page, "start-therapy-blocked")


@pytest.mark.slow
def test_researcher_runs_a_virtual_trial_and_reads_the_report(
    live: tuple[Site, str], new_page: NewPage
) -> None:
    _, base = live
    page = new_page()
    sign_in(page, base, "res")
    expect(page.get_by_role("heading", name="Research: de-identified cohort")).to_be_visible()
    page.get_by_role("link", name="Virtual trials →").click()
    page.get_by_label("Choose a protocol").select_option("bliss-52")
    page.get_by_label("Virtual patients per arm").fill("60")
    page.get_by_label("Seed").fill("3")
    page.get_by_role("button", name="Run the trial").click()
    # progress page (its heading also names BLISS-52), then the results; a fresh process may
    # first compile the simulator, so wait for a heading only the results page has
    results = page.get_by_role("heading", name="Compared with the published results")
    expect(results).to_be_visible(timeout=600_000)
    expect(page.get_by_role("heading", name="BLISS-52")).to_be_visible()
    expect(page.get_by_text("model prediction")).to_be_visible()
    shot(page, "virtual-trial-result")
    page.get_by_role("link", name="Full report", exact=False).click()
    page.wait_for_load_state()
    assert "BLISS-52" in page.content()
