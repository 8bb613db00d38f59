"""Interviews through the API: their times, rescheduling, the panel, cancelling, notes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from scorecards.extensions import db
from scorecards.models import Interview
from tests.api.conftest import assert_problem


@pytest.mark.parametrize("when", ["9999-12-31T23:59:00Z", "0001-01-01T00:00:00Z",
                                  "2206-11-24T14:00:00+01:00"])
def test_scheduling_outside_five_years_is_refused_naming_the_time(hr, make_user,
                                                                  make_application, when):
    make_user(email="ana@example.com")
    application = make_application()
    response = hr.post(f"/api/v1/applications/{application.id}/interviews", json={
        "stage": "coding", "scheduled_at": when, "panel": ["ana@example.com"]})
    problem = assert_problem(response, 422, "scheduled_at")
    assert "is more than 5 years" in problem["detail"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Interview)) == 0
