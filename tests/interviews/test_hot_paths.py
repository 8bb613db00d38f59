"""The scorecard page and its autosave: few queries, and answers written in batches."""

import re

import pytest
from markupsafe import escape

from scorecards.extensions import db
from scorecards.interviews import rendering
from scorecards.interviews.forms import SCORE_VALUES
from tests.interviews.conftest import COMPLETE, form, fresh, statements

JSON = {"Accept": "application/json"}
ATTACK = '<script>alert("x")</script> & "quotes" \'single\' {{ 7*7 }}'


def url(scorecard, suffix=""):
    return f"/scorecards/{scorecard.id}{suffix}"


def test_a_form_with_errors_shows_them_beside_each_field(panel, sign_in):
    ana, _, mine, _ = panel
    response = sign_in(ana).post(url(mine), data=form(
        1, recommendation=None, action="submit", approach=(4, ""), code=(3, ATTACK)))
    assert response.status_code == 422
    assert '<ul class="errors" id="rating-approach-evidence-error">' in response.text
    assert 'aria-describedby="rating-approach-evidence-hint rating-approach-evidence-counter ' \
           'rating-approach-evidence-error" aria-invalid="true"' in response.text
    assert str(escape(ATTACK)) in response.text


def test_a_page_load_reads_the_user_and_the_scorecard_in_two_queries(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(url(mine), data=form(1, code=(3, "Some evidence"), testing=("na", "No time")))
    client.get(url(mine))  # the first load in a process also reads the rubric's document
    with statements(db.engine) as run:
        assert client.get(url(mine)).status_code == 200
    assert run == [("SELECT users", 1), ("SELECT scorecards", 1)]


def test_an_autosave_reads_once_and_writes_the_scorecard_once(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(url(mine, "/draft"), data=form(1, code=(3, "Typed")), headers=JSON)
    with statements(db.engine) as run:
        response = client.post(url(mine, "/draft"), data=form(2, code=(3, "Typed")),
                               headers=JSON)
    assert response.json["version"] == 3
    assert run == [("SELECT users", 1), ("SELECT scorecards", 1), ("UPDATE scorecards", 1)]


def test_an_autosave_writes_each_kind_of_rating_change_in_one_batch(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(url(mine, "/draft"), headers=JSON, data=form(
        1, understanding=(2, "a"), approach=(2, "b"), code=(2, "c")))
    with statements(db.engine) as run:
        client.post(url(mine, "/draft"), headers=JSON, data=form(
            2, understanding=(3, "a"), approach=(2, "b, more"), testing=("na", "No time")))
    writes = [entry for entry in run if not entry[0].startswith("SELECT")]
    assert writes[0] == ("UPDATE scorecards", 1)
    assert sorted(writes[1:]) == [("DELETE ratings", 1), ("INSERT ratings", 1),
                                  ("UPDATE ratings", 2)]
    stored = {r.competency_key: (r.score, r.not_assessed, r.evidence)
              for r in fresh(mine).ratings}
    assert stored == {"understanding": (3, False, "a"), "approach": (2, False, "b, more"),
                      "testing": (None, True, "No time")}


@pytest.mark.parametrize("protect_every_post", [True, False],
                         ids=["csrf-protect", "form-alone"])
def test_an_autosave_with_a_bad_token_stores_nothing(panel, sign_in, app, protect_every_post):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    app.config["WTF_CSRF_ENABLED"] = True
    # Without CSRFProtect's check of every post, the form checks its token itself.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = protect_every_post
    token = re.search(r'name="csrf_token" value="([^"]*)"', client.get(url(mine)).text)[1]
    refused = client.post(url(mine, "/draft"), headers=JSON,
                          data={**form(1, code=(3, "Forged")), "csrf_token": "forged"})
    assert refused.status_code == 400
    assert "The form expired" in refused.json["error"]
    assert fresh(mine).version == 1
    saved = client.post(url(mine, "/draft"), headers=JSON,
                        data={**form(1, code=(3, "Mine")), "csrf_token": token})
    assert saved.status_code == 200
    assert fresh(mine).ratings[0].evidence == "Mine"


def writes(run: list[tuple[str, int]], table: str) -> list[tuple[str, int]]:
    """Return the statements of a run that wrote to one table."""
    return [entry for entry in run if entry[0].split()[1] == table
            and not entry[0].startswith("SELECT")]


def test_submitting_and_amending_write_the_answers_as_an_autosave_does(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(url(mine, "/draft"), headers=JSON, data=form(
        1, understanding=(2, "a"), approach=(2, "b"), code=(2, "c")))
    with statements(db.engine) as run:
        submitted = client.post(url(mine), data=form(2, action="submit", **COMPLETE))
    assert submitted.status_code == 302
    assert writes(run, "scorecards") == [("UPDATE scorecards", 1)]
    assert writes(run, "ratings") == [("UPDATE ratings", 3)]
    with statements(db.engine) as run:
        amended = client.post(url(mine, "/amend"), data={
            **form(3, action="amend", **{**COMPLETE, "testing": ("na", "No time")}),
            "reason": "Forgot the testing part."})
    assert amended.status_code == 302
    assert writes(run, "scorecards") == [("UPDATE scorecards", 1)]
    assert writes(run, "ratings") == [("INSERT ratings", 1)]
    stored = fresh(mine)
    assert (stored.status, stored.version, len(stored.revisions)) == ("submitted", 4, 2)


def test_the_rubric_text_rendered_once_holds_no_user_text(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(url(mine), data={**form(1, code=(3, ATTACK)), "takeaways": ATTACK})
    shown = client.post(url(mine), data={**form(2, code=(ATTACK, ATTACK)), "takeaways": ATTACK})
    assert shown.status_code == 400  # a score that is no choice, shown back with none checked
    assert str(escape(ATTACK)) in shown.text
    assert {key[2] for key in rendering._rendered if len(key) == 4} <= {None, *SCORE_VALUES}
    for markup in rendering._rendered.values():
        assert ATTACK not in markup
        assert str(escape(ATTACK)) not in markup
        assert "Clear thinker." not in markup
