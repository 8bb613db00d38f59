"""The scorecard page and its autosave, made fast without changing what they do or show."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from scorecards.catalog.services import read_files
from scorecards.core.rubric import load_catalog
from scorecards.core.scorecard import Answers, RatingAnswer
from scorecards.core.vocabulary import Recommendation
from scorecards.extensions import db
from scorecards.interviews import rendering, services
from scorecards.interviews.forms import Shown, ShownForm, scorecard_form_class
from tests.conftest import TEST_RUBRICS
from tests.interviews.conftest import form, fresh, statements

JSON = {"Accept": "application/json"}
ATTACK = '<script>alert("x")</script> & "quotes" \'single\' {{ 7*7 }}'

DRAFT = Answers(  # with the characters the cache marks with: a value can still hold them
    ratings={"understanding": RatingAnswer(4, False, ATTACK + "\x00rating-code-score\x01na\x00"),
             "code": RatingAnswer(None, False, "Half a thought\n  indented"),
             "testing": RatingAnswer(None, True, "We ran out of time.")},
    recommendation=Recommendation.NO_HIRE, takeaways=ATTACK, private_note="<b>bold</b>")


def url(scorecard, suffix=""):
    return f"/scorecards/{scorecard.id}{suffix}"


@pytest.mark.parametrize("amending", [False, True], ids=["scoring", "amending"])
@pytest.mark.parametrize("shown", [
    ShownForm(),
    ShownForm.of_answers(DRAFT),
    ShownForm({**ShownForm.of_answers(DRAFT).fields, "reason": Shown(ATTACK)}),
], ids=["blank", "draft", "with-reason"])
def test_the_cached_form_is_exactly_what_the_template_renders(panel, app, shown, amending):
    *_, mine, _ = panel
    with app.test_request_context():
        scorecard = services.load_scorecard(mine.id)
        rubric = services.rubric_for(scorecard)
        cached = rendering.scorecard_form(scorecard, rubric, shown, 7, amending=amending)
        full = rendering.render_in_full(
            rubric, amending, rendering.Filled.of(scorecard, shown, 7, amending=amending))
    version = scorecard.interview.rubric_version
    assert rendering._cuts[(version.id, version.content_hash, amending)] is not None
    assert cached == full


def test_a_rubric_whose_text_holds_a_marker_character_is_rendered_in_full(panel, app,
                                                                         monkeypatch):
    *_, mine, _ = panel
    monkeypatch.setattr(rendering, "_cuts", {})
    shown = ShownForm.of_answers(DRAFT)
    with app.test_request_context():
        scorecard = services.load_scorecard(mine.id)
        rubric = services.rubric_for(scorecard)
        first = rubric.competencies[0].model_copy(update={"probe": "Ask \x00why\x00 twice."})
        odd = rubric.model_copy(update={"competencies": (first, *rubric.competencies[1:])})
        html = rendering.scorecard_form(scorecard, odd, shown, 7)
        full = rendering.render_in_full(odd, False, rendering.Filled.of(scorecard, shown, 7))
    assert list(rendering._cuts.values()) == [None]
    assert html == full
    assert "Ask \x00why\x00 twice." in html


def test_the_cached_form_never_holds_user_text(panel, sign_in, app):
    ana, ben, mine, theirs = panel
    client = sign_in(ana)
    client.post(url(mine), data={**form(1, code=(3, ATTACK)), "takeaways": ATTACK})
    page = client.get(url(mine)).text
    assert str(escape(ATTACK)) in page
    token = re.search(r'name="csrf_token" value="([^"]*)"', page)[1]
    cached = "".join(piece for cut in rendering._cuts.values() if cut for piece in cut.pieces)
    for text in (ATTACK, str(escape(ATTACK)), "Clear thinker.", "Knows someone", token,
                 f"/scorecards/{mine.id}"):
        assert text not in cached
    assert str(escape(ATTACK)) not in sign_in(ben).get(url(theirs)).text


def test_each_rubric_version_is_rendered_for_the_cache_once(panel, sign_in, monkeypatch):
    ana, ben, mine, theirs = panel
    monkeypatch.setattr(rendering, "_cuts", {})
    cuts = []
    cut = rendering._cut
    monkeypatch.setattr(rendering, "_cut", lambda *args: cuts.append(args) or cut(*args))
    sign_in(ana).get(url(mine))
    sign_in(ana).get(url(mine))
    sign_in(ben).get(url(theirs))
    assert len(cuts) == 1
    assert [key[2] for key in rendering._cuts] == [False]


def test_a_form_with_errors_is_rendered_in_full_with_them(panel, sign_in):
    ana, _, mine, _ = panel
    response = sign_in(ana).post(url(mine), data=form(
        1, recommendation=None, action="submit", approach=(4, ""), code=(3, ATTACK)))
    assert response.status_code == 422
    assert '<ul class="errors" id="rating-approach-evidence-error">' in response.text
    assert 'aria-describedby="rating-approach-evidence-hint rating-approach-evidence-error" ' \
           'aria-invalid="true"' in response.text
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


def test_an_autosave_with_a_bad_token_stores_nothing(panel, sign_in, app):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    app.config["WTF_CSRF_ENABLED"] = True
    token = re.search(r'name="csrf_token" value="([^"]*)"', client.get(url(mine)).text)[1]
    refused = client.post(url(mine, "/draft"), headers=JSON,
                          data={**form(1, code=(3, "Forged")), "csrf_token": "forged"})
    assert refused.status_code == 400
    assert fresh(mine).version == 1
    saved = client.post(url(mine, "/draft"), headers=JSON,
                        data={**form(1, code=(3, "Mine")), "csrf_token": token})
    assert saved.status_code == 200
    assert fresh(mine).ratings[0].evidence == "Mine"


# Posts that are mostly plainly valid, with near misses and odd text mixed in.
ODD = st.sampled_from([" ", "0", "5", "7", "NA", "maybe", "+3", "-1", "3.0", "\u0663", "\u00b2",
                       "x" * 20_001, " padded "]) | st.text(max_size=5)
TEXT = st.text(max_size=20) | st.just("x" * 20_000)
SCORE = st.sampled_from(["", "1", "2", "3", "4", "na"])
KEYS = ("understanding", "approach", "code", "testing")
VALID = {"version": st.integers(0, 10**9).map(str),
         "recommendation": st.sampled_from(["", *(r.value for r in Recommendation)]),
         "takeaways": TEXT, "private_note": TEXT,
         **{f"rating-{key}-score": SCORE for key in KEYS},
         **{f"rating-{key}-evidence": TEXT for key in KEYS}}
VALUES = {name: st.lists(st.one_of(*[valid] * 15, ODD), min_size=1, max_size=2)
          for name, valid in VALID.items()}
POSTS = st.fixed_dictionaries({"version": VALUES.pop("version")}, optional=VALUES)


@settings(max_examples=500, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(post=POSTS)
def test_answers_read_without_the_form_are_exactly_the_form_s(app, post):
    rubric = load_catalog(read_files([TEST_RUBRICS], TEST_RUBRICS)).rubrics["test-coding"]
    cls = scorecard_form_class(rubric.content_hash, rubric)
    formdata = MultiDict([(name, value) for name, values in post.items() for value in values])
    plain = cls.plain_answers(formdata)
    if plain is not None:
        full = cls(formdata=formdata)
        assert full.validate(), full.errors
        assert plain == (full.answers(), full.version.data)
