"""The engine's result per application: kept as panels change, equal to reading each one."""

import json

import sqlalchemy as sa

from scorecards.analytics import outcomes, summaries
from scorecards.catalog.services import latest_rubric_version, loop_of
from scorecards.committee.services import candidate_summary, panels
from scorecards.core.decision import recommend
from scorecards.core.scale import rounded
from scorecards.core.vocabulary import ScorecardStatus
from scorecards.exports.services import ExportFilter, export
from scorecards.extensions import db
from scorecards.models import Application, ApplicationOutcome, Interview, RubricVersion


def stored() -> dict[int, tuple[dict, str]]:
    return {row.application_id: (row.scores, row.outcome)
            for row in db.session.scalars(sa.select(ApplicationOutcome))}


def exported() -> list[dict]:
    made = export(None, "applications", "jsonl", ExportFilter())
    return [json.loads(line) for line in b"".join(made.chunks).splitlines()]


def test_each_stored_result_is_the_engines_reading_of_the_application(year):
    kept = stored()
    interviewed = set(db.session.scalars(sa.select(Interview.application_id)))
    assert set(kept) == interviewed
    assert {outcome for _, outcome in kept.values()} > {"incomplete"}
    for application_id, (scores, outcome) in kept.items():
        found = candidate_summary(None, application_id)
        raw = found.summary.raw
        assert scores == {**{f"score_{stage.key}": rounded(stage.score) for stage in raw.stages},
                          "overall": rounded(raw.overall)}
        panel = panels([application_id]).get(application_id, [])
        assert outcome == recommend(found.loop, found.rubrics, panel).outcome.value


def test_an_export_shows_the_stored_results_and_the_loops_for_those_never_interviewed(
        year, make_application):
    never = make_application()
    lines = {line["application_id"]: line for line in exported()}
    kept = stored()
    assert never.id not in kept
    assert lines[never.id]["overall"] is None
    assert lines[never.id]["recommended_outcome"] == "incomplete"
    for application_id, (scores, outcome) in kept.items():
        assert {name: lines[application_id][name] for name in scores} == scores
        assert lines[application_id]["recommended_outcome"] == outcome


def test_a_submission_a_withdrawal_and_a_cancellation_move_the_result_at_once(
        make_user, make_interview, submit):
    interview = make_interview(panel=[make_user(), make_user()])
    first, second = interview.scorecards
    application_id = interview.application_id
    assert stored()[application_id][0]["overall"] is None
    submit(first, {"understanding": 4, "approach": 4, "code": 4}, "strong_hire")
    assert stored()[application_id][0]["score_coding"] == 4.0
    submit(second, {"understanding": 2, "approach": 2, "code": 2}, "no_hire")
    assert stored()[application_id][0]["score_coding"] == 3.0
    second.status = ScorecardStatus.WITHDRAWN
    db.session.commit()
    assert stored()[application_id][0]["score_coding"] == 4.0
    db.session.delete(interview)
    db.session.commit()
    assert application_id not in stored()


def test_a_new_rubric_version_forgets_the_results_it_may_move(year, make_application,
                                                             make_interview, make_user):
    before = exported()
    other = make_interview(make_application(), stage="design", panel=[make_user()])
    coding = latest_rubric_version("test-coding")
    assert any(stage.rubric == "test-coding" for stage in loop_of(year.loop_version).stages)
    db.session.add(RubricVersion(key=coding.key, version=coding.version + 1,
                                 content_hash="another", title=coding.title,
                                 document=coding.document))
    db.session.commit()
    # Every application here runs the one test loop, which scores coding with this rubric.
    assert stored() == {}
    assert other.application_id not in {line["application_id"] for line in before}
    after = exported()  # computed again before the rows are read
    assert len(stored()) == len({i for i in db.session.scalars(
        sa.select(Interview.application_id))})
    assert [line for line in after if line["application_id"] != other.application_id] == before


def test_a_refresh_recomputes_what_a_bulk_change_left_behind(year):
    kept = stored()
    db.session.execute(sa.delete(ApplicationOutcome).where(
        ApplicationOutcome.application_id.in_(sorted(kept)[:3])))
    db.session.execute(sa.update(ApplicationOutcome).values(outcome="strong_hire"))
    db.session.commit()
    summaries.refresh(["outcomes"])
    assert stored() == kept


def test_filling_what_is_missing_locks_and_stores_only_those(year):
    kept = stored()
    gone = sorted(kept)[:2]
    db.session.execute(sa.delete(ApplicationOutcome).where(
        ApplicationOutcome.application_id.in_(gone)))
    db.session.commit()
    assert outcomes.fill_missing(Application.opening_id == year.id) == 2
    assert stored() == kept
    assert outcomes.fill_missing() == 0
