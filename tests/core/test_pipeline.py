"""The moves between an application's statuses: the table, pinned by properties."""

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from scorecards.core.pipeline import (
    MOVES,
    SCORING_STATUSES,
    IllegalMove,
    status_from_scoring,
    transition,
)
from scorecards.core.rubric import Loop
from scorecards.core.vocabulary import ApplicationStatus

A = ApplicationStatus
FINAL = (A.WITHDRAWN, A.REJECTED)
DATA = Path(__file__).parents[1] / "data" / "rubrics"
LOOP = Loop.model_validate(yaml.safe_load((DATA / "loops/test-loop.yaml").read_text()))
statuses = st.sampled_from(list(A))


def reachable(start: ApplicationStatus) -> set[ApplicationStatus]:
    seen, todo = {start}, [start]
    while todo:
        for target in MOVES[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_the_table_names_every_status_and_only_statuses():
    assert set(MOVES) == set(A)
    assert all(targets <= set(A) for targets in MOVES.values())


def test_every_status_is_reachable_from_applied():
    assert reachable(A.APPLIED) == set(A)


def test_every_status_that_is_not_final_can_still_end():
    for status in set(A) - set(FINAL):
        assert set(FINAL) <= reachable(status), status


@given(st.sampled_from(FINAL), statuses)
def test_nothing_leaves_withdrawn_or_rejected(current, target):
    if target is current:
        assert transition(current, target) is current
    else:
        with pytest.raises(IllegalMove, match=f"{current.value} is final"):
            transition(current, target)


@given(statuses)
def test_a_decided_application_only_goes_back_to_interviewing_on_a_hold(target):
    if target in (A.DECIDED, A.INTERVIEWING):
        assert transition(A.DECIDED, target) is target
    else:
        with pytest.raises(IllegalMove):
            transition(A.DECIDED, target)


@given(statuses)
def test_staying_where_it_is_is_always_allowed(status):
    assert transition(status, status) is status


@given(statuses, statuses)
def test_a_move_is_allowed_exactly_when_the_table_lists_it(current, target):
    if target is current or target in MOVES[current]:
        moved = transition(current.value, target.value)  # as stored: plain strings
        assert moved is target
        return
    with pytest.raises(IllegalMove, match=f"that is {current.value} cannot become "
                                          f"{target.value}") as refused:
        transition(current.value, target.value)
    assert (refused.value.current, refused.value.target) == (current, target)


@given(st.lists(statuses, max_size=12))
def test_once_final_an_application_stays_final_whatever_is_tried(attempts):
    status = A.APPLIED
    for target in attempts:
        before = status
        try:
            status = transition(status, target)
        except IllegalMove:
            pass
        if before in FINAL:
            assert status is before


@given(st.sampled_from(sorted(SCORING_STATUSES)),
       st.dictionaries(st.sampled_from(["coding", "design"]), st.integers(0, 4)))
def test_the_moves_scorecards_make_are_in_the_table(current, submitted):
    assert transition(current, status_from_scoring(LOOP, submitted, True)) in SCORING_STATUSES


def test_cancelling_the_last_interview_sends_an_interviewing_application_back_to_applied():
    assert status_from_scoring(LOOP, {}, False) is A.APPLIED
    assert transition(A.INTERVIEWING, A.APPLIED) is A.APPLIED
    with pytest.raises(IllegalMove):
        transition(A.COMMITTEE, A.APPLIED)


def test_a_refusal_says_where_the_application_may_go_instead():
    with pytest.raises(IllegalMove) as refused:
        transition(A.APPLIED, A.DECIDED)
    assert str(refused.value) == ("An application that is applied cannot become decided: from "
                                  "applied it can become committee, interviewing, rejected, "
                                  "withdrawn.")
