"""Lists paged by key: cursors that mark a place, and pages read from it in either direction."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scorecards.extensions import db
from scorecards.models import Application
from scorecards.paging import MAX_ID, decode_cursor, decode_key, encode_cursor, keyset_page

DAY = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def test_a_cursor_of_one_id_keeps_the_format_the_api_hands_out():
    assert encode_cursor("a", 1234) == base64.urlsafe_b64encode(b"a1234").decode().rstrip("=")
    assert decode_cursor("a", "YTEyMzQ") == 1234


def test_a_cursor_carries_a_time_to_the_microsecond_and_an_id():
    cursor = encode_cursor("mine", DAY, 42)
    assert decode_key("mine", cursor, (datetime, int)) == (DAY, 42)


@pytest.mark.parametrize("cursor", [
    "not base64 at all!", "bm9wZQ", encode_cursor("other", 7), encode_cursor("a", 0),
    encode_cursor("a", MAX_ID + 1), encode_cursor("mine", DAY, 42),
    base64.urlsafe_b64encode(b"a-5").decode(), base64.urlsafe_b64encode(b"a007").decode(),
])
def test_a_cursor_this_list_never_issued_is_refused(cursor):
    with pytest.raises(ValueError, match="not a cursor this list issued"):
        decode_cursor("a", cursor)


def test_a_time_no_clock_shows_is_refused():
    with pytest.raises(ValueError, match="issued"):
        decode_key("t", base64.urlsafe_b64encode(b"t999999999999999999.1").decode(),
                   (datetime, int))


def test_a_naive_time_is_never_written_into_a_cursor():
    with pytest.raises(ValueError, match="naive"):
        encode_cursor("t", datetime(2026, 1, 1), 1)  # noqa: DTZ001 (the point of the test)


@pytest.fixture
def nine(make_application):
    """Nine applications, three to a time; return their ids newest first (time, then id)."""
    made = [make_application() for _ in range(9)]
    for n, application in enumerate(made):
        application.applied_at = DAY + timedelta(days=n % 3)
    db.session.commit()
    return [a.id for a in sorted(made, key=lambda a: (a.applied_at, a.id), reverse=True)]


def _page(descending=True, **cursor):
    return keyset_page(sa.select(Application), (Application.applied_at, Application.id), "t",
                       limit=4, descending=descending,
                       fetch=lambda select: db.session.scalars(select).all(), **cursor)


def _ids(page):
    return [application.id for application in page.rows]


@pytest.mark.parametrize("descending", [True, False])
def test_pages_walk_down_and_back_up_through_ties_each_row_once(nine, descending):
    expected = nine if descending else nine[::-1]
    first = _page(descending)
    second = _page(descending, after=first.after)
    third = _page(descending, after=second.after)
    assert _ids(first) + _ids(second) + _ids(third) == expected
    assert (first.before, third.after) == (None, None)
    assert _ids(_page(descending, before=third.before)) == expected[4:8]
    back = _page(descending, before=second.before)
    assert (_ids(back), back.before) == (expected[:4], None)


def test_an_empty_list_is_one_page_without_cursors(app):
    page = _page()
    assert (page.rows, page.after, page.before) == ([], None, None)
