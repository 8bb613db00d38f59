"""When an interview may be held: within five years of now, either way."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecards.core.schedule import interview_time_problem, interview_window, years_from

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
times = st.datetimes(timezones=st.just(UTC))


def test_the_window_runs_five_calendar_years_either_way():
    assert interview_window(NOW) == (datetime(2021, 11, 24, 14, 0, tzinfo=UTC),
                                     datetime(2031, 11, 24, 14, 0, tzinfo=UTC))


def test_a_leap_day_moves_to_the_28th_in_a_year_without_one():
    assert years_from(datetime(2028, 2, 29, tzinfo=UTC), 5) == datetime(2033, 2, 28, tzinfo=UTC)


@given(st.timedeltas(min_value=timedelta(days=-5 * 365), max_value=timedelta(days=5 * 365)))
def test_any_time_within_five_years_is_accepted(offset):
    assert interview_time_problem(NOW + offset, NOW) is None


@given(times)
def test_a_time_is_refused_exactly_when_it_is_outside_the_window(when):
    earliest, latest = interview_window(NOW)
    problem = interview_time_problem(when, NOW)
    assert (problem is None) == (earliest <= when <= latest)


@pytest.mark.parametrize(("when", "message"), [
    (datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
     "The interview time, 31 Dec 9999, 23:59 UTC, is more than 5 years ahead: give a time "
     "between 24 Nov 2021, 14:00 UTC and 24 Nov 2031, 14:00 UTC."),
    (datetime(1, 1, 1, tzinfo=UTC),
     "The interview time, 1 Jan 0001, 00:00 UTC, is more than 5 years ago: give a time "
     "between 24 Nov 2021, 14:00 UTC and 24 Nov 2031, 14:00 UTC."),
    (datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5))),
     "The interview time, 9999-12-31T23:00-05:00, is more than 5 years ahead"),
    (datetime(2030, 1, 1), "The interview time has no time zone; give it in UTC."),
])
def test_a_refusal_says_what_the_time_was_and_which_times_are_allowed(when, message):
    assert interview_time_problem(when, NOW).startswith(message)
