"""A submitted scorecard is final; its author may amend it, with a reason, until the decision."""

import sqlalchemy as sa

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import AuditEvent, Decision
from tests.interviews.conftest import COMPLETE, form, fresh


def submitted(client, scorecard):
    client.post(f"/scorecards/{scorecard.id}", data=form(1, action="submit", **COMPLETE))
    return fresh(scorecard)


def amendment(version, reason="Re-read my notes: the bug was theirs.", **changes):
    return {**form(version, action="amend", **{**COMPLETE, **changes}), "reason": reason}


def test_an_amendment_is_a_new_revision_with_who_when_and_why(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    version = submitted(client, mine).version
    response = client.post(f"/scorecards/{mine.id}/amend",
                           data=amendment(version, code=(2, "One bug stayed in")))
    assert response.status_code == 302
    stored = fresh(mine)
    assert [r.number for r in stored.revisions] == [1, 2]
    assert stored.revisions[1].reason == "Re-read my notes: the bug was theirs."
    assert stored.revisions[1].author_id == ana.id
    assert stored.revisions[0].content["ratings"]["code"]["score"] == 3
    assert {r.competency_key: r.score for r in stored.ratings}["code"] == 2
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action ==
                                                           "scorecard.amended"))
    assert event.details["changed"] == ["ratings.code"]


def test_an_amendment_needs_a_reason(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    version = submitted(client, mine).version
    response = client.post(f"/scorecards/{mine.id}/amend",
                           data=amendment(version, reason="  ", code=(2, "x")))
    assert response.status_code == 400
    assert "Why are you amending it? Say why you are amending" in response.text
    assert len(fresh(mine).revisions) == 1


def test_an_amendment_that_changes_nothing_is_refused(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    version = submitted(client, mine).version
    response = client.post(f"/scorecards/{mine.id}/amend", data=amendment(version))
    assert response.status_code == 422
    assert "Nothing changed" in response.text


def test_an_amendment_still_meets_the_submission_rules(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    version = submitted(client, mine).version
    response = client.post(f"/scorecards/{mine.id}/amend", data=amendment(version, code=(1, "")))
    assert response.status_code == 422
    assert "a rating of 1 needs evidence" in response.text
    assert len(fresh(mine).revisions) == 1


def test_the_committee_sees_every_revision_and_its_reason(panel, sign_in, make_user):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    version = submitted(client, mine).version
    client.post(f"/scorecards/{mine.id}/amend", data=amendment(version, code=(2, "Bug stayed")))
    html = sign_in(make_user(Role.COMMITTEE)).get(f"/scorecards/{mine.id}").text
    assert "Revision 2: amended by Ana Souza" in html
    assert "Revision 1: submitted by Ana Souza" in html
    assert "Re-read my notes: the bug was theirs." in html
    assert "Readable, small functions." in html  # the earlier evidence stays visible


def test_amending_closes_once_the_committee_has_decided(panel, sign_in, make_user):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    version = submitted(client, mine).version
    db.session.add(Decision(application_id=mine.interview.application_id,
                            recommended_outcome="hire", explanation={}, final_outcome="hire",
                            rationale="Strong panel.", decided_by=make_user(Role.COMMITTEE)))
    db.session.commit()
    assert client.get(f"/scorecards/{mine.id}/amend").status_code == 404
    response = client.post(f"/scorecards/{mine.id}/amend", data=amendment(version, code=(2, "x")))
    assert response.status_code == 404
    assert "Amend this scorecard" not in client.get(f"/scorecards/{mine.id}").text


def test_a_draft_cannot_be_amended(panel, sign_in):
    ana, _, mine, _ = panel
    assert sign_in(ana).get(f"/scorecards/{mine.id}/amend").status_code == 404


def test_an_amendment_from_a_stale_copy_is_refused_with_the_text_back(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    version = submitted(client, mine).version
    client.post(f"/scorecards/{mine.id}/amend", data=amendment(version, code=(2, "First")))
    response = client.post(f"/scorecards/{mine.id}/amend",
                           data=amendment(version, code=(1, "Second thoughts")))
    assert response.status_code == 409
    assert "Second thoughts" in response.text
    assert len(fresh(mine).revisions) == 2
