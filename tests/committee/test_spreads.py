"""The spread between panelists on a rubric's past panels: measured by the database, stored by
the measurement fit, and read by the committee's pages."""

from __future__ import annotations

import random

import pytest

from scorecards.analytics import measurement
from scorecards.catalog.services import latest_rubric_version, rubric_of
from scorecards.committee import services
from scorecards.committee.services import rubric_spreads
from scorecards.core.aggregation import weighted_mean
from scorecards.core.uncertainty import pooled_spread
from scorecards.extensions import db
from scorecards.models import PanelSpread


@pytest.fixture
def design(app, catalog):
    """Return the stored design rubric."""
    return rubric_of(latest_rubric_version("test-design"))


def test_the_past_spread_pools_each_shared_panel_around_its_own_mean(
        design, make_user, make_interview, submit):
    users = [make_user() for _ in range(4)]
    # Design weights: understanding 1, approach 2, code 1.5 (testing optional, unrated).
    # Panel one: 4.0 and 2.0 (squares 2.0); panel two: 3.0 and 3.0 (squares 0); a panel
    # of one and a draft add nothing. Pooled: sqrt(2.0 / 2) = 1.0.
    one = make_interview(stage="design", panel=users[:2])
    submit(one.scorecards[0], {"understanding": 4, "approach": 4, "code": 4})
    submit(one.scorecards[1], {"understanding": 2, "approach": 2, "code": 2})
    two = make_interview(stage="design", panel=users[2:])
    submit(two.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    submit(two.scorecards[1], {"understanding": 4, "approach": 3, "code": 2})
    alone = make_interview(stage="design", panel=users[:1])
    submit(alone.scorecards[0], {"understanding": 1, "approach": 1, "code": 1})
    make_interview(stage="design", panel=users[1:3])  # drafts, never submitted
    # Panel two by the weights: (4 + 6 + 3) / 4.5 = 2.889 and 3.0: squares 2 * 0.0556^2.
    second = [(4 + 6 + 3) / 4.5, 3.0]
    mean = sum(second) / 2
    squares = 2.0 + sum((x - mean) ** 2 for x in second)
    assert measurement.past_spread(design) == (pytest.approx((squares / 2) ** 0.5), 2)
    assert rubric_spreads([design]) == {"test-design": pytest.approx((squares / 2) ** 0.5)}


def test_a_rubric_without_a_shared_panel_has_no_past_spread(design, make_user, make_interview,
                                                            submit):
    alone = make_interview(stage="design", panel=[make_user()])
    submit(alone.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    assert measurement.past_spread(design) is None
    assert rubric_spreads([design]) == {}


@pytest.mark.parametrize("latest", [None, 7])
def test_the_database_finds_the_spread_the_core_computes(design, make_user, make_interview,
                                                         submit, monkeypatch, latest):
    """The SQL against core.uncertainty.pooled_spread, on panels of one to four with gaps."""
    if latest:  # only the rubric's latest interviews count
        monkeypatch.setattr(measurement, "SPREAD_INTERVIEWS", latest)
    draw = random.Random(16)
    users = [make_user() for _ in range(5)]
    weights = {c.key: c.weight for c in design.competencies}
    panels, submitted = [], 0
    for _ in range(14):
        interview = make_interview(stage="design", panel=draw.sample(users, draw.randint(1, 4)))
        sheets = []
        for scorecard in interview.scorecards:
            if draw.random() < 0.15:
                continue  # a draft: never counted
            scores = {key: draw.choice([1, 2, 3, 4, 4, None]) for key in weights}
            submitted += 1
            if submitted % 5 == 0:
                scores = dict.fromkeys(weights)  # nothing the rubric weighs: no stage score
            scores["retired"] = draw.randint(1, 4)  # no longer in the rubric: not counted
            submit(scorecard, scores)
            sheets.append(weighted_mean((scores[key], weight) for key, weight in weights.items()))
        panels.append([sheet for sheet in sheets if sheet is not None])
    expected = pooled_spread(panels[-latest:] if latest else panels)
    assert submitted >= 10  # so some had no stage score
    assert expected[1] >= 3  # the draw shares enough panels
    assert measurement.past_spread(design) == (pytest.approx(expected[0], rel=1e-12),
                                               expected[1])


def test_the_pages_read_the_spreads_the_fit_stored_and_measure_only_the_rest(
        app, design, make_user, make_interview, submit, monkeypatch):
    coding = rubric_of(latest_rubric_version("test-coding"))
    users = [make_user() for _ in range(2)]
    panel = make_interview(stage="design", panel=users)
    submit(panel.scorecards[0], {"understanding": 4, "approach": 4, "code": 4})
    submit(panel.scorecards[1], {"understanding": 2, "approach": 2, "code": 2})
    measurement.refit()
    db.session.commit()
    stored = {row.rubric_key: (row.spread, row.panels) for row in db.session.scalars(
        db.select(PanelSpread))}
    assert stored == {"test-design": (pytest.approx(2 ** 0.5), 1), "test-coding": (None, 0)}

    measured = []
    monkeypatch.setattr(services, "past_spread",
                        lambda rubric: measured.append(rubric.key) or (0.7, 3))
    assert rubric_spreads([design, coding]) == {"test-design": pytest.approx(2 ** 0.5)}
    assert measured == []  # both read as stored; coding's stored null means no shared panel

    db.session.execute(db.delete(PanelSpread).where(PanelSpread.rubric_key == "test-coding"))
    db.session.commit()
    app.extensions.pop("scorecards.spreads", None)
    for _ in range(2):  # not stored: measured once, then kept
        assert rubric_spreads([design, coding]) == {"test-design": pytest.approx(2 ** 0.5),
                                                    "test-coding": 0.7}
    assert measured == ["test-coding"]
