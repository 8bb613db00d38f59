"""The adverse-impact report: each step by group, the Uniform Guidelines' example, small cells."""

import csv
import io
import re

import pytest

from scorecards.analytics.summaries import refresh
from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import SelfIdentification

PAGE = "/fairness/impact?scope=opening:test-opening&question=sex"


@pytest.fixture
def guidelines(make_application, make_interview):
    """Applications as in the Uniform Guidelines' example, at the screening step.

    80 men of whom 48 reach a first interview (60%), 40 women of whom 12 do (30%); 3 who
    preferred not to say and 2 who did not answer, one interviewed.
    """
    def add(answer, interviewed):
        application = make_application()
        if answer:
            db.session.add(SelfIdentification(candidate_id=application.candidate_id,
                                              item="sex", answer=answer, source="import"))
        if interviewed:
            make_interview(application)

    for n in range(80):
        add("male", n < 48)
    for n in range(40):
        add("female", n < 12)
    for n in range(3):
        add("prefer_not_to_say", n == 0)
    for _ in range(2):
        add(None, False)
    db.session.commit()
    refresh(["fairness"])


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_guidelines_example_is_flagged_at_screening(guidelines, make_user, sign_in):
    client = sign_in(make_user(Role.FAIRNESS))
    page = client.get(PAGE)
    assert page.status_code == 200
    screening = page.text[page.text.index('id="step-screening"'):]
    screening = screening[:screening.index("</section>")]
    assert "adverse impact" in screening
    assert "0.50" in screening
    assert "below 4/5" in screening
    assert "60%" in screening
    assert "30%" in screening
    assert "Withheld: fewer than 5" in screening  # the 5 undisclosed, 1 of them interviewed
    found = {row["group"]: row for row in rows(client.get(PAGE.replace(
        "/fairness/impact", "/fairness/impact.csv")).text) if row["step"] == "screening"}
    assert (found["male"]["reached"], found["male"]["passed"]) == ("80", "48")
    assert (found["female"]["impact_ratio"], found["female"]["four_fifths_flag"]) == ("0.5",
                                                                                    "True")
    assert float(found["female"]["fisher_p"]) < 0.01
    assert float(found["female"]["z"]) < -1.96


def test_no_count_below_five_appears_on_the_page_or_in_the_csv(guidelines, make_user,
                                                                 sign_in):
    client = sign_in(make_user(Role.FAIRNESS))
    for row in rows(client.get(PAGE.replace("/fairness/impact",
                                            "/fairness/impact.csv")).text):
        for column in ("reached", "passed"):
            assert row[column] == "" or int(row[column]) >= 5, row
        if row["reached"]:
            assert int(row["reached"]) - int(row["passed"]) >= 5, row
    page = client.get(PAGE).text
    cells = re.findall(r"<td>(\d+)</td>", page)
    assert cells
    assert all(int(cell) >= 5 for cell in cells)


def test_too_little_data_says_so_instead_of_ratios(make_application, make_user, sign_in):
    application = make_application()
    db.session.add(SelfIdentification(candidate_id=application.candidate_id, item="sex",
                                      answer="female", source="import"))
    db.session.commit()
    refresh(["fairness"])
    page = sign_in(make_user(Role.ADMIN)).get(PAGE).text
    assert "Too little data to compare groups" in page
    assert "below 4/5" not in page


def test_only_the_fairness_role_and_admins_see_the_report(guidelines, make_user, sign_in):
    for roles, expected in (((Role.HR,), 404), ((Role.COMMITTEE,), 404),
                            ((Role.INTERVIEWER,), 404), ((Role.FAIRNESS,), 200),
                            ((Role.ADMIN,), 200)):
        client = sign_in(make_user(*roles))
        assert client.get(PAGE).status_code == expected, roles
        assert client.get(PAGE.replace("/fairness/impact",
                                       "/fairness/impact.csv")).status_code == expected, roles


def test_a_report_of_nothing_says_what_is_wrong(make_user, sign_in):
    client = sign_in(make_user(Role.FAIRNESS))
    assert client.get("/fairness/impact").status_code == 200  # the form
    unknown = client.get("/fairness/impact?scope=opening:nope")
    assert unknown.status_code == 400
    assert "no opening &#39;nope&#39;" in unknown.text
    question = client.get("/fairness/impact?scope=loop:test-loop&question=age")
    assert "no question &#39;age&#39;; the questions are sex, race_ethnicity" in question.text
    dates = client.get("/fairness/impact?scope=loop:test-loop&from=yesterday")
    assert dates.status_code == 400
    assert "from must be a month like 2026-01, not &#39;yesterday&#39;" in dates.text
    backwards = client.get("/fairness/impact?scope=loop:test-loop&from=2026-05&to=2026-04")
    assert "The period must end in or after the month it starts." in backwards.text
    assert client.get("/fairness/impact.csv?scope=opening:nope").status_code == 400


def test_the_api_gives_the_report_with_small_groups_withheld(guidelines, make_user, client):
    from tests.api.conftest import api_as

    path = ("/api/v1/fairness/adverse-impact?opening=test-opening&question=sex"
            "&from=2020-01&to=2100-01")
    reviewer = api_as(client, make_user(Role.FAIRNESS))
    answer = reviewer.get(path)
    assert answer.status_code == 200, answer.text
    report = answer.json
    assert report["enough_data"] is True
    screening = {g["group"]: g for g in report["steps"][0]["groups"]}
    assert report["steps"][0]["step"] == "screening"
    assert screening["female"]["impact_ratio"] == 0.5
    assert screening["female"]["four_fifths_flag"] is True
    assert (screening["male"]["reached"], screening["male"]["passed"]) == (80, 48)
    for step in report["steps"]:
        for group in step["groups"]:
            if group["withheld"]:
                assert group["reached"] is None
                assert group["selection_rate"] is None
            else:
                assert min(group["reached"], group["passed"],
                           group["reached"] - group["passed"]) >= 5
    hr = api_as(client, make_user(Role.HR))
    assert hr.get(path).status_code == 404
    refused = reviewer.get(path.replace("test-opening", "nope"))
    assert refused.status_code == 400
    assert "No opening 'nope'" in refused.json["detail"]
