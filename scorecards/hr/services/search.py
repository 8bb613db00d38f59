"""Finding candidates by their name, their email or the openings they applied to.

What a query means:

- A query with an @ in it is an email or the start of one: it finds the candidates whose
  email begins with it, trimmed and in lower case as emails are stored (an exact email is
  such a start).
- Any other query is words, letters and digits (anything else separates them, so
  "Anna-Karin" is two words). A candidate matches when each word is a whole word of their
  name, of their email or of the title of an opening they applied to, and the last word may
  be the start of one: "åsa sv" finds Åsa Svensson while it is being typed, and "svensson
  payments" finds the Svenssons who applied to a Payments opening. Accents and case never
  matter (Åsa = asa = ÅSA).
- Erased candidates never match: erasure blanks their name and email, and the triggers of
  migration 0008 drop their row from the search table.

Candidates come newest first, paged by key, each with their applications; nothing is
counted. The words are matched by the database's own text search (FTS5 on SQLite, a GIN
index over tsvectors on PostgreSQL), whose tables the triggers keep in step with every write.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from ...authz import Action, Area, require
from ...core.vocabulary import ApplicationStatus
from ...extensions import db
from ...models import Application, Candidate, Opening, User
from ...paging import decode_cursor, encode_cursor

MAX_QUERY = 200  # characters: longer than any name and email typed together
MAX_WORDS = 8
MAX_PAGE = 100
SEARCH = "search"  # the kind of the search's cursors
WORD = re.compile(r"[^\W_]+")
# The search table of migration 0008: on SQLite an FTS5 table keyed by rowid, on
# PostgreSQL candidate_id with a tsvector document.
FTS5 = sa.table("candidate_search", sa.column("rowid"), sa.column("candidate_search"))
TSVECTORS = sa.table("candidate_search", sa.column("candidate_id"), sa.column("document"))
# Above every character, so that [prefix, prefix + LAST) holds exactly the texts with it.
LAST = "\U0010ffff"
PROBE = 20_000  # the newest search documents read before the index is asked (PostgreSQL)


class SearchError(ValueError):
    """Raised for a query that cannot be searched for; says why and names the parameter."""

    field = "q"


@dataclass(frozen=True)
class FoundApplication:
    """An application of a candidate found, as the results list it."""

    id: int
    opening_key: str
    opening_title: str
    status: ApplicationStatus


@dataclass(frozen=True)
class FoundCandidate:
    """A candidate a search found, with their applications, newest first."""

    id: int
    name: str
    email: str | None
    applications: list[FoundApplication]


@dataclass(frozen=True)
class SearchPage:
    """A page of candidates found, newest first, and the cursor of the next page."""

    candidates: list[FoundCandidate]
    next_cursor: str | None  # None on the last page


def compact_index() -> None:
    """Rewrite SQLite's full-text index so that deleted rows' words leave its file too.

    FTS5 only marks a deleted row's words deleted, in segments it merges later: until then an
    erased person's name would still sit in the database file. Merging every segment drops
    them (about a second for a hundred thousand candidates). On PostgreSQL the index entries of
    a deleted row go with the row's own old version, when the table is vacuumed.
    """
    if db.engine.dialect.name == "sqlite":
        db.session.execute(sa.text(
            "INSERT INTO candidate_search (candidate_search) VALUES ('optimize')"))


def search_candidates(actor: User, query: str | None, *, limit: int = 50,
                      cursor: str | None = None) -> SearchPage:
    """Return a page of the candidates matching the query, newest first, with applications.

    Raise SearchError for an empty or overlong query or a cursor this search never issued.
    """
    require(actor, Action.VIEW, Area.PIPELINE)
    query = unicodedata.normalize("NFC", (query or "").strip())
    if not query:
        raise SearchError("Type a name, an email or an opening's title to search for.")
    if len(query) > MAX_QUERY:
        raise SearchError(f"The search has {len(query)} characters; keep it within "
                          f"{MAX_QUERY}.")
    if not 1 <= limit <= MAX_PAGE:
        raise SearchError(f"A page holds 1 to {MAX_PAGE} candidates.")
    try:
        after = decode_cursor(SEARCH, cursor) if cursor else None
    except ValueError:
        raise SearchError("This page of the results does not exist; search again.") from None
    found = _matching(query, after, limit + 1)
    shown = found[:limit]
    return SearchPage(_candidates(shown),
                      encode_cursor(SEARCH, shown[-1]) if len(found) > limit else None)


def _matching(query: str, after: int | None, limit: int) -> list[int]:
    """Return the ids of up to limit candidates matching the query, newest first, below after."""
    if "@" in query:
        found = sa.select(Candidate.id.label("id")).where(_email_starts(query.lower()),
                                                          Candidate.erased_at.is_(None))
    elif db.engine.dialect.name == "postgresql":
        return _matching_tsvectors(_tsquery(query), after, limit)
    else:
        found = sa.select(FTS5.c.rowid.label("id")).where(
            FTS5.c.candidate_search.op("MATCH")(_fts5_query(query)))
    key = found.selected_columns.id
    if after is not None:
        found = found.where(key < after)
    return list(db.session.scalars(found.order_by(key.desc()).limit(limit)))


def _matching_tsvectors(tsquery: sa.ColumnElement, after: int | None, limit: int) -> list[int]:
    """Return the ids of up to limit documents matching tsquery, newest first, below after.

    The GIN index finds every match before they are sorted, which costs what the matches
    are many; reading the newest documents until enough match costs what they are few. The
    planner cannot tell which a query is (it guesses the same for every prefix), so the
    newest PROBE documents are read first, and the index is used only when they hold too
    few matches: the cost of either stays near that of a few thousand rows.
    """
    below = TSVECTORS.c.candidate_id < after if after is not None else sa.true()
    newest = (sa.select(TSVECTORS).where(below).order_by(TSVECTORS.c.candidate_id.desc())
              .limit(PROBE).subquery())
    found = list(db.session.scalars(
        sa.select(newest.c.candidate_id).where(newest.c.document.op("@@")(tsquery))
        .order_by(newest.c.candidate_id.desc()).limit(limit)))
    if len(found) == limit:
        return found
    # Ordered by an expression, so that the planner cannot walk the primary key instead.
    return list(db.session.scalars(
        sa.select(TSVECTORS.c.candidate_id).where(below, TSVECTORS.c.document.op("@@")(tsquery))
        .order_by((TSVECTORS.c.candidate_id + 0).desc()).limit(limit)))


def _email_starts(prefix: str) -> sa.ColumnElement[bool]:
    """Match the emails that begin with prefix, through an index on either database."""
    if db.engine.dialect.name == "postgresql":
        # The byte-wise operators of the index with text_pattern_ops, whatever the collation.
        return sa.and_(Candidate.email.op("~>=~")(prefix),
                       Candidate.email.op("~<~")(prefix + LAST))
    return sa.and_(Candidate.email >= prefix, Candidate.email < prefix + LAST)


def _words(query: str) -> list[str]:
    words = WORD.findall(query.lower())
    if not words:
        raise SearchError("Type at least one letter or digit to search for.")
    if len(words) > MAX_WORDS:
        raise SearchError(f"The search has {len(words)} words; use at most {MAX_WORDS}.")
    return words


def _fts5_query(query: str) -> str:
    """Return the FTS5 query of whole words and a last word as a prefix.

    The words are letters and digits only, so quoting them leaves no operator to parse; the
    table's tokenizer drops their accents as it did the stored text's.
    """
    words = [f'"{word}"' for word in _words(query)]
    return " ".join(words) + "*"


def _tsquery(query: str) -> sa.ColumnElement:
    """Return the tsquery of whole words and a last word as a prefix, normalised in SQL.

    search_text (migration 0008) made the documents: unaccented, lower case, letters and
    digits; the words go through it too, so both sides agree on every character.
    """
    normalised = db.session.scalar(sa.select(sa.func.search_text(" ".join(_words(query)))))
    words = [f"'{word}'" for word in normalised.split()]
    if not words:  # nothing left once unaccented, say a lone combining mark
        raise SearchError("Type at least one letter or digit to search for.")
    return sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"),
                              " & ".join(words) + ":*")


def _candidates(ids: list[int]) -> list[FoundCandidate]:
    """Return these candidates with their applications, in the order given, in two queries."""
    if not ids:
        return []
    applications: dict[int, list[FoundApplication]] = defaultdict(list)
    for candidate_id, *fields in db.session.execute(
            sa.select(Application.candidate_id, Application.id, Opening.key, Opening.title,
                      Application.status)
            .join(Application.opening).where(Application.candidate_id.in_(ids))
            .order_by(Application.applied_at.desc(), Application.id.desc())):
        application_id, key, title, status = fields
        applications[candidate_id].append(
            FoundApplication(application_id, key, title, ApplicationStatus(status)))
    people = {row.id: row for row in db.session.execute(
        sa.select(Candidate.id, Candidate.name, Candidate.email)
        .where(Candidate.id.in_(ids), Candidate.erased_at.is_(None)))}
    return [FoundCandidate(i, people[i].name, people[i].email, applications[i])
            for i in ids if i in people]
