"""The spread between panelists on a rubric's past panels, measured from the database."""

from __future__ import annotations

import pytest

from scorecards.catalog.services import latest_rubric_version, rubric_of
from scorecards.committee.services import rubric_spreads


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
    assert rubric_spreads([design]) == {"test-design": pytest.approx((squares / 2) ** 0.5)}


def test_a_rubric_without_a_shared_panel_has_no_past_spread(design, make_user, make_interview,
                                                            submit):
    alone = make_interview(stage="design", panel=[make_user()])
    submit(alone.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    assert rubric_spreads([design]) == {}
