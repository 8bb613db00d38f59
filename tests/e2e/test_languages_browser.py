"""Each interviewer's time zone and language in a real browser: the account page, the zone a
browser reports at the first sign-in, and the interviewer's pages in Swedish."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

# 14:00 UTC on Tuesday 24 November 2026: 09:00 in New York, 23:00 in Tokyo, 15:00 in Stockholm.
AFTERNOON = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
SWEDISH = Path(__file__).parents[2] / "scorecards" / "translations" / "sv" / "LC_MESSAGES" / \
    "messages.po"


@pytest.fixture
def interviewer(make_user) -> User:
    """Return an interviewer who can sign in and has no time zone or language yet."""
    return make_user(Role.INTERVIEWER, email="ina@example.com", password=PASSWORD,
                     name="Ina Berg")


def sign_in(page: Page, user: User, button: str = "Sign in") -> None:
    """Sign in through the sign-in page."""
    page.goto("/sign-in")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator("form.sign-out button")).to_be_visible()


def assert_accessible(page: Page, axe_js) -> None:
    """Run axe-core on the page; no serious or critical problem may remain."""
    page.add_script_tag(path=axe_js)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")] \
        == []


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
def test_an_interviewer_changes_time_zone_and_reads_times_on_the_new_clock(
        page: Page, axe_js, interviewer, make_interview):
    interviewer.time_zone = "UTC"
    db.session.commit()
    interview = make_interview(panel=[interviewer], when=AFTERNOON)
    sign_in(page, interviewer)
    page.locator("header nav").get_by_role("link", name="My interviews").click()
    expect(page.locator("table.list time")).to_have_text("Tue 24 Nov 2026, 14:00 UTC")

    page.get_by_role("link", name="Account", exact=True).click()
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Yours now: .* UTC \(UTC\)"))).to_be_visible()
    assert_accessible(page, axe_js)
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your language and time zone are saved.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Yours now: .* E[SD]T \(America/New_York\)"))) \
        .to_be_visible()

    page.locator("header nav").get_by_role("link", name="My interviews").click()
    expect(page.locator("table.list time")).to_have_text("Tue 24 Nov 2026, 09:00 EST")
    expect(page.get_by_text("Times are in America/New_York.")).to_be_visible()
    page.get_by_role("link", name=interview.application.candidate.name, exact=True).click()
    expect(page.locator("dl.facts time")).to_have_text("Tue 24 Nov 2026, 09:00 EST")
    db.session.refresh(interviewer)
    assert interviewer.time_zone == "America/New_York"


@pytest.mark.browser_context_args(timezone_id="Asia/Tokyo")
def test_the_first_sign_in_takes_the_browsers_time_zone(page: Page, interviewer,
                                                        make_interview):
    make_interview(panel=[interviewer], when=AFTERNOON)
    sign_in(page, interviewer)
    db.session.refresh(interviewer)
    assert interviewer.time_zone == "Asia/Tokyo"
    page.goto("/interviews")
    expect(page.locator("table.list time")).to_have_text("Tue 24 Nov 2026, 23:00 JST")


def _english_leftovers(text: str) -> list[str]:
    """Return the marked English strings (those Swedish words differently) found in text."""
    with SWEDISH.open("rb") as file:
        catalogue = read_po(file, locale="sv")
    found = []
    for message in catalogue:
        english = message.id if isinstance(message.id, str) else message.id[0]
        if not english or "%(" in english or message.string == english or len(english) < 4:
            continue
        if re.search(rf"(?<![\w-]){re.escape(english)}(?![\w-])", text):
            found.append(english)
    return found


@pytest.mark.browser_context_args(bypass_csp=True, locale="sv-SE", timezone_id="Europe/Stockholm")
def test_a_swedish_interviewer_reads_their_pages_in_swedish(page: Page, axe_js, interviewer,
                                                           make_application, make_interview,
                                                           submit):
    # Named, so that no candidate is called "Candidate 1", an English word the page shows.
    interview = make_interview(make_application("Karin Lund"), panel=[interviewer],
                               when=AFTERNOON)
    submit(interview.scorecards[0], {"understanding": 3, "approach": 4, "code": 3}, "hire")
    upcoming = make_interview(make_application("Oskar Nyberg"), panel=[interviewer],
                              when=datetime(2027, 1, 12, 9, 30, tzinfo=UTC))
    page.goto("/sign-in")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    sign_in(page, interviewer, button="Logga in")

    page.locator("header nav").get_by_role("link", name="Mina intervjuer").click()
    expect(page.get_by_role("heading", name="Mina intervjuer", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator(f'time[datetime="{upcoming.scheduled_at.isoformat()}"]')) \
        .to_have_text("tis 12 jan. 2027 10:30 CET")
    expect(page.get_by_text("Inskickad", exact=True)).to_be_visible()
    assert _english_leftovers(page.inner_text("body")) == []
    assert_accessible(page, axe_js)

    page.get_by_role("link", name=interview.application.candidate.name, exact=True).click()
    expect(page.locator("dl.facts time")).to_have_text("tis 24 nov. 2026 15:00 CET")
    expect(page.get_by_role("heading", name="Din bedömning")).to_be_visible()
    assert _english_leftovers(page.inner_text("body")) == []
    assert_accessible(page, axe_js)

    page.get_by_role("link", name="Visa din bedömning").click()
    expect(page.get_by_role("columnheader", name="Kompetens")).to_be_visible()
    expect(page.get_by_text("Rekommendation")).to_be_visible()
    expect(page.locator("strong.rec")).to_have_text("Anställ")
    assert _english_leftovers(page.inner_text("body")) == []
    assert_accessible(page, axe_js)

    page.locator("header nav").get_by_role("link", name="Startsida").click()
    expect(page.get_by_role("heading", name="Välkommen, Ina Berg")).to_be_visible()
    expect(page.get_by_role("heading", name="Dina nästa intervjuer")).to_be_visible()
    assert _english_leftovers(page.inner_text("body")) == []
    assert_accessible(page, axe_js)

    page.goto(f"/interviews/{upcoming.id}")
    page.get_by_role("link", name="Öppna intervjuguiden").click()
    page.get_by_label("Anteckningar om Approach").fill("Jämförde en heap med sortering.")
    expect(page.locator("#kit-save-status")).to_have_text(
        re.compile(r"^Sparat kl. \d\d:\d\d CET$"))
    assert _english_leftovers(page.inner_text("body")) == []
    assert_accessible(page, axe_js)

    page.get_by_role("link", name="Bedöm nu").click()
    expect(page.get_by_label("Underlag för Approach")).to_have_value(
        "Jämförde en heap med sortering.")
    expect(page.get_by_role("radio", name="Anställ absolut", exact=True)).to_be_visible()
    assert _english_leftovers(page.inner_text("body")) == []
    assert_accessible(page, axe_js)


@pytest.mark.browser_context_args(locale="en-US", timezone_id="Europe/Stockholm")
def test_hr_schedules_on_their_own_clock_with_the_date_written_out(page: Page, make_user,
                                                                  make_application):
    hr = make_user(Role.HR, email="hanna@example.com", password=PASSWORD, name="Hanna Reyes")
    hr.time_zone = "Europe/Stockholm"
    ana = make_user(name="Ana Souza", email="ana@example.com")
    application = make_application("Karin Lund")
    sign_in(page, hr)
    page.goto(f"/hr/applications/{application.id}")
    when = page.get_by_label("Date and time (Europe/Stockholm)")
    when.fill("2026-12-03T09:30")
    # The picker of an American browser shows 12/03/2026; the words leave no doubt.
    expect(page.locator("#schedule-scheduled_at-written-out")).to_have_text(
        re.compile(r"^Thu,? 3 December 2026 at 09:30 \(Europe/Stockholm\)$"))
    page.get_by_label("Or their emails").fill(ana.email)
    page.get_by_role("button", name="Schedule the interview").click()
    expect(page.get_by_text("Interview scheduled for Thu 3 Dec 2026, 09:30 CET")).to_be_visible()
    db.session.expire_all()
    assert application.interviews[0].scheduled_at == datetime(2026, 12, 3, 8, 30, tzinfo=UTC)
