"""Every page against every kind of user: the expected answer, in one table.

Roles: anonymous, an interviewer on the panel (who has submitted), an interviewer not on it,
the committee, HR, an admin and the fairness role. 302 is the way to sign in; 404 hides what a
user may not see. The candidate has answered the self-identification questions, and their
answer shows in no page or API answer but the one route of the fairness role and admins.
"""

import io
import zipfile

import openpyxl
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from scorecards.core.vocabulary import ApplicationStatus, Role, ScorecardStatus
from scorecards.extensions import db
from scorecards.models import Opening, Rating, SelfIdentification

WHO = ("anonymous", "on_panel", "off_panel", "committee", "hr", "admin", "fairness")
OK_FOR_OVERSEERS = (302, 200, 404, 200, 200, 200, 404)
OK_FOR_COMMITTEE = (302, 404, 404, 200, 404, 404, 404)
OK_FOR_HR = (302, 404, 404, 404, 200, 200, 404)
OK_FOR_EVERYONE_SIGNED_IN = (302, 200, 200, 200, 200, 200, 200)
OK_TO_CHANGE_INTERVIEWS = (302, 404, 404, 404, 302, 302, 404)
# The fairness role reaches self-identification and what is made from it, nothing else.
ANSWER = "native_hawaiian_or_pacific_islander"  # the candidate's, found nowhere else
SELF_IDENTIFICATION = "/self-identification"  # the only routes that may answer with it
OK_FOR_FAIRNESS = (302, 404, 404, 404, 404, 200, 200)

PAGES = [
    ("/", OK_FOR_EVERYONE_SIGNED_IN),
    ("/hr/search?q=ada", OK_FOR_HR),
    ("/hr/interviewers?q=ana", OK_FOR_HR),
    ("/interviews", OK_FOR_EVERYONE_SIGNED_IN),
    ("/interviews/{interview}", OK_FOR_OVERSEERS),
    ("/scorecards/{scorecard}", OK_FOR_OVERSEERS),
    ("/scorecards/{scorecard}/amend", (302, 200, 404, 404, 404, 404, 404)),
    # The interview kit is its author's, until the scorecard is submitted: then it leads there.
    ("/scorecards/{scorecard}/kit", (302, 302, 404, 404, 404, 404, 404)),
    ("/scorecards/999999/kit", (302, 404, 404, 404, 404, 404, 404)),
    ("/committee/", OK_FOR_COMMITTEE),
    ("/committee/decided", OK_FOR_COMMITTEE),
    ("/committee/applications/{application}", (302, 404, 404, 200, 200, 200, 404)),
    ("/committee/applications/{application}/packet.pdf",
     (302, 404, 404, 200, 200, 200, 404)),
    ("/analytics/agreement", OK_FOR_HR),
    ("/analytics/rubrics/test-coding", OK_FOR_HR),
    ("/analytics/rubrics/no-such-rubric", (302, 404, 404, 404, 404, 404, 404)),
    ("/analytics/interviewers", OK_FOR_HR),
    # An interviewer's own report, which HR and admins see too.
    ("/analytics/interviewers/{panelist_id}", (302, 200, 404, 404, 200, 200, 404)),
    ("/analytics/interviewers/999999", (302, 404, 404, 404, 404, 404, 404)),
    # The candidate's own self-identification page needs no account, only a live link.
    ("/self-identification/not-a-token", (404, 404, 404, 404, 404, 404, 404)),
    ("/fairness/impact?scope=opening:{opening}", OK_FOR_FAIRNESS),
    ("/fairness/impact.csv?scope=opening:{opening}", OK_FOR_FAIRNESS),
    ("/fairness/scores?scope=opening:{opening}", OK_FOR_FAIRNESS),
    ("/fairness/scores.csv?scope=opening:{opening}", OK_FOR_FAIRNESS),
    ("/hr/exports/", OK_FOR_HR),
    ("/files/", OK_FOR_EVERYONE_SIGNED_IN),
    ("/files/999999", (302, 404, 404, 404, 404, 404, 404)),
    ("/audit/", (302, 404, 404, 404, 404, 200, 404)),
    ("/hr/", OK_FOR_HR),
    ("/hr/openings/{opening}", OK_FOR_HR),
    ("/hr/applications/{application}", OK_FOR_HR),
    ("/hr/interviews/{interview}", OK_FOR_HR),
    ("/hr/overdue", OK_FOR_HR),
    ("/hr/openings/{opening}/report", OK_FOR_HR),
    ("/hr/candidates/{candidate}/erase", OK_FOR_HR),
    ("/scorecards/999999", (302, 404, 404, 404, 404, 404, 404)),
    ("/committee/applications/999999", (302, 404, 404, 404, 404, 404, 404)),
    ("/hr/applications/999999", (302, 404, 404, 404, 404, 404, 404)),
    ("/hr/interviews/999999", (302, 404, 404, 404, 404, 404, 404)),
]
# User administration is the admins'; a mailed account link needs no account, only a live one.
OK_FOR_ADMIN = (302, 404, 404, 404, 404, 200, 404)
PAGES += [
    ("/admin/users/", OK_FOR_ADMIN),
    ("/admin/users/?q=user&role=interviewer&active=yes", OK_FOR_ADMIN),
    ("/admin/users/invite", OK_FOR_ADMIN),
    ("/admin/users/{panelist_id}", OK_FOR_ADMIN),
    ("/admin/users/999999", (302, 404, 404, 404, 404, 404, 404)),
    ("/account/not-a-token", (404, 404, 404, 404, 404, 404, 404)),
]
# Validity: the fairness role's report of how scores predict hires' outcomes.
PAGES += [
    ("/fairness/validity?loop=test-loop", OK_FOR_FAIRNESS),
    ("/fairness/validity.csv?loop=test-loop", OK_FOR_FAIRNESS),
]


@pytest.fixture
def world(make_user, make_application, make_interview, submit):
    """Return the users of each kind and the ids the pages are about."""
    application = make_application("Ada Lovelace")
    on_panel = make_user(Role.INTERVIEWER)
    interview = make_interview(application, stage="coding", panel=[on_panel])
    submit(interview.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    application.status = ApplicationStatus.COMMITTEE
    db.session.commit()
    db.session.add(SelfIdentification(candidate_id=application.candidate_id,
                                      item="race_ethnicity", answer=ANSWER, source="import"))
    db.session.commit()
    users = {"anonymous": None, "on_panel": on_panel, "off_panel": make_user(Role.INTERVIEWER),
             "committee": make_user(Role.COMMITTEE), "hr": make_user(Role.HR),
             "admin": make_user(Role.ADMIN), "fairness": make_user(Role.FAIRNESS)}
    ids = {"interview": interview.id, "scorecard": interview.scorecards[0].id,
           "application": application.id, "candidate": application.candidate_id,
           "opening": db.session.scalar(sa.select(Opening.key)), "panelist": on_panel.email,
           "panelist_id": on_panel.id}
    return users, ids


@pytest.mark.parametrize(("path", "expected"), PAGES, ids=[path for path, _ in PAGES])
def test_every_page_answers_each_kind_of_user_as_the_table_says(world, client, sign_in, path,
                                                                expected):
    users, ids = world
    answers = {}
    for who in WHO:
        client.delete_cookie("session")  # start each kind of user signed out
        if users[who] is not None:
            sign_in(users[who])
        response = client.get(path.format(**ids), buffered=True)
        answers[who] = response.status_code
        assert not _reveals_self_identification(path, response), who
    assert answers == dict(zip(WHO, expected, strict=True))


def test_no_packet_export_or_prepared_file_carries_self_identification(world, client,
                                                                        sign_in):
    """Every file whoever may make it gets, read whole: PDF text, each file of a zip, cells."""
    users, ids = world
    made = 0
    for who in ("committee", "hr", "admin"):
        client.delete_cookie("session")
        sign_in(users[who])
        files = [client.get(f"/committee/applications/{ids['application']}/packet.pdf",
                            buffered=True),
                 *(client.get(f"/hr/exports/{kind}.{fmt}", buffered=True)
                   for kind in ("applications", "ratings") for fmt in ("csv", "xlsx", "jsonl"))]
        for path, form in ((f"/committee/openings/{ids['opening']}/packet", {"format": "zip"}),
                           (f"/committee/openings/{ids['opening']}/packet", {"format": "pdf"}),
                           ("/hr/exports/", {"kind": "applications", "format": "xlsx"}),
                           ("/hr/exports/", {"kind": "ratings", "format": "csv"})):
            started = client.post(path, data=form)
            if started.status_code == 303:
                files.append(client.get(started.headers["Location"] + "/download",
                                        buffered=True))
        for file in files:
            if file.status_code != 200:
                continue
            made += 1
            text = whole_text_of(file)
            assert "Ada Lovelace" in text or "ada-lovelace" in text, (who, file.mimetype)
            assert ANSWER not in text, (who, file.mimetype)
            assert "Native Hawaiian" not in text, (who, file.mimetype)
    assert made >= 12  # the committee's packets, HR's and the admin's every file


def whole_text_of(response) -> str:
    """Return every word a file holds: a PDF's text, a zip's files' (PDFs read too), cells."""
    if response.mimetype == "application/pdf":
        return "\n".join(page.extract_text() for page in PdfReader(
            io.BytesIO(response.data)).pages)
    if response.mimetype == "application/zip":
        archive = zipfile.ZipFile(io.BytesIO(response.data))
        texts = [*archive.namelist()]
        for name in archive.namelist():
            data = archive.read(name)
            texts.append("\n".join(page.extract_text() for page in PdfReader(
                io.BytesIO(data)).pages) if name.endswith(".pdf") else data.decode())
        return "\n".join(texts)
    return text_of(response)


def _reveals_self_identification(path: str, response) -> bool:
    """Tell whether an answer outside the self-identification routes carries the answer."""
    if SELF_IDENTIFICATION in path:
        return False
    text = text_of(response)
    return ANSWER in text or "Native Hawaiian" in text


FORMS = [  # what a form posts; 303 leads on to the download or the prepared file
    ("/committee/openings/{opening}/packet", {"format": "pdf"},
     (302, 404, 404, 303, 404, 404, 404)),
    ("/hr/exports/", {"kind": "ratings", "format": "csv"}, (302, 404, 404, 404, 303, 303, 404)),
    ("/hr/exports/", {"kind": "ratings", "format": "xlsx"},
     (302, 404, 404, 404, 303, 303, 404)),
    ("/hr/interviews/{interview}/note", {"note-note": "Checked."}, OK_TO_CHANGE_INTERVIEWS),
    ("/hr/openings/{opening}/contacts", {"contacts-hr_contact": ""},
     (302, 404, 404, 404, 303, 303, 404)),
    # The interview's scorecard is submitted: HR is told it cannot be moved or cancelled.
    ("/hr/interviews/{interview}", {"change-scheduled_at": "2030-01-01T10:00",
                                    "change-panel_emails": "{panelist}"},
     (302, 404, 404, 404, 400, 400, 404)),
    ("/hr/interviews/{interview}/cancel", {"cancel-confirm": "y"},
     (302, 404, 404, 404, 400, 400, 404)),
    ("/fairness/impact/recount", {"scope": "opening:{opening}"},
     (302, 404, 404, 404, 404, 303, 303)),
    # The kit's notes reach only its author's scorecard, and not once it is submitted.
    ("/scorecards/{scorecard}/notes", {"version": "1", "rating-code-evidence": "Late."},
     (302, 409, 404, 404, 404, 404, 404)),
    ("/scorecards/999999/notes", {"version": "1"}, (302, 404, 404, 404, 404, 404, 404)),
]
# The application is not decided hire: HR is told no outcome can be recorded.
FORMS += [
    ("/hr/applications/{application}/hire-outcome", {"outcome-rating_6_months": "3"},
     (302, 404, 404, 404, 400, 400, 404)),
]

# Each change to an account, by an admin only; the admin is answered with the account's page.
CHANGED_BY_ADMIN = (302, 404, 404, 404, 404, 303, 404)
FORMS += [
    ("/admin/users/invite", {"email": "new@example.org", "roles": "hr"}, CHANGED_BY_ADMIN),
    ("/admin/users/{panelist_id}/roles", {"roles": "interviewer"}, CHANGED_BY_ADMIN),
    ("/admin/users/{panelist_id}/deactivate", {}, CHANGED_BY_ADMIN),
    ("/admin/users/{panelist_id}/reactivate", {}, CHANGED_BY_ADMIN),
    ("/admin/users/{panelist_id}/password-reset", {}, CHANGED_BY_ADMIN),
    ("/admin/users/{panelist_id}/invitation", {}, CHANGED_BY_ADMIN),
    ("/admin/users/999999/deactivate", {}, (302, 404, 404, 404, 404, 404, 404)),
    ("/account/not-a-token", {"password": "x", "confirm": "x"}, (404,) * 7),
]


@pytest.mark.parametrize(("path", "form", "expected"), FORMS,
                         ids=[f"{path} {form}" for path, form, _ in FORMS])
def test_every_form_answers_each_kind_of_user_as_the_table_says(world, client, sign_in, path,
                                                                form, expected):
    users, ids = world
    answers = {}
    for who in WHO:
        client.delete_cookie("session")
        if users[who] is not None:
            sign_in(users[who])
        answers[who] = client.post(path.format(**ids), data={
            name: value.format(**ids) for name, value in form.items()}).status_code
    assert answers == dict(zip(WHO, expected, strict=True))


API = [
    ("/api/v1/openings", (401, 404, 404, 200, 200, 200, 404)),
    ("/api/v1/applications", (401, 404, 404, 200, 200, 200, 404)),
    ("/api/v1/applications/{application}", (401, 404, 404, 200, 200, 200, 404)),
    ("/api/v1/applications/{application}/summary", (401, 404, 404, 200, 200, 200, 404)),
    ("/api/v1/applications/{application}/packet.pdf",
     (401, 404, 404, 200, 200, 200, 404)),
    ("/api/v1/scorecards/{scorecard}", (401, 200, 404, 200, 200, 200, 404)),
    ("/api/v1/candidates/{candidate}", (401, 404, 404, 404, 200, 200, 404)),
    ("/api/v1/candidates?q=ada", (401, 404, 404, 404, 200, 200, 404)),
    ("/api/v1/exports/ratings?format=csv", (401, 404, 404, 404, 200, 200, 404)),
    ("/api/v1/scorecards/999999", (401, 404, 404, 404, 404, 404, 404)),
    ("/api/v1/interviews/{interview}", (401, 404, 404, 404, 200, 200, 404)),
    ("/api/v1/interviews/999999", (401, 404, 404, 404, 404, 404, 404)),
    ("/api/v1/rubrics/test-coding", (401, 200, 200, 200, 200, 200, 200)),
    ("/api/v1/analytics/agreement?rubric=test-coding",
     (401, 404, 404, 404, 200, 200, 404)),
    ("/api/v1/analytics/interviewers/{panelist_id}", (401, 200, 404, 404, 200, 200, 404)),
    ("/api/v1/analytics/interviewers/999999", (401, 404, 404, 404, 404, 404, 404)),
    # Self-identification: HR imports it but never reads it back.
    ("/api/v1/candidates/{candidate}/self-identification",
     (401, 404, 404, 404, 404, 200, 200)),
    ("/api/v1/fairness/adverse-impact?opening={opening}&from=2020-01&to=2100-01",
     (401, 404, 404, 404, 404, 200, 200)),
    ("/api/v1/fairness/score-differences?opening={opening}&from=2020-01&to=2100-01",
     (401, 404, 404, 404, 404, 200, 200)),
    ("/api/v1/rubrics/test-coding/versions/1", (401, 200, 200, 200, 200, 200, 200)),
    ("/api/v1/openapi.json", (200, 200, 200, 200, 200, 200, 200)),
    ("/api/v1/docs", (200, 200, 200, 200, 200, 200, 200)),
]
API += [
    ("/api/v1/users", (401, 404, 404, 404, 404, 200, 404)),
    ("/api/v1/users?search=user&role=hr&active=true", (401, 404, 404, 404, 404, 200, 404)),
    ("/api/v1/users/{panelist_id}", (401, 404, 404, 404, 404, 200, 404)),
    ("/api/v1/users/999999", (401, 404, 404, 404, 404, 404, 404)),
    ("/api/v1/applications/{application}/hire-outcome", (401, 404, 404, 404, 200, 200, 404)),
    ("/api/v1/fairness/validity?loop=test-loop", (401, 404, 404, 404, 404, 200, 200)),
]


@pytest.mark.parametrize(("path", "expected"), API, ids=[path for path, _ in API])
def test_every_api_route_answers_each_kind_of_user_as_the_table_says(world, client, path,
                                                                     expected):
    from scorecards.api.services import issue_token

    users, ids = world
    answers = {}
    for who in WHO:
        headers = {}
        if users[who] is not None:
            headers["Authorization"] = f"Bearer {issue_token(users[who], name=path[:90])}"
        response = client.get(path.format(**ids), headers=headers, buffered=True)
        answers[who] = response.status_code
        assert not _reveals_self_identification(path, response), who
    assert answers == dict(zip(WHO, expected, strict=True))


# Independent scoring outranks role. Users who sit on the design panel with a draft (HR, an
# admin, a committee member) see nothing of the application's scores or outcome on any
# route that could show them, until their own scorecard is in; HR and the committee who owe
# nothing see them. Each route names what in its answer would give the scoring away.

OWING = ("hr_owing", "admin_owing", "committee_owing", "hr", "committee")
FOR_HR = (False, False, False, True, False)
FOR_OVERSEERS = (False, False, False, True, True)
FOR_COMMITTEE = (False, False, False, False, True)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def owed_world(make_user, make_application, make_interview, submit):
    """Return the users, the ids, and an application Cleo scored and the owing users did not."""
    application = make_application("Ada Lovelace")
    cleo = make_user(Role.INTERVIEWER, name="Cleo Park")
    coding = make_interview(application, stage="coding", panel=[cleo])
    submit(coding.scorecards[0], {"understanding": 4, "approach": 4, "code": 4}, "strong_hire")
    users = {"hr_owing": make_user(Role.HR, Role.INTERVIEWER),
             "admin_owing": make_user(Role.ADMIN, Role.INTERVIEWER),
             "committee_owing": make_user(Role.COMMITTEE, Role.INTERVIEWER),
             "hr": make_user(Role.HR), "committee": make_user(Role.COMMITTEE)}
    design = make_interview(application, stage="design",
                            panel=[users[who] for who in OWING if who.endswith("_owing")])
    for draft in design.scorecards:
        draft.status = ScorecardStatus.DRAFT
        draft.ratings.append(Rating(competency_key="code", score=2, evidence="typing"))
    application.status = ApplicationStatus.COMMITTEE
    db.session.commit()
    ids = {"application": application.id, "scorecard": coding.scorecards[0].id,
           "interview": coding.id, "opening": db.session.scalar(sa.select(Opening.key))}
    return users, ids


def text_of(response) -> str:
    """Return what a reader finds in an answer: its text, a workbook's cells, a zip's names."""
    if response.mimetype == XLSX:
        sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).active
        return "\n".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
    if response.mimetype == "application/zip":
        return "\n".join(zipfile.ZipFile(io.BytesIO(response.data)).namelist())
    if response.mimetype == "application/pdf":
        return response.data[:5].decode()
    return response.get_data(as_text=True)


SCORING_PAGES = [  # path, what in the answer gives the scoring away, who may see it
    *[(f"/hr/exports/{kind}.{fmt}", "Ada Lovelace", FOR_HR)
      for kind in ("applications", "ratings") for fmt in ("csv", "xlsx", "jsonl")],
    ("/hr/openings/{opening}/report", '<td class="num">1 of 1</td>', FOR_HR),
    ("/hr/openings/{opening}/report.csv", "coding,Coding,1,1,0,1.000", FOR_HR),
    # The pipeline shows where scorecards stand, never what they say, to anybody.
    ("/hr/openings/{opening}", "Strong hire", (False,) * 5),
    ("/committee/", "Ada Lovelace", FOR_COMMITTEE),
    ("/committee/applications/{application}", "Cleo Park", FOR_OVERSEERS),
    ("/committee/applications/{application}/packet.pdf", "%PDF", FOR_OVERSEERS),
    ("/scorecards/{scorecard}", "Cleo Park", FOR_OVERSEERS),
    ("/interviews/{interview}", "Cleo Park", FOR_OVERSEERS),
]


@pytest.mark.parametrize(("path", "marker", "expected"), SCORING_PAGES,
                         ids=[path for path, _, _ in SCORING_PAGES])
def test_no_page_shows_scores_to_whoever_owes_a_scorecard_whatever_their_roles(
        owed_world, client, sign_in, path, marker, expected):
    users, ids = owed_world
    shown = {}
    for who in OWING:
        client.delete_cookie("session")
        response = sign_in(users[who]).get(path.format(**ids), buffered=True)
        shown[who] = response.status_code == 200 and marker in text_of(response)
    assert shown == dict(zip(OWING, expected, strict=True))


def test_no_prepared_file_holds_scores_of_whoever_owes_a_scorecard(owed_world, client, sign_in):
    users, ids = owed_world
    shown = {}
    for who in OWING:
        client.delete_cookie("session")
        found = []
        for path, form in ((f"/committee/openings/{ids['opening']}/packet", {"format": "zip"}),
                           ("/hr/exports/", {"kind": "applications", "format": "xlsx"}),
                           ("/hr/exports/", {"kind": "ratings", "format": "xlsx"})):
            started = sign_in(users[who]).post(path, data=form)
            if started.status_code == 303:
                file = client.get(started.headers["Location"] + "/download", buffered=True)
                found.append(file.status_code == 200 and (
                    "ada-lovelace" in text_of(file) or "Ada Lovelace" in text_of(file)))
        shown[who] = any(found)
    assert shown == dict(zip(OWING, (False, False, False, True, True), strict=True))


SCORING_API = [
    *[(f"/api/v1/exports/{kind}?format={fmt}", "Ada Lovelace", FOR_HR)
      for kind in ("applications", "ratings") for fmt in ("csv", "xlsx", "jsonl")],
    ("/api/v1/applications", "Ada Lovelace", FOR_OVERSEERS),
    ("/api/v1/applications/{application}", "Ada Lovelace", FOR_OVERSEERS),
    ("/api/v1/applications/{application}/summary", '"outcome"', FOR_OVERSEERS),
    ("/api/v1/applications/{application}/packet.pdf", "%PDF", FOR_OVERSEERS),
    ("/api/v1/scorecards/{scorecard}", "strong_hire", FOR_OVERSEERS),
]


@pytest.mark.parametrize(("path", "marker", "expected"), SCORING_API,
                         ids=[path for path, _, _ in SCORING_API])
def test_no_api_route_answers_scores_to_whoever_owes_a_scorecard_whatever_their_roles(
        owed_world, client, path, marker, expected):
    from scorecards.api.services import issue_token

    users, ids = owed_world
    shown = {}
    for who in OWING:
        token = issue_token(users[who], name=path[:90])
        response = client.get(path.format(**ids), buffered=True,
                              headers={"Authorization": f"Bearer {token}"})
        shown[who] = response.status_code == 200 and marker in text_of(response)
    assert shown == dict(zip(OWING, expected, strict=True))


@pytest.fixture
def held(make_user, make_application, make_interview, submit, make_opening_for):
    """Return HR who owes a scorecard on a held application, and the candidate's other one.

    The committee held the first application for more interviews, and HR sits on the new
    panel with a draft; the candidate's second application was decided no hire, and HR
    owes a scorecard there too.
    """
    from scorecards.models import Decision

    hr_owing = make_user(Role.HR, Role.INTERVIEWER)
    committee = make_user(Role.COMMITTEE)
    first = make_application("Ada Lovelace")
    second = make_opening_for(first.candidate)
    for application, outcome in ((first, "hold"), (second, "no_hire")):
        submit(make_interview(application, panel=[make_user()]).scorecards[0], {"code": 3})
        application.decisions.append(Decision(
            recommended_outcome="hire", explanation={}, final_outcome=outcome,
            rationale="Decided as the panel advised.", decided_by=committee))
        make_interview(application, stage="design", panel=[hr_owing])
    first.status = ApplicationStatus.INTERVIEWING
    db.session.commit()
    return hr_owing, first


@pytest.fixture
def make_opening_for(catalog):
    """Return a function that applies a candidate to a second opening."""
    from scorecards.models import Application

    def apply(candidate):
        opening = Opening(key="second-opening", title="Data Engineer", loop_version=catalog)
        application = Application(candidate=candidate, opening=opening, source="applied",
                                  status=ApplicationStatus.DECIDED)
        db.session.add(application)
        db.session.commit()
        return application

    return apply


def test_hr_who_owes_a_scorecard_sees_no_committee_outcome_on_the_application_page(
        held, make_user, client, sign_in):
    hr_owing, first = held
    page = sign_in(hr_owing).get(f"/hr/applications/{first.id}").text
    assert "<dt>Committee decision</dt><dd>Hold" not in page
    assert "No hire" not in page  # the other application's outcome
    assert page.count("Hidden until your scorecard is in") == 2
    client.delete_cookie("session")
    page = sign_in(make_user(Role.HR)).get(f"/hr/applications/{first.id}").text
    assert "<dt>Committee decision</dt><dd>Hold" in page
    assert "No hire" in page


API_CHANGES = [  # the interview's scorecard is submitted, so it is not cancelled (409)
    ("PUT", "/api/v1/interviews/{interview}/note", {"note": "Checked."},
     (401, 404, 404, 404, 200, 200, 404)),
    ("PATCH", "/api/v1/interviews/{interview}", {}, (401, 404, 404, 404, 422, 422, 404)),
    ("POST", "/api/v1/interviews/{interview}/cancel", None,
     (401, 404, 404, 404, 409, 409, 404)),
    # HR imports self-identification (and cannot read it back); nobody else writes it.
    ("PUT", "/api/v1/candidates/{candidate}/self-identification",
     {"answers": {"race_ethnicity": "native_hawaiian_or_pacific_islander"}},
     (401, 404, 404, 404, 204, 204, 404)),
]
# Outcomes are recorded only for hires; this application is not one.
API_CHANGES += [
    ("PUT", "/api/v1/applications/{application}/hire-outcome", {"rating_6_months": 3},
     (401, 404, 404, 404, 422, 422, 404)),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), API_CHANGES,
                         ids=[f"{method} {path}" for method, path, _, _ in API_CHANGES])
def test_every_api_change_answers_each_kind_of_user_as_the_table_says(world, client, method,
                                                                      path, body, expected):
    from scorecards.api.services import issue_token

    users, ids = world
    answers = {}
    for who in WHO:
        headers = {}
        if users[who] is not None:
            headers["Authorization"] = f"Bearer {issue_token(users[who], name=method + path)}"
        answers[who] = client.open(path.format(**ids), method=method, json=body,
                                   headers=headers).status_code
    assert answers == dict(zip(WHO, expected, strict=True))
