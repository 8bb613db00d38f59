"""A returning candidate: found by email, never stored twice, their history on each application."""

from html import unescape

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import ApplicationStatus
from scorecards.extensions import db
from scorecards.models import Application, AuditEvent, Candidate, Decision, Opening


def add(client, opening: str, name: str = "Ada Lovelace", email: str = "ada@example.org",
        **fields):
    """Post HR's form that adds an application to the opening."""
    return client.post(f"/hr/openings/{opening}",
                       data={"name": name, "email": email, "source": "applied", **fields})


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def ada(hr, opening, make_opening) -> Candidate:
    """Return Ada, added on the test opening's page, with a second opening to apply to."""
    make_opening("frontend", "Frontend Engineer")
    assert add(hr, "test-opening", phone="+44 20 0000").status_code == 302
    return db.session.scalar(sa.select(Candidate))


def test_an_email_on_file_adds_the_application_to_that_candidate_and_says_so(hr, ada):
    response = add(hr, "frontend")
    second = db.session.scalar(sa.select(Application).join(Opening)
                               .where(Opening.key == "frontend"))
    assert response.headers["Location"] == f"/hr/applications/{second.id}"
    assert second.candidate_id == ada.id
    assert count(Candidate) == 1
    shown = unescape(hr.get(response.headers["Location"]).text)
    assert ("Ada Lovelace (ada@example.org) is a candidate already: the application to Frontend "
            "Engineer was added to their existing record, not to a new one.") in shown
    assert "was not stored" not in shown


@pytest.mark.parametrize("typed", ["ADA@example.org", "  Ada@Example.ORG  ", "ada@example.org\t"])
def test_emails_are_matched_trimmed_and_without_case(hr, ada, typed):
    assert add(hr, "frontend", email=typed).status_code == 302
    assert count(Candidate) == 1
    assert db.session.scalars(sa.select(Application.candidate_id)).all() == [ada.id, ada.id]


def test_a_new_email_is_stored_trimmed_in_lower_case(hr, opening):
    add(hr, "test-opening", email=" Grace.Hopper@Example.ORG ")
    assert db.session.scalar(sa.select(Candidate.email)) == "grace.hopper@example.org"


def test_a_different_typed_name_is_shown_beside_the_stored_one_which_is_kept(hr, ada):
    response = add(hr, "frontend", name="Ada King", phone="+44 20 1111")
    db.session.expire_all()
    assert (ada.name, ada.phone) == ("Ada Lovelace", "+44 20 0000")
    shown = unescape(hr.get(response.headers["Location"]).text)
    assert ("The stored name, 'Ada Lovelace', was kept; the name typed, 'Ada King', was not "
            "stored.") in shown
    assert ("The stored phone, '+44 20 0000', was kept; the phone typed, '+44 20 1111', was "
            "not stored.") in shown


def test_a_detail_the_record_lacks_is_added_to_it_and_audited_without_its_value(hr, ada):
    response = add(hr, "frontend", location="London")
    db.session.expire_all()
    assert ada.location == "London"
    assert "Added to their record: location." in hr.get(response.headers["Location"]).text
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "candidate.completed"))
    assert (event.object_id, event.details) == (ada.id, {"fields": ["location"]})


def test_an_erased_candidate_is_never_matched(hr, ada):
    assert hr.post(f"/hr/candidates/{ada.id}/erase", data={"confirm": "y"}).status_code == 302
    assert add(hr, "frontend").status_code == 302
    db.session.expire_all()
    newcomer = db.session.scalar(sa.select(Candidate).where(Candidate.id != ada.id))
    assert (newcomer.name, newcomer.email) == ("Ada Lovelace", "ada@example.org")
    assert db.session.get(Candidate, ada.id).email is None


def test_the_earliest_of_two_records_with_one_email_is_the_one_matched(hr, ada):
    db.session.add(Candidate(name="Ada Duplicate", email="ada@example.org"))
    db.session.commit()
    add(hr, "frontend")
    assert db.session.scalars(sa.select(Application.candidate_id)).all() == [ada.id, ada.id]


@pytest.mark.parametrize("status", [ApplicationStatus.APPLIED, ApplicationStatus.REJECTED])
def test_applying_to_an_opening_twice_is_refused_beside_the_email_naming_the_application(
        hr, ada, status):
    first = db.session.scalar(sa.select(Application))
    first.status = status
    db.session.commit()
    response = add(hr, "test-opening", email="ADA@example.org")
    assert response.status_code == 400
    assert 'id="email-error"' in response.text
    assert (f"ada@example.org is the email of Ada Lovelace, who has applied to opening "
            f"'test-opening' already: application {first.id}, {status}.") in unescape(response.text)
    assert f'href="/hr/applications/{first.id}">Open the existing application' in response.text
    assert (count(Candidate), count(Application)) == (1, 1)


def test_a_refused_application_of_a_returning_candidate_changes_nothing(hr, ada):
    db.session.scalar(sa.select(Opening).where(Opening.key == "frontend")).status = "closed"
    db.session.commit()
    response = add(hr, "frontend", location="London")
    assert response.status_code == 400
    assert "Opening &#39;frontend&#39; is closed to new applications." in response.text
    db.session.expire_all()
    assert ada.location is None
    assert (count(Candidate), count(Application)) == (1, 1)


# The candidate's other applications, on each application's page.


@pytest.fixture
def history(ada, make_opening, make_user):
    """Return Ada's applications: test-opening, frontend (decided no hire) and data, newest last."""
    frontend = db.session.scalar(sa.select(Opening).where(Opening.key == "frontend"))
    data, committee = make_opening("data"), make_user()
    decided = Application(candidate=ada, opening=frontend, source="sourced",
                          status=ApplicationStatus.DECIDED)
    decided.decisions.append(Decision(recommended_outcome="no_hire", explanation={},
                                      final_outcome="no_hire", rationale="Not yet.",
                                      decided_by=committee))
    db.session.add_all([decided, Application(candidate=ada, opening=data, source="applied")])
    db.session.commit()
    return db.session.scalars(sa.select(Application).order_by(Application.id)).all()


def test_an_application_page_links_the_candidates_other_applications(hr, history,
                                                                     make_application):
    first, decided, data = history
    make_application("Someone Else")
    html = hr.get(f"/hr/applications/{first.id}").text
    assert f'href="/hr/applications/{decided.id}">Frontend Engineer</a>' in html
    assert f'href="/hr/applications/{data.id}">Data</a>' in html
    assert f'href="/hr/applications/{first.id}"' not in html
    assert "No hire" in html
    assert "Someone Else" not in html
    other = hr.get(f"/hr/applications/{decided.id}").text
    assert f'href="/hr/applications/{first.id}">Backend Engineer, Test</a>' in other


def test_a_first_application_says_there_is_no_other(hr, make_application):
    html = hr.get(f"/hr/applications/{make_application().id}").text
    assert "None: this is the candidate's only application." in html


def test_the_other_applications_cost_one_query_however_many_there_are(hr, ada, make_opening,
                                                                       count_queries):
    page_url = f"/hr/applications/{db.session.scalar(sa.select(Application.id))}"

    def page() -> None:
        assert hr.get(page_url).status_code == 200

    page()  # warm the caches of parsed loops
    alone = count_queries(page)
    more = [make_opening(f"more-{n}") for n in range(6)]
    db.session.add_all(Application(candidate=ada, opening=o, source="applied") for o in more)
    db.session.commit()
    assert count_queries(page) == alone
