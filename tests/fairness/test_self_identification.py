"""Voluntary self-identification: imported by HR, read only by the fairness role, erased whole."""

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.fairness.questionnaire import QuestionnaireError, load
from scorecards.models import AuditEvent, SelfIdentification
from scorecards.privacy.services import erase_candidate
from tests.api.conftest import api_as as api

ANSWERS = {"sex": "female", "race_ethnicity": "asian"}


def path(candidate_id: int) -> str:
    return f"/api/v1/candidates/{candidate_id}/self-identification"


def stored(candidate_id: int) -> dict[str, str]:
    return dict(db.session.execute(
        sa.select(SelfIdentification.item, SelfIdentification.answer)
        .where(SelfIdentification.candidate_id == candidate_id)).all())


@pytest.fixture
def candidate(make_application):
    return make_application("Ada Lovelace").candidate


def test_hr_imports_answers_it_cannot_read_back_and_the_fairness_role_reads_them(
        candidate, make_user, client):
    hr = api(client, make_user(Role.HR))
    answer = hr.put(path(candidate.id), json={"answers": ANSWERS})
    assert answer.status_code == 204, answer.text
    assert stored(candidate.id) == ANSWERS
    assert hr.get(path(candidate.id)).status_code == 404
    assert "asian" not in hr.get(f"/api/v1/candidates/{candidate.id}").text
    reviewer = make_user(Role.FAIRNESS)
    found = api(client, reviewer).get(path(candidate.id))
    assert found.status_code == 200, found.text
    assert found.json["answers"] == ANSWERS
    assert found.json["answered_at"].endswith("Z")
    # Every read is audited, naming who read whose answers but never the answers.
    (event,) = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "self_identification.read")).all()
    assert (event.actor_id, event.object_id, event.details) == (reviewer.id, candidate.id,
                                                                {"questions": 2})
    recorded = db.session.scalars(sa.select(AuditEvent.details).where(
        AuditEvent.action == "self_identification.recorded")).all()
    assert recorded == [{"questions": 2, "source": "import"}]


def test_an_answer_not_in_the_questionnaire_is_refused_naming_the_allowed_ones(
        candidate, make_user, client):
    hr = api(client, make_user(Role.HR))
    hr.put(path(candidate.id), json={"answers": {"sex": "male"}})
    refused = hr.put(path(candidate.id), json={"answers": {"sex": "other", "age": "40"}})
    assert refused.status_code == 422
    problems = {e["field"]: e["message"] for e in refused.json["errors"]}
    assert problems["answers.sex"] == ("'other' is not an answer to 'sex'; the answers are "
                                       "female, male, prefer_not_to_say")
    assert "no question 'age'; the questions are sex, race_ethnicity" in problems["answers.age"]
    assert stored(candidate.id) == {"sex": "male"}  # nothing half-written


def test_a_new_import_replaces_the_answers_and_an_empty_one_clears_them(
        candidate, make_user, client):
    hr = api(client, make_user(Role.HR))
    hr.put(path(candidate.id), json={"answers": ANSWERS})
    hr.put(path(candidate.id), json={"answers": {"sex": "prefer_not_to_say"}})
    assert stored(candidate.id) == {"sex": "prefer_not_to_say"}
    assert hr.put(path(candidate.id), json={"answers": {}}).status_code == 204
    assert stored(candidate.id) == {}


@pytest.mark.parametrize("roles", [(Role.INTERVIEWER,), (Role.COMMITTEE,), (Role.FAIRNESS,)])
def test_only_hr_and_admins_import(candidate, make_user, client, roles):
    caller = api(client, make_user(*roles))
    assert caller.put(path(candidate.id), json={"answers": ANSWERS}).status_code == 404
    assert stored(candidate.id) == {}


def test_an_unknown_or_erased_candidate_is_a_404(candidate, make_user, client):
    hr, reviewer = api(client, make_user(Role.HR)), api(client, make_user(Role.FAIRNESS))
    assert hr.put(path(999999), json={"answers": ANSWERS}).status_code == 404
    assert reviewer.get(path(999999)).status_code == 404
    hr.put(path(candidate.id), json={"answers": ANSWERS})
    erase_candidate(None, candidate.id)
    assert stored(candidate.id) == {}  # erased with the candidate
    assert reviewer.get(path(candidate.id)).status_code == 404
    assert hr.put(path(candidate.id), json={"answers": ANSWERS}).status_code == 404


def test_a_questionnaire_must_let_every_question_be_declined(tmp_path):
    file = tmp_path / "set.yaml"
    file.write_text("key: other\ntitle: Other\npurpose: Why.\nitems:\n"
                    "  - key: sex\n    question: Sex\n    options:\n"
                    "      - {key: female, label: Female}\n      - {key: male, label: Male}\n")
    with pytest.raises(QuestionnaireError, match="question 'sex' must offer "
                                                 "'prefer_not_to_say'"):
        load(file)
    default = load()
    assert [item.key for item in default.items] == ["sex", "race_ethnicity"]
    assert all("prefer_not_to_say" in item.allowed for item in default.items)
