"""HR's pages: who may open them, and what their forms do."""

import html
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import ApplicationStatus, Role, Source
from scorecards.extensions import db
from scorecards.models import Application, Interview, Opening, Scorecard

PAGES = ["/hr/", "/hr/openings/test-opening", "/hr/applications/{application}", "/hr/overdue",
         "/hr/openings/test-opening/report", "/hr/openings/test-opening/report.csv"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", [Role.HR, Role.ADMIN])
def test_hr_and_admins_open_every_hr_page(make_user, make_application, sign_in, page, role):
    application = make_application()
    client = sign_in(make_user(role))
    assert client.get(page.format(application=application.id)).status_code == 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.COMMITTEE])
def test_interviewers_and_the_committee_find_no_hr_page(make_user, make_application, sign_in,
                                                        page, role):
    application = make_application()
    client = sign_in(make_user(role))
    assert client.get(page.format(application=application.id)).status_code == 404


def test_hr_pages_need_a_signed_in_user(client):
    response = client.get("/hr/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_the_navigation_links_hr_for_hr_only(make_user, sign_in):
    assert ">HR</a>" in sign_in(make_user(Role.HR)).get("/interviews").text
    assert ">HR</a>" not in sign_in(make_user(Role.COMMITTEE)).get("/interviews").text


def test_unknown_openings_and_applications_are_404(hr):
    assert hr.get("/hr/openings/nothing").status_code == 404
    assert hr.get("/hr/applications/999999").status_code == 404


def test_the_openings_list_counts_applications_by_status(hr, make_application):
    make_application()
    make_application().status = ApplicationStatus.REJECTED
    db.session.commit()
    html = hr.get("/hr/").text
    assert "Backend Engineer, Test" in html
    assert '<option value="test-loop">Test loop</option>' in html


def test_a_new_opening_from_the_form_leads_to_its_pipeline(hr, catalog):
    response = hr.post("/hr/", data={"key": "backend-payments", "title": "Backend, Payments",
                                     "team": "Payments", "loop": "test-loop"})
    assert response.headers["Location"] == "/hr/openings/backend-payments"
    assert db.session.scalar(sa.select(Opening.title)) == "Backend, Payments"


def test_a_bad_opening_form_shows_each_error_beside_its_field_and_in_a_summary(hr, catalog):
    response = hr.post("/hr/", data={"key": "Not A Key", "title": "", "loop": "test-loop"})
    assert response.status_code == 400
    assert 'id="error-summary"' in response.text
    assert '<a href="#key">Use lower-case letters, digits and single hyphens.</a>' in response.text
    assert 'id="title-error"' in response.text


def field_tag(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*\bid="{name}"[^>]*>', page).group(0)


def test_a_hint_describes_its_field_and_only_an_error_marks_it_invalid(hr, catalog):
    page = hr.get("/hr/").text
    assert 'aria-describedby="key-hint"' in field_tag(page, "key")
    assert "aria-invalid" not in page
    page = hr.post("/hr/", data={"key": "Not A Key", "title": "Fine", "loop": "test-loop"}).text
    assert 'aria-describedby="key-hint key-error"' in field_tag(page, "key")
    assert 'aria-invalid="true"' in field_tag(page, "key")
    assert "aria-invalid" not in field_tag(page, "title")


def test_a_duplicate_opening_key_is_shown_beside_the_key(hr, opening):
    response = hr.post("/hr/", data={"key": "test-opening", "title": "Again", "loop": "test-loop"})
    assert response.status_code == 400
    assert "An opening with the key &#39;test-opening&#39; exists already." in response.text


def test_a_candidate_added_on_the_pipeline_page_lands_on_their_application(hr, opening):
    response = hr.post("/hr/openings/test-opening", data={
        "name": "Ada Lovelace", "email": "ada@example.org", "source": "referral",
        "referrer": "Grace Hopper"})
    application = db.session.scalar(sa.select(Application))
    assert response.headers["Location"] == f"/hr/applications/{application.id}"
    assert (application.source, application.referrer) == (Source.REFERRAL, "Grace Hopper")
    html = hr.get("/hr/openings/test-opening").text
    assert "Ada Lovelace" in html
    assert "by Grace Hopper" in html


def test_a_referrer_typed_for_another_source_is_ignored(hr, opening):
    hr.post("/hr/openings/test-opening", data={"name": "Ada Lovelace", "source": "applied",
                                               "referrer": "Grace Hopper"})
    assert db.session.scalar(sa.select(Application.referrer)) is None


def test_a_referral_without_a_referrer_is_sent_back_with_the_message(hr, opening):
    response = hr.post("/hr/openings/test-opening", data={"name": "Ada", "source": "referral"})
    assert response.status_code == 400
    assert 'id="referrer-error"' in response.text
    assert "A referral needs the name of the referrer." in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0


def test_the_pipeline_page_filters_by_status(hr, make_application):
    make_application("Kept Going")
    make_application("Gave Up").status = ApplicationStatus.WITHDRAWN
    db.session.commit()
    html = hr.get("/hr/openings/test-opening?status=withdrawn").text
    assert "Gave Up" in html
    assert "Kept Going" not in html


def test_scheduling_on_the_page_gives_each_panelist_a_scorecard_they_see(
        hr, make_application, interviewers, sign_in):
    application = make_application("Ada Lovelace")
    ana, ben, chen = interviewers
    response = hr.post(f"/hr/applications/{application.id}/interviews", data={
        "schedule-stage": "design", "schedule-scheduled_at": "2030-03-04T09:30",
        "schedule-panel": [ana.email, ben.email], "schedule-panel_emails": "CHEN@example.com\n"})
    assert response.headers["Location"] == f"/hr/applications/{application.id}"
    interview = db.session.scalar(sa.select(Interview))
    assert interview.scheduled_at == datetime(2030, 3, 4, 9, 30, tzinfo=UTC)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Scorecard)) == 3
    for panelist in interviewers:
        assert "Ada Lovelace" in sign_in(panelist).get("/interviews").text


def test_the_schedule_form_names_every_panel_problem(hr, make_application, interviewers):
    application = make_application()
    response = hr.post(f"/hr/applications/{application.id}/interviews", data={
        "schedule-stage": "coding", "schedule-scheduled_at": "2030-03-04T09:30",
        "schedule-panel_emails": "ana@example.com, nobody@example.com"})
    assert response.status_code == 400
    assert "Panel: nobody@example.com is not a user." in response.text
    assert 'id="schedule-panel-error"' in response.text


def test_the_schedule_form_needs_a_time(hr, make_application, interviewers):
    application = make_application()
    response = hr.post(f"/hr/applications/{application.id}/interviews", data={
        "schedule-stage": "coding", "schedule-panel_emails": "ana@example.com"})
    assert response.status_code == 400
    assert "Give the date and time of the interview." in response.text


def test_the_application_page_shows_scorecard_states_not_scores(
        hr, make_application, make_interview, make_user, submit):
    application = make_application("Ada Lovelace")
    ana, ben = make_user(name="Ana Souza"), make_user(name="Ben Carter")
    interview = make_interview(application, stage="design", panel=[ana, ben])
    submit(interview.scorecards[0], {"understanding": 4}, "strong_hire")
    interview.scorecards[0].takeaways = "A secret takeaway."
    db.session.commit()
    html = hr.get(f"/hr/applications/{application.id}").text
    assert "Ana Souza" in html
    assert "badge-submitted" in html
    assert "badge-not_started" in html
    assert "A secret takeaway." not in html
    assert "Strong hire" not in html
    assert f'href="/committee/applications/{application.id}"' in html


def test_closing_on_the_page_keeps_the_reason(hr, make_application):
    application = make_application()
    response = hr.post(f"/hr/applications/{application.id}/close", data={
        "close-status": "withdrawn", "close-reason": "Accepted another offer."})
    assert response.status_code == 302
    db.session.expire_all()
    assert (application.status, application.closed_reason) == ("withdrawn",
                                                               "Accepted another offer.")
    assert "Accepted another offer." in hr.get(f"/hr/applications/{application.id}").text


def test_closing_without_a_reason_is_sent_back(hr, make_application):
    application = make_application()
    response = hr.post(f"/hr/applications/{application.id}/close",
                       data={"close-status": "rejected", "close-reason": " "})
    assert response.status_code == 400
    assert "Say why the application is closed." in response.text
    db.session.expire_all()
    assert application.status == ApplicationStatus.APPLIED


def test_the_pipeline_page_runs_the_same_queries_whatever_the_number_of_applications(
        hr, make_application, make_interview, make_user, submit, count_queries):
    ana = make_user()

    def add(n: int) -> None:
        for _ in range(n):
            application = make_application()
            submit(make_interview(application, panel=[ana]).scorecards[0], {"code": 3})
            make_interview(application, stage="design", panel=[ana])

    def page() -> None:
        assert hr.get("/hr/openings/test-opening").status_code == 200

    add(2)
    page()  # warm the caches of parsed loops
    few = count_queries(page)
    add(10)
    assert count_queries(page) == few


@pytest.mark.parametrize(("status", "offered"), [
    (ApplicationStatus.INTERVIEWING, True), (ApplicationStatus.DECIDED, False),
    (ApplicationStatus.REJECTED, False)])
def test_the_panel_picker_is_offered_only_where_an_interview_can_be_scheduled(
        hr, make_application, interviewers, status, offered):
    application = make_application()
    application.status = status
    db.session.commit()
    html = hr.get(f"/hr/applications/{application.id}").text
    assert ("data-panel-picker" in html) is offered
    assert ("Schedule an interview" in html) is offered
    assert "ana@example.com" not in html  # the picker lists nobody: it searches


def summary_links(page: str) -> list[tuple[str, str]]:
    """Return the links of the page's error summary: (target, message), in the page's order."""
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', page, re.S).group(1)
    return [(target, html.unescape(message))
            for target, message in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)]


def test_an_empty_schedule_form_names_every_missing_field_at_once_in_the_page_order(
        hr, make_application):
    application = make_application()
    response = hr.post(f"/hr/applications/{application.id}/interviews", data={})
    assert response.status_code == 400
    assert summary_links(response.text) == [
        ("schedule-stage", "Choose the stage."),
        ("schedule-scheduled_at", "Give the date and time of the interview."),
        ("schedule-panel", "Name at least one interviewer for the panel.")]
    for name in ("stage", "scheduled_at", "panel"):
        assert f'id="schedule-{name}-error"' in response.text
    notice = response.text.index("The interview was not scheduled.")
    assert notice < response.text.index('id="error-summary" autofocus')


def test_a_time_out_of_range_and_a_panel_of_strangers_are_reported_together(
        hr, make_application, interviewers):
    application = make_application()
    response = hr.post(f"/hr/applications/{application.id}/interviews", data={
        "schedule-stage": "coding", "schedule-scheduled_at": "2206-01-01T10:00",
        "schedule-panel_emails": "nobody@example.com\nnot-an-email"})
    assert response.status_code == 400
    assert [target for target, _ in summary_links(response.text)] == [
        "schedule-scheduled_at", "schedule-panel", "schedule-panel_emails"]
    assert "is more than 5 years ahead" in response.text
    assert "Panel: nobody@example.com is not a user." in response.text
    assert "Not email addresses: not-an-email." in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Interview)) == 0


def test_a_time_that_is_no_time_says_which_field_and_what_to_type(hr, make_application,
                                                                   interviewers):
    application = make_application()
    response = hr.post(f"/hr/applications/{application.id}/interviews", data={
        "schedule-stage": "coding", "schedule-scheduled_at": "next tuesday",
        "schedule-panel_emails": "ana@example.com"})
    assert summary_links(response.text) == [(
        "schedule-scheduled_at", "The date and time of the interview is not a date and time: "
                                 "give it as 2026-11-20T10:00.")]


def test_moving_an_interview_reports_the_time_and_the_empty_panel_together(
        hr, make_interview, interviewers):
    interview = make_interview(panel=interviewers[:1])
    response = hr.post(f"/hr/interviews/{interview.id}", data={
        "change-scheduled_at": "", "change-panel_emails": ""})
    assert response.status_code == 400
    assert [target for target, _ in summary_links(response.text)] == [
        "change-scheduled_at", "change-panel"]
    assert "The interview was not changed." in response.text


def test_a_new_opening_names_every_problem_in_the_order_of_the_form(hr, catalog):
    response = hr.post("/hr/", data={"key": "", "title": "", "loop": "test-loop",
                                     "hiring_manager": "nobody@example.com",
                                     "hr_contact": "nobody.either@example.com"})
    assert response.status_code == 400
    assert summary_links(response.text) == [
        ("title", "Give the opening a title."), ("key", "Give the opening a key."),
        ("hiring_manager", "nobody@example.com is not an active user."),
        ("hr_contact", "nobody.either@example.com is not an active user.")]
    assert "The opening was not created." in response.text


def test_both_contacts_of_an_opening_are_checked_at_once(hr, opening):
    response = hr.post("/hr/openings/test-opening/contacts", data={
        "contacts-hiring_manager": "nobody@example.com", "contacts-hr_contact": "not an email"})
    assert response.status_code == 400
    assert summary_links(response.text) == [
        ("contacts-hiring_manager", "nobody@example.com is not an active user."),
        ("contacts-hr_contact", "This is not an email address.")]


def test_an_empty_candidate_form_names_the_missing_name_and_source_at_once(hr, opening):
    response = hr.post("/hr/openings/test-opening", data={"email": "not an email"})
    assert response.status_code == 400
    assert summary_links(response.text) == [
        ("name", "Give the candidate's name."), ("email", "This is not an email address."),
        ("source-0", "Choose where the application came from.")]
    assert "The candidate was not added." in response.text


def test_the_candidate_form_posts_to_an_address_without_a_fragment(hr, opening):
    # A fragment in the form's address follows the redirect to the new application's page.
    assert '<form method="post" novalidate action="/hr/openings/test-opening">' in hr.get(
        "/hr/openings/test-opening").text


@pytest.mark.parametrize("role", [Role.HR, Role.ADMIN])
def test_a_panel_change_naming_nobody_yet_offers_to_invite_them(make_user, sign_in,
                                                                make_interview, interviewers,
                                                                role):
    interview = make_interview(panel=interviewers[:1])
    response = sign_in(make_user(role)).post(f"/hr/interviews/{interview.id}", data={
        "change-scheduled_at": "2030-03-04T09:30", "change-panel": [interviewers[0].email],
        "change-panel_emails": "newcomer@example.com"})
    assert response.status_code == 400
    assert "Not users yet: newcomer@example.com." in response.text
    invite = "Invite newcomer@example.com as an interviewer"
    assert (invite in response.text) is (role == Role.ADMIN)
