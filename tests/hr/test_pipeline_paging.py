"""An opening's pipeline is paged by key: every page costs what the first does, ties included."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from scorecards.core.vocabulary import ApplicationStatus
from scorecards.extensions import db
from scorecards.hr.services.openings import applications, opening_by_key
from scorecards.paging import encode_cursor

DAY = datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.fixture
def seven(make_application):
    """Seven applications, newest first by time and then id; three share one time."""
    made = [make_application(f"Candidate {n}") for n in range(7)]
    times = [DAY, DAY, DAY + timedelta(days=1), DAY + timedelta(days=1),
             DAY + timedelta(days=1), DAY + timedelta(days=2), DAY + timedelta(days=3)]
    for application, applied_at in zip(made, times, strict=True):
        application.applied_at = applied_at
    made[3].status = ApplicationStatus.REJECTED
    db.session.commit()
    newest_first = sorted(made, key=lambda a: (a.applied_at, a.id), reverse=True)
    return opening_by_key("test-opening"), [a.id for a in newest_first]


def _ids(page):
    return [row.application.id for row in page.rows]


def test_walking_older_then_newer_visits_every_application_once_in_order(seven):
    opening, expected = seven
    pages, page = [], applications(opening, limit=3)
    while True:
        pages.append(_ids(page))
        if page.after is None:
            break
        page = applications(opening, limit=3, after=page.after)
    assert pages == [expected[:3], expected[3:6], expected[6:]]
    assert page.before is not None
    back = applications(opening, limit=3, before=page.before)
    assert _ids(back) == expected[3:6]
    first = applications(opening, limit=3, before=back.before)
    assert (_ids(first), first.before) == (expected[:3], None)


def test_a_status_filter_pages_within_that_status(seven):
    opening, expected = seven
    page = applications(opening, status=ApplicationStatus.APPLIED, limit=4)
    rest = applications(opening, status=ApplicationStatus.APPLIED, limit=4, after=page.after)
    shown = _ids(page) + _ids(rest)
    assert len(shown) == 6
    assert rest.after is None
    assert shown == [i for i in expected if i in shown]


def test_a_cursor_of_another_opening_or_never_issued_is_refused(seven, make_opening):
    opening, expected = seven
    other = make_opening("other-opening")
    issued = applications(opening, limit=3).after
    with pytest.raises(ValueError, match="issued"):
        applications(other, after=issued)
    with pytest.raises(ValueError, match="issued"):
        applications(opening, after=encode_cursor("pipeline", expected[0]))
    with pytest.raises(ValueError, match="issued"):
        applications(opening, after="bm9wZQ")


def test_the_page_links_older_and_newer_and_refuses_a_forged_cursor(hr, make_application):
    for n in range(52):
        make_application(f"Person {n:02d}")
    first = hr.get("/hr/openings/test-opening")
    assert first.status_code == 200
    older = re.search(r'href="([^"]*after=[^"]*)" rel="next"', first.text)
    assert older
    assert 'rel="prev"' not in first.text
    second = hr.get(older[1].replace("&amp;", "&"))
    assert second.text.count('<tr>\n    <th scope="row">') == 2
    assert 'rel="prev"' in second.text
    assert 'rel="next"' not in second.text
    assert hr.get("/hr/openings/test-opening?after=bm9wZQ").status_code == 400


def test_hr_home_pages_openings_newest_first_with_their_counts(hr, make_opening,
                                                                 make_application):
    make_application("Counted Candidate")  # on test-opening, the oldest
    for n in range(51):
        make_opening(f"opening-{n:02d}", f"Opening {n:02d}")
    first = hr.get("/hr/")
    assert first.status_code == 200
    titles = re.findall(r'<a href="/hr/openings/[^"]+">([^<]+)</a>', first.text)
    assert titles[:2] == ["Opening 50", "Opening 49"]
    assert len(titles) == 50
    assert "Test opening" not in titles
    older = re.search(r'href="([^"]*after=[^"]*)" rel="next"', first.text)
    second = hr.get(older[1].replace("&amp;", "&"))
    rows = re.findall(r'<a href="/hr/openings/([^"]+)">[^<]+</a>.*?<td class="num">(\d+)</td>',
                      second.text, re.S)
    assert rows == [("opening-00", "0"), ("test-opening", "1")]
    assert 'rel="prev"' in second.text
    assert 'rel="next"' not in second.text
    assert hr.get("/hr/?after=bm9wZQ").status_code == 400
