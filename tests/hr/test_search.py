"""Finding candidates: by name, email or opening, whatever the accents and case, never erased."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from scorecards.core.errors import NotVisible
from scorecards.core.vocabulary import ApplicationStatus, Role, Source
from scorecards.extensions import db
from scorecards.hr.services import search
from scorecards.hr.services.candidates import add_candidate, apply, close_application
from scorecards.hr.services.search import MAX_QUERY, SearchError, search_candidates
from scorecards.models import Candidate, Opening
from scorecards.privacy.services import erase_candidate
from tests.conftest import ON_POSTGRES

PEOPLE = {  # name: (email, the openings they applied to)
    "Åsa Öberg": ("asa.oberg@example.org", ["backend-payments"]),
    "Asa Lindqvist": ("asa.l@example.com", ["data-playlists"]),
    "Anna Svensson": ("anna.svensson@example.org", ["backend-payments", "data-playlists"]),
    "Annabel Lee": ("annabel@example.net", []),
}


@pytest.fixture
def people(hr_user, make_opening) -> dict[str, Candidate]:
    """Return four candidates added through HR's services, oldest first, with applications."""
    openings = {"backend-payments": make_opening("backend-payments", "Backend Engineer, Payments"),
                "data-playlists": make_opening("data-playlists", "Data Engineer, Playlists")}
    added = {}
    for name, (email, keys) in PEOPLE.items():
        added[name] = add_candidate(hr_user, name, email)
        for key in keys:
            apply(hr_user, added[name], openings[key], Source.APPLIED)
    return added


def names(hr_user, query: str, **paging) -> list[str]:
    """Return the names a search finds, in the order it lists them."""
    return [c.name for c in search_candidates(hr_user, query, **paging).candidates]


@pytest.mark.parametrize("query", ["Åsa", "asa", "ÅSA", "åSa", "Asa"])
def test_accents_and_case_never_matter(hr_user, people, query):
    assert sorted(names(hr_user, query)) == ["Asa Lindqvist", "Åsa Öberg"]


@pytest.mark.parametrize(("query", "found"), [
    ("oberg", ["Åsa Öberg"]),
    ("ÖBERG åsa", ["Åsa Öberg"]),
    ("ann", ["Annabel Lee", "Anna Svensson"]),  # the last word is a prefix
    ("anna", ["Annabel Lee", "Anna Svensson"]),
    ("anna sv", ["Anna Svensson"]),
    ("an svensson", []),  # words before the last are whole words
    ("svensson anna", ["Anna Svensson"]),  # in any order
    ("lee annabel", ["Annabel Lee"]),
    ("nobody", []),
])
def test_each_word_is_a_whole_word_and_the_last_may_be_its_start(hr_user, people, query, found):
    assert names(hr_user, query) == found


@pytest.mark.parametrize(("query", "found"), [
    ("anna.svensson@example.org", ["Anna Svensson"]),
    (" Anna.Svensson@EXAMPLE.org ", ["Anna Svensson"]),
    ("asa.l@", ["Asa Lindqvist"]),
    ("asa.oberg@exa", ["Åsa Öberg"]),
    ("anna.svensson@example.org.uk", []),
    ("@example.org", []),  # an email begins with its local part
    ("svensson@example.org", []),
])
def test_an_email_is_found_whole_or_by_its_start(hr_user, people, query, found):
    assert names(hr_user, query) == found


def test_a_word_of_an_email_finds_its_owner(hr_user, people):
    assert names(hr_user, "annabel example") == ["Annabel Lee"]


@pytest.mark.parametrize(("query", "found"), [
    ("payments", ["Anna Svensson", "Åsa Öberg"]),
    ("Backend Engineer, Payments", ["Anna Svensson", "Åsa Öberg"]),
    ("playlists anna", ["Anna Svensson"]),
    ("asa pay", ["Åsa Öberg"]),
    ("engineer", ["Anna Svensson", "Asa Lindqvist", "Åsa Öberg"]),
])
def test_the_title_of_an_opening_applied_to_finds_the_candidate(hr_user, people, query, found):
    assert names(hr_user, query) == found


def test_results_come_newest_first_with_each_application_opening_and_status(hr_user, people):
    anna = people["Anna Svensson"]
    # Both named before the change: a relationship reloaded afterwards has no fixed order.
    closed, open_ = sorted(anna.applications, key=lambda a: a.id)
    expected = {(closed.id, closed.opening.key, closed.opening.title, ApplicationStatus.REJECTED),
                (open_.id, open_.opening.key, open_.opening.title, ApplicationStatus.APPLIED)}
    close_application(hr_user, closed, ApplicationStatus.REJECTED, "Not this time.")
    [found] = search_candidates(hr_user, "anna svensson").candidates
    assert (found.id, found.name, found.email) == (anna.id, "Anna Svensson",
                                                  "anna.svensson@example.org")
    assert {(a.id, a.opening_key, a.opening_title, a.status)
            for a in found.applications} == expected


def test_an_erased_candidate_is_never_found_by_their_old_name_or_email(hr_user, people):
    asa = people["Åsa Öberg"]
    erase_candidate(hr_user, asa.id)
    for query in ("åsa", "Åsa Öberg", "oberg", "asa.oberg@example.org", "asa.oberg@", "asa oberg",
                  "erased", "erased candidate", "payments"):
        assert asa.id not in {c.id for c in search_candidates(hr_user, query).candidates}, query
    assert names(hr_user, "asa") == ["Asa Lindqvist"]


def search_rows(is_postgres: bool) -> dict[int, str]:
    """Return the text the search table holds, by candidate."""
    read = ("SELECT candidate_id, document::text FROM candidate_search" if is_postgres else
            "SELECT rowid, name || ' ' || ifnull(email, '') || ' ' || ifnull(openings, '') "
            "FROM candidate_search")
    return dict(db.session.execute(sa.text(read)).all())


def test_erasure_leaves_no_search_text_of_the_person(hr_user, people, is_postgres):
    asa = people["Åsa Öberg"]
    assert "oberg" in search_rows(is_postgres)[asa.id].lower()
    erase_candidate(hr_user, asa.id)
    rows = search_rows(is_postgres)
    assert set(rows) == {c.id for name, c in people.items() if name != "Åsa Öberg"}
    assert not [text for text in rows.values() if "berg" in text.lower()]


@pytest.mark.skipif(ON_POSTGRES, reason="PostgreSQL drops a deleted row's index entries with "
                                         "the row, on vacuum")
def test_erasure_leaves_no_word_of_the_person_in_sqlites_index_files(hr_user, people):
    def index_bytes() -> bytes:
        blocks = db.session.execute(sa.text("SELECT block FROM candidate_search_data"))
        return b"".join(block for (block,) in blocks if block)

    for name in ("Filler Person", "Other Filler"):  # segments written after the person's
        db.session.add(Candidate(name=name))
        db.session.commit()
    assert b"oberg" in index_bytes()
    erase_candidate(hr_user, people["Åsa Öberg"].id)
    assert b"oberg" not in index_bytes()
    assert b"filler" in index_bytes()


def test_the_search_follows_renamed_candidates_and_openings(hr_user, people):
    annabel = people["Annabel Lee"]
    annabel.name = "Annabel Leigh"
    opening = db.session.scalar(sa.select(Opening).where(Opening.key == "data-playlists"))
    opening.title = "Data Engineer, Podcasts"
    db.session.commit()
    assert names(hr_user, "leigh") == ["Annabel Leigh"]
    assert names(hr_user, "lee") == []
    assert names(hr_user, "podcasts") == ["Anna Svensson", "Asa Lindqvist"]
    assert names(hr_user, "playlists") == []


def test_a_new_application_makes_its_opening_find_the_candidate(hr_user, people):
    opening = db.session.scalar(sa.select(Opening).where(Opening.key == "data-playlists"))
    apply(hr_user, people["Annabel Lee"], opening, Source.APPLIED)
    assert names(hr_user, "playlists") == ["Annabel Lee", "Anna Svensson", "Asa Lindqvist"]


def test_pages_follow_one_another_by_cursor_without_gaps_or_repeats(hr_user, make_opening):
    for n in range(5):
        add_candidate(hr_user, f"Paging Person {n}", f"paging{n}@example.org")
    seen, cursor, pages = [], None, 0
    while True:
        page = search_candidates(hr_user, "paging person", limit=2, cursor=cursor)
        seen += [c.name for c in page.candidates]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert pages == 3
    assert seen == [f"Paging Person {n}" for n in range(4, -1, -1)]


@pytest.mark.parametrize("probe", [1, 2, 3])
def test_the_index_finds_what_the_newest_documents_do_not_hold(hr_user, people, monkeypatch,
                                                               probe):
    # On PostgreSQL the newest documents are read first; the index answers when they fall short.
    monkeypatch.setattr(search, "PROBE", probe)
    assert names(hr_user, "engineer") == ["Anna Svensson", "Asa Lindqvist", "Åsa Öberg"]
    assert names(hr_user, "åsa ob") == ["Åsa Öberg"]
    first = search_candidates(hr_user, "engineer", limit=2)
    rest = search_candidates(hr_user, "engineer", limit=2, cursor=first.next_cursor)
    assert [c.name for c in (*first.candidates, *rest.candidates)] == [
        "Anna Svensson", "Asa Lindqvist", "Åsa Öberg"]
    assert rest.next_cursor is None


@pytest.mark.parametrize(("query", "message"), [
    ("", "Type a name"),
    ("   ", "Type a name"),
    ("x" * (MAX_QUERY + 1), f"keep it within {MAX_QUERY}"),
    ("!?-", "at least one letter or digit"),
    ("a b c d e f g h i", "at most 8"),
])
def test_a_query_that_cannot_be_searched_says_why(hr_user, query, message):
    with pytest.raises(SearchError, match=message) as refused:
        search_candidates(hr_user, query)
    assert refused.value.field == "q"


@pytest.mark.parametrize("cursor", ["nonsense", "c2VhcmNoMA"])
def test_a_cursor_the_search_never_issued_is_refused(hr_user, people, cursor):
    with pytest.raises(SearchError, match="does not exist"):
        search_candidates(hr_user, "anna", cursor=cursor)


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.COMMITTEE])
def test_only_hr_and_admins_search(make_user, people, role):
    with pytest.raises(NotVisible):
        search_candidates(make_user(role), "anna")
    assert names(make_user(Role.ADMIN), "anna sv") == ["Anna Svensson"]


# The page.


def test_every_hr_page_has_a_labelled_search_box(hr, people):
    page = hr.get("/hr/").get_data(as_text=True)
    assert 'role="search"' in page
    assert 'action="/hr/search"' in page
    assert '<label for="candidate-search">' in page
    assert 'id="candidate-search" name="q"' in page


def test_the_page_lists_the_candidates_found_with_links_to_their_applications(hr, people):
    anna = people["Anna Svensson"]
    response = hr.get("/hr/search?q=anna+sv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Anna Svensson" in page
    assert "anna.svensson@example.org" in page
    assert "Annabel" not in page
    for application in anna.applications:
        assert f'href="/hr/applications/{application.id}"' in page
        assert f'href="/hr/openings/{application.opening.key}"' in page
    assert 'value="anna sv"' in page


def test_the_page_pages_by_cursor(hr, hr_user):
    for n in range(51):
        add_candidate(hr_user, f"Paging Person {n}")
    first = hr.get("/hr/search?q=paging").get_data(as_text=True)
    assert first.count("Paging Person") == 50
    assert "Paging Person 0<" not in first
    more = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = hr.get(more.replace("&amp;", "&")).get_data(as_text=True)
    assert "Paging Person 0<" in second
    assert "Paging Person 1<" not in second


def test_an_empty_page_of_results_says_so(hr, people):
    response = hr.get("/hr/search?q=nobody")
    assert response.status_code == 200
    assert "No candidate matches" in response.get_data(as_text=True)


@pytest.mark.parametrize(("query", "message"), [("", "Type a name"), ("x" * 201, "within 200")])
def test_a_query_that_cannot_be_searched_is_400_with_the_reason_beside_the_box(hr, query,
                                                                                message):
    response = hr.get("/hr/search", query_string={"q": query})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert 'aria-invalid="true"' in page
    assert 'id="candidate-search-error"' in page


def test_a_bad_cursor_is_400(hr, people):
    assert hr.get("/hr/search?q=anna&after=nonsense").status_code == 400


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.COMMITTEE])
def test_the_page_is_not_found_by_interviewers_or_the_committee(make_user, sign_in, role):
    assert sign_in(make_user(role)).get("/hr/search?q=anna").status_code == 404
