"""Fixtures for HR's area: an HR user and client, interviewers, openings, a query counter."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import Opening, User


@pytest.fixture
def hr_user(make_user) -> User:
    """Return a user of HR."""
    return make_user(Role.HR, name="Priya Nair", email="priya@example.com")


@pytest.fixture
def hr(hr_user, sign_in):
    """Return a client signed in as HR."""
    return sign_in(hr_user)


@pytest.fixture
def interviewers(make_user) -> list[User]:
    """Return three active interviewers."""
    return [make_user(Role.INTERVIEWER, name=name, email=f"{name.split()[0].lower()}@example.com")
            for name in ("Ana Souza", "Ben Carter", "Chen Wei")]


@pytest.fixture
def opening(catalog) -> Opening:
    """Return the opening that make_application applies to, on the test loop, still empty."""
    found = Opening(key="test-opening", title="Backend Engineer, Test", loop_version=catalog)
    db.session.add(found)
    db.session.commit()
    return found


@pytest.fixture
def make_opening(catalog) -> Callable[..., Opening]:
    """Return a function that opens another opening on the test loop."""

    def make(key: str, title: str | None = None) -> Opening:
        made = Opening(key=key, title=title or key.replace("-", " ").capitalize(),
                       loop_version=catalog)
        db.session.add(made)
        db.session.commit()
        return made

    return make


@contextmanager
def _counting() -> Iterator[list[str]]:
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


@pytest.fixture
def count_queries() -> Callable[[Callable[[], object]], int]:
    """Return a function that runs a callable and returns how many SQL statements it sent."""

    def count(action: Callable[[], object]) -> int:
        with _counting() as statements:
            action()
        return len(statements)

    return count
