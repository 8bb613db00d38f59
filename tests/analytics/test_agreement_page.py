"""Panel agreement: HR and admins see, per rubric, how far interview panels agree."""

import re
from itertools import cycle

import pytest
import sqlalchemy as sa

from scorecards.core.agreement import panel_agreement
from scorecards.core.panel import PanelRating
from scorecards.core.vocabulary import Role, ScorecardStatus
from scorecards.extensions import db
from scorecards.models import Rating, RubricVersion

PAGE = "/analytics/agreement"
REFRESH = "/analytics/agreement/refresh"

# Scores of three panelists on the test rubrics' competencies, varied enough for both figures.
SCORES = [
    {"understanding": 3, "approach": 4, "code": 3, "testing": None},
    {"understanding": 3, "approach": 3, "code": 2, "testing": 2},
    {"understanding": 2, "approach": 4, "code": 3, "testing": 3},
]


@pytest.fixture
def hold_panel(make_user, make_interview, submit):
    """Return a function that holds an interview and submits each panelist's scores.

    It returns the ratings as the core statistics read them, so tests can compute the figures
    the page should show.
    """
    interviewers = []

    def hold(*scorecards: dict[str, int | None], stage: str = "coding") -> list[PanelRating]:
        while len(interviewers) < len(scorecards):
            interviewers.append(make_user())
        panel = interviewers[:len(scorecards)]
        interview = make_interview(stage=stage, panel=panel)
        by_interviewer = {s.interviewer_id: s for s in interview.scorecards}
        ratings = []
        for interviewer, scores in zip(panel, scorecards, strict=True):
            submit(by_interviewer[interviewer.id], scores)
            ratings += [PanelRating(interview.id, stage, interviewer.id, competency, score)
                        for competency, score in scores.items()]
        return ratings

    return hold


def cells(html: str, rubric_key: str) -> list[str]:
    """Return the data cells of a rubric's row, as HTML."""
    start = html.index(f'<tr id="rubric-{rubric_key}">')
    return re.findall(r"<td>(.*?)</td>", html[start:html.index("</tr>", start)], re.S)


def computed(client):
    """Ask for the figures to be computed (a job, done inline here), then load the page."""
    response = client.post(REFRESH)
    assert response.status_code == 303
    assert response.headers["Location"] == PAGE
    return client.get(PAGE)


def shown(value: float | None) -> str:
    """Return a statistic as the page writes it."""
    return "Not enough panels yet" if value is None else f"{value:.2f}"


def assert_row_shows(html: str, rubric_key: str, ratings: list[PanelRating]) -> None:
    icc, alpha, panels, count = cells(html, rubric_key)
    expected = panel_agreement(ratings)
    assert shown(expected.icc2_1) in icc
    assert shown(expected.alpha) in alpha
    assert panels == str(expected.panels)
    assert count == str(expected.ratings)


@pytest.mark.parametrize("role", [Role.HR, Role.ADMIN])
def test_hr_and_admins_see_panel_agreement_per_rubric(make_user, sign_in, hold_panel, role):
    for shift in range(3):
        hold_panel(*(SCORES[shift:] + SCORES[:shift]))
    response = computed(sign_in(make_user(role)))
    assert response.status_code == 200
    html = response.text
    assert "<h1>Panel agreement</h1>" in html
    assert "Coding exercise" in html
    assert "Design exercise" in html
    icc, alpha, panels, _ = cells(html, "test-coding")
    assert re.fullmatch(r"-?\d\.\d\d", icc)
    assert re.fullmatch(r"-?\d\.\d\d", alpha)
    assert panels == "3"


@pytest.mark.parametrize("roles", [(Role.INTERVIEWER,), (Role.COMMITTEE,),
                                   (Role.INTERVIEWER, Role.COMMITTEE)])
def test_interviewers_and_the_committee_get_404(make_user, sign_in, roles):
    client = sign_in(make_user(*roles))
    assert client.get(PAGE).status_code == 404
    assert client.post(REFRESH).status_code == 404


def test_the_page_needs_a_signed_in_user(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_a_rubric_without_panels_says_so(make_user, sign_in, hold_panel):
    hold_panel(SCORES[0], SCORES[1])
    hold_panel(SCORES[1], SCORES[2])
    icc, alpha, panels, count = cells(computed(sign_in(make_user(Role.HR))).text, "test-design")
    assert "Not enough panels yet" in icc
    assert "Not enough panels yet" in alpha
    assert (panels, count) == ("0", "0")


def test_the_figures_match_the_core_statistics(make_user, sign_in, hold_panel):
    coding = hold_panel(*SCORES)
    coding += hold_panel({"understanding": 2, "approach": 2, "code": 1},
                         {"understanding": 2, "approach": 1, "code": 2})
    coding += hold_panel({"understanding": 4, "approach": 4, "code": 3, "testing": 4},
                         {"understanding": 4, "approach": 3, "code": 4, "testing": 3})
    design = hold_panel(SCORES[0], SCORES[2], stage="design")
    design += hold_panel({"understanding": 1, "approach": 2, "code": 3},
                         {"understanding": 2, "approach": 2, "code": 4}, stage="design")
    html = computed(sign_in(make_user(Role.ADMIN))).text
    assert_row_shows(html, "test-coding", coding)
    assert_row_shows(html, "test-design", design)


def test_only_submitted_scorecards_of_panels_count(make_user, make_interview, sign_in, submit,
                                                   hold_panel):
    counted = hold_panel(SCORES[0], SCORES[1]) + hold_panel(SCORES[1], SCORES[2])
    hold_panel(SCORES[2])  # one panelist alone agrees with nobody
    ana, ben = make_user(), make_user()
    drafted = {s.interviewer_id: s for s in make_interview(panel=[ana, ben]).scorecards}
    submit(drafted[ana.id], SCORES[0])
    draft = drafted[ben.id]
    draft.status = ScorecardStatus.DRAFT
    draft.ratings += [Rating(competency_key=competency, score=score)
                      for competency, score in SCORES[2].items()]
    db.session.commit()
    assert_row_shows(computed(sign_in(make_user(Role.HR))).text, "test-coding", counted)


def test_all_versions_of_a_rubric_count_under_its_newest_title(make_user, sign_in, hold_panel):
    before = hold_panel(SCORES[0], SCORES[1])
    first = db.session.scalar(sa.select(RubricVersion).where(RubricVersion.key == "test-coding"))
    db.session.add(RubricVersion(key="test-coding", version=2, content_hash="edited",
                                 title="Coding exercise, clearer anchors",
                                 document=first.document))
    db.session.commit()
    after = hold_panel(SCORES[1], SCORES[2])
    html = computed(sign_in(make_user(Role.HR))).text
    assert "Coding exercise, clearer anchors" in html
    assert html.count('<tr id="rubric-test-coding">') == 1
    assert_row_shows(html, "test-coding", before + after)


@pytest.fixture
def count_queries(app):
    """Return a function that counts the SQL statements run while calling another."""

    def count(call) -> int:
        statements = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            call()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    return count


def test_the_page_runs_a_fixed_number_of_queries(make_user, sign_in, hold_panel, count_queries):
    client = sign_in(make_user(Role.HR))
    shifts = cycle(range(3))

    def hold(panels: int, stage: str) -> None:
        for _ in range(panels):
            shift = next(shifts)
            hold_panel(*(SCORES[shift:] + SCORES[:shift]), stage=stage)

    hold(1, "coding")
    hold(1, "design")
    computed(client)
    with_two = count_queries(lambda: client.get(PAGE))
    hold(3, "coding")
    hold(1, "design")
    computed(client)
    with_six = count_queries(lambda: client.get(PAGE))
    assert with_two == with_six


def test_before_the_first_computation_the_page_says_so_and_offers_it(make_user, sign_in,
                                                                     hold_panel):
    hold_panel(*SCORES)
    client = sign_in(make_user(Role.HR))
    html = client.get(PAGE).text
    assert "Panel agreement has not been computed yet" in html
    assert f'action="{REFRESH}"' in html
    assert "Compute now" in html
    assert '<tr id="rubric-' not in html
    assert "Figures as of" in computed(client).text


def test_the_figures_stay_as_computed_until_the_next_refresh(make_user, sign_in, hold_panel):
    first = hold_panel(*SCORES)
    client = sign_in(make_user(Role.HR))
    computed(client)
    later = hold_panel({"understanding": 1, "approach": 1, "code": 1},
                       {"understanding": 4, "approach": 4, "code": 4})
    html = client.get(PAGE).text
    assert_row_shows(html, "test-coding", first)
    assert re.search(r"Figures as of <time datetime=\"[^\"]+\">\w{3} \d+ \w{3} \d{4}, "
                     r"\d\d:\d\d UTC</time>", html)
    assert_row_shows(computed(client).text, "test-coding", first + later)


def test_a_refresh_under_way_is_not_started_twice(app, make_user):
    from scorecards.analytics import services
    from scorecards.models import Job

    hr = make_user(Role.HR)
    db.session.add(Job(kind=services.REFRESH_KIND, title="Panel agreement refresh",
                       params={"summaries": ["agreement"]}, requested_by=hr))
    db.session.commit()
    waiting = services.refresh_under_way()
    assert waiting is not None
    assert services.request_refresh(make_user(Role.ADMIN)).id == waiting.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 1
