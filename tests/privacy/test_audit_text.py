"""The audit trail keeps no free text about a person, so erasure leaves none behind in it."""

import json

import pytest
import sqlalchemy as sa

from scorecards import audit
from scorecards.extensions import db
from scorecards.models import AuditEvent
from scorecards.privacy.services import erase_candidate
from tests.interviews.conftest import COMPLETE, form, fresh

SECRET = "Ada Lovelace"
REASON = f"{SECRET} told me her visa runs out in March."


def audit_details() -> str:
    return "\n".join(json.dumps(details) for details in
                     db.session.scalars(sa.select(AuditEvent.details)))


def test_an_amendment_event_points_at_its_revision_instead_of_quoting_the_reason(
        panel, sign_in, make_application):
    ana, _, mine, _ = panel
    mine.interview.application.candidate.name = SECRET
    db.session.commit()
    client = sign_in(ana)
    client.post(f"/scorecards/{mine.id}", data=form(1, action="submit", **COMPLETE))
    version = fresh(mine).version
    amended = client.post(f"/scorecards/{mine.id}/amend", data={
        **form(version, action="amend", **{**COMPLETE, "code": (2, "One bug stayed in")}),
        "reason": REASON})
    assert amended.status_code == 302
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "scorecard.amended"))
    assert event.details == {"revision": 2, "changed": ["ratings.code"]}
    assert fresh(mine).revisions[1].reason == REASON  # kept where erasure reaches it
    assert "visa" not in audit_details()

    erase_candidate(None, mine.interview.application.candidate_id)
    db.session.expire_all()
    assert "visa" not in audit_details()
    assert SECRET not in audit_details()
    assert fresh(mine).revisions[1].reason == "(erased)"


def test_erasure_drops_free_text_that_older_events_still_hold(panel):
    _, _, mine, _ = panel
    # An event as the trail recorded amendments before it refused free text.
    db.session.add(AuditEvent(action="scorecard.amended", object_type="scorecards",
                              object_id=mine.id, details={"reason": REASON,
                                                          "changed": ["takeaways"]}))
    db.session.commit()
    erase_candidate(None, mine.interview.application.candidate_id)
    db.session.expire_all()
    assert "visa" not in audit_details()
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "scorecard.amended"))
    assert event.details == {"changed": ["takeaways"]}


@pytest.mark.parametrize("name", sorted(audit.FREE_TEXT))
def test_the_trail_refuses_free_text(app, name):
    with pytest.raises(ValueError, match="keeps no free text"):
        audit.record(None, "anything", None, **{name: "whatever someone wrote"})
    db.session.rollback()
