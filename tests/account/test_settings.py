"""Each user's language and time zone: chosen on the account page, taken from the browser at
the first sign-in, and applied to every time and date a page shows (never to exports)."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import Interview, User
from tests.exports.conftest import read_csv, read_jsonl

# 14:00 UTC on Tuesday 24 November 2026, and 03:00 UTC the next day: 22:00 the evening
# before in New York.
AFTERNOON = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
AFTER_MIDNIGHT = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def _with(user: User, **settings) -> User:
    for name, value in settings.items():
        setattr(user, name, value)
    db.session.commit()
    return user


@pytest.fixture
def interviewer(make_user):
    return make_user(name="Ina Berg")


def test_times_read_in_utc_for_a_user_without_a_time_zone(interviewer, make_interview, sign_in):
    interview = make_interview(panel=[interviewer], when=AFTERNOON)
    page = sign_in(interviewer).get(f"/interviews/{interview.id}").text
    assert "Tue 24 Nov 2026, 14:00 UTC" in page
    assert '<html lang="en" ' in page


@pytest.mark.parametrize(("moment", "shown"), [
    (AFTERNOON, "Tue 24 Nov 2026, 09:00 EST"),
    (AFTER_MIDNIGHT, "Tue 24 Nov 2026, 22:00 EST"),
])
def test_a_user_in_new_york_sees_the_time_and_date_on_their_clock(
        interviewer, make_interview, sign_in, moment, shown):
    _with(interviewer, time_zone="America/New_York")
    interview = make_interview(panel=[interviewer], when=moment)
    client = sign_in(interviewer)
    for url in ("/interviews", f"/interviews/{interview.id}",
                f"/scorecards/{interview.scorecards[0].id}"):
        page = client.get(url).text
        assert shown in page, url
        # The machine-readable time stays UTC.
        assert f'datetime="{moment.isoformat()}"' in page, url


def test_a_swedish_user_reads_swedish_words_and_month_names(interviewer, make_interview,
                                                            sign_in):
    _with(interviewer, locale="sv", time_zone="Europe/Stockholm")
    make_interview(panel=[interviewer], when=AFTERNOON)
    page = sign_in(interviewer).get("/interviews").text
    assert '<html lang="sv" ' in page
    assert "<h1>Mina intervjuer</h1>" in page
    assert "tis 24 nov. 2026 15:00 CET" in page
    assert "My interviews" not in page


def test_the_browser_language_chooses_until_the_user_does(client, interviewer, sign_in):
    assert "<h1>Logga in</h1>" in client.get("/sign-in",
                                             headers={"Accept-Language": "sv-SE,sv;q=0.9"}).text
    assert "<h1>Sign in</h1>" in client.get("/sign-in",
                                            headers={"Accept-Language": "de-DE"}).text
    _with(interviewer, locale="en")
    page = sign_in(interviewer).get("/interviews", headers={"Accept-Language": "sv"}).text
    assert "<h1>My interviews</h1>" in page


def test_the_account_page_shows_the_choices_and_the_time_on_the_users_clock(
        interviewer, sign_in):
    _with(interviewer, time_zone="Asia/Tokyo")
    page = sign_in(interviewer).get("/account/settings").text
    assert '<label for="language">Language</label>' in page
    assert '<label for="time_zone">Time zone</label>' in page
    assert '<option selected value="Asia/Tokyo">' in page
    assert "JST (Asia/Tokyo)" in page


def test_the_account_page_stores_language_and_time_zone_and_redirects(interviewer, sign_in):
    client = sign_in(interviewer)
    response = client.post("/account/settings",
                           data={"language": "sv", "time_zone": "Europe/Stockholm"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/settings"
    db.session.refresh(interviewer)
    assert (interviewer.locale, interviewer.time_zone) == ("sv", "Europe/Stockholm")
    assert "Ditt språk och din tidszon är sparade." in client.get("/account/settings").text


@pytest.mark.parametrize("data", [
    {"language": "sv", "time_zone": "Mars/Olympus_Mons"},
    {"language": "de", "time_zone": "Europe/Berlin"},
    {"language": "sv"},
])
def test_the_account_page_refuses_unknown_choices(interviewer, sign_in, data):
    response = sign_in(interviewer).post("/account/settings", data=data)
    assert response.status_code == 400
    db.session.refresh(interviewer)
    assert (interviewer.locale, interviewer.time_zone) == (None, None)


def _sign_in_with_password(client, user: User, time_zone: str):
    return client.post("/sign-in", data={"email": user.email, "password": "a long passphrase 42",
                                          "time_zone": time_zone})


def test_the_first_sign_in_takes_the_browsers_time_zone(client, make_user):
    user = make_user(password="a long passphrase 42")
    assert _sign_in_with_password(client, user, "Asia/Tokyo").status_code == 302
    db.session.refresh(user)
    assert user.time_zone == "Asia/Tokyo"


def test_a_later_sign_in_never_overwrites_the_users_time_zone(client, make_user):
    user = _with(make_user(password="a long passphrase 42"), time_zone="Europe/Stockholm")
    assert _sign_in_with_password(client, user, "America/Chicago").status_code == 302
    db.session.refresh(user)
    assert user.time_zone == "Europe/Stockholm"


@pytest.mark.parametrize("reported", ["", "Not/A_Zone", "x" * 300])
def test_a_browser_report_that_names_no_zone_is_ignored(client, make_user, reported):
    user = make_user(password="a long passphrase 42")
    assert _sign_in_with_password(client, user, reported).status_code == 302
    db.session.refresh(user)
    assert user.time_zone is None


def test_hr_schedules_on_their_own_clock_and_the_time_is_stored_in_utc(
        make_user, make_application, sign_in):
    hr = _with(make_user(Role.HR), time_zone="Europe/Stockholm")
    ana = make_user(name="Ana Souza")
    application = make_application()
    client = sign_in(hr)
    form = client.get(f"/hr/applications/{application.id}").text
    assert "Date and time (Europe/Stockholm)" in form
    response = client.post(f"/hr/applications/{application.id}/interviews", data={
        "schedule-stage": "coding", "schedule-scheduled_at": "2026-12-24T15:00",
        "schedule-panel": [ana.email]})
    assert response.status_code == 302
    interview = db.session.scalar(sa.select(Interview))
    assert interview.scheduled_at == datetime(2026, 12, 24, 14, 0, tzinfo=UTC)
    page = client.get(f"/hr/interviews/{interview.id}").text
    assert 'value="2026-12-24T15:00"' in page
    assert "Thu 24 Dec 2026, 15:00 CET" in page


def test_a_time_the_clocks_skip_is_refused_saying_why(make_user, make_application, sign_in):
    hr = _with(make_user(Role.HR), time_zone="Europe/Stockholm")
    application = make_application()
    response = sign_in(hr).post(f"/hr/applications/{application.id}/interviews", data={
        "schedule-stage": "coding", "schedule-scheduled_at": "2027-03-28T02:30",
        "schedule-panel": [make_user().email]})
    assert response.status_code == 400
    assert "2027-03-28 02:30 does not exist in Europe/Stockholm" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Interview)) == 0


def test_exports_stay_in_utc_whatever_the_users_zone_and_language(
        make_user, make_interview, submit, sign_in):
    hr = _with(make_user(Role.HR), time_zone="America/New_York", locale="sv")
    interview = make_interview(panel=[make_user()], when=AFTER_MIDNIGHT)
    submit(interview.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    interview.scorecards[0].submitted_at = AFTER_MIDNIGHT
    db.session.commit()
    client = sign_in(hr)
    rows = read_csv(client.get("/hr/exports/ratings.csv", buffered=True).data)
    lines = read_jsonl(client.get("/hr/exports/ratings.jsonl", buffered=True).data)
    applications = read_csv(client.get("/hr/exports/applications.csv", buffered=True).data)
    assert {row["submitted_at"] for row in rows} == {"2026-11-25T03:00:00Z"}
    assert {line["submitted_at"] for line in lines} == {"2026-11-25T03:00:00Z"}
    assert [row["first_interview_at"] for row in applications] == ["2026-11-25T03:00:00Z"]
