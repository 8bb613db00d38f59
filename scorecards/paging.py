"""Lists paged by key instead of by offset, and the opaque cursors that mark a place in them.

A page is read from the place its cursor marks (the sort key of the row beside it, often a
time and an id) with a row comparison that an index on the same columns serves, so the
thousandth page costs what the first does and no page counts the whole list.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import abort, request

from .extensions import db

MAX_ID = 2**31 - 1  # ids are 32-bit integers on every database
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_REFUSED = "not a cursor this list issued"

Row = TypeVar("Row")


def encode_cursor(kind: str, *key: int | datetime) -> str:
    """Return the opaque cursor of a place in a list of this kind: beside the row of this key.

    A key of one id keeps the format cursors have always had; a time is written as whole
    microseconds since 1970 in UTC.
    """
    parts = (str(_micros(part) if isinstance(part, datetime) else part) for part in key)
    return base64.urlsafe_b64encode(f"{kind}{'.'.join(parts)}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> int:
    """Return the row a cursor of this kind stands beside; raise ValueError for one never issued."""
    return decode_key(kind, cursor, (int,))[0]


def decode_key(kind: str, cursor: str, types: Sequence[type]) -> tuple:
    """Return the key (of these types: int or datetime) a cursor of this kind marks.

    Raise ValueError for a cursor this list never issued: another kind, another shape, an id
    out of range or a time no clock shows.
    """
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError(_REFUSED) from None
    number = "(0|[1-9][0-9]{0,17})"
    found = re.fullmatch(re.escape(kind) + r"\.".join([number] * len(types)), text)
    if found is None:
        raise ValueError(_REFUSED)
    return tuple(_typed(int(part), kind_of) for part, kind_of in zip(
        found.groups(), types, strict=True))


def _micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime; pass an aware datetime in UTC")
    return (moment - EPOCH) // timedelta(microseconds=1)


def _typed(value: int, kind_of: type) -> int | datetime:
    if issubclass(kind_of, datetime):
        try:
            return EPOCH + timedelta(microseconds=value)
        except OverflowError:
            raise ValueError(_REFUSED) from None
    if not 1 <= value <= MAX_ID:
        raise ValueError(_REFUSED)
    return value


@dataclass(frozen=True)
class Page(Generic[Row]):
    """A page of a list, with the cursors that continue it (None at either end)."""

    rows: list[Row]
    after: str | None  # pass as ?after= for the page below this one
    before: str | None  # pass as ?before= for the page above it


def keyset_page(query: sa.Select, key: Sequence[Any], kind: str, *, limit: int,
                after: str | None = None, before: str | None = None, descending: bool = True,
                fetch: Callable[[sa.Select], Sequence[Row]] | None = None,
                key_of: Callable[[Row], tuple] | None = None) -> Page[Row]:
    """Return the page of query's rows after (or before) a cursor, in the order of key.

    key is the list's sort key, ending in a column that makes it unique (an id); the list
    runs down it descending or ascending, and an index on the same columns behind the
    query's equality filters serves any page. after continues below a page, before above
    it; either raises ValueError for a cursor this kind of list never issued. fetch runs
    the query (rows by default; pass scalars for entities, or join more to the page) and
    key_of reads a row's key (by default from the row's columns, or the entity's attributes,
    of the same names).
    """
    fetch = fetch or (lambda select: db.session.execute(select).all())
    key_of = key_of or (lambda row: _key_of(row, key))
    columns = sa.tuple_(*key)
    types = [_python_type(column) for column in key]
    upward = before is not None  # the page above, read from its cursor toward the top
    query = query.limit(limit + 1)
    if upward:
        place = decode_key(kind, before, types)
        query = query.where(columns > place if descending else columns < place)
    elif after is not None:
        place = decode_key(kind, after, types)
        query = query.where(columns < place if descending else columns > place)
    downward = descending != upward
    found = list(fetch(query.order_by(*(c.desc() if downward else c.asc() for c in key))))
    # In the order read, whatever a fetch that joins more to the page did to it.
    found.sort(key=key_of, reverse=downward)
    more = len(found) > limit
    rows = found[:limit][::-1] if upward else found[:limit]
    below, above = (True, more) if upward else (more, after is not None)
    return Page(rows,
                encode_cursor(kind, *key_of(rows[-1])) if rows and below else None,
                encode_cursor(kind, *key_of(rows[0])) if rows and above else None)


def _python_type(column: Any) -> type:
    kind = column.type
    return getattr(kind, "impl_instance", kind).python_type  # through a TypeDecorator


def _key_of(row: Any, key: Sequence[Any]) -> tuple:
    if isinstance(row, sa.Row):
        return tuple(row._mapping[column] for column in key)
    return tuple(getattr(row, column.key) for column in key)


def requested_page(read: Callable[[str | None, str | None], Page[Row]], start: str) -> Page[Row]:
    """Return read(after, before) for the request's ?after= and ?before= cursors.

    A cursor the list never issued answers 400, saying where to start again (start reads
    after "Start again from", like "the newest openings").
    """
    try:
        return read(request.args.get("after"), request.args.get("before"))
    except ValueError:
        abort(400, description=f"This page of the list does not exist. Start again from "
                               f"{start}.")
