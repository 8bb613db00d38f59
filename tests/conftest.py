"""Fixtures shared by the whole suite.

The suite runs on SQLite by default and on PostgreSQL when SCORECARDS_TEST_DATABASE_URL
names a server. Either way each run gets a database of its own, built by the migrations
(so the migrations are what the tests exercise) and emptied after every test.
"""

from __future__ import annotations

import contextvars
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from scorecards import create_app
from scorecards.core.vocabulary import ApplicationStatus, Role, ScorecardStatus, Source
from scorecards.extensions import db
from scorecards.models import (
    Application,
    Candidate,
    Interview,
    Opening,
    Rating,
    Scorecard,
    User,
)

DATA = Path(__file__).parent / "data"
TEST_RUBRICS = DATA / "rubrics"
PASSWORD = "correct horse battery"
# Which database this run tests, for the few tests about one database's own mechanism.
ON_POSTGRES = os.environ.get("SCORECARDS_TEST_DATABASE_URL", "").startswith("postgresql")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Return the URL of a database of this run's own, migrated to the newest schema."""
    server = os.environ.get("SCORECARDS_TEST_DATABASE_URL")
    if not server:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        _migrate(url)
        yield url
        return
    name = f"scorecards_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app(_test_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _test_config(url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RUBRICS_DIR": str(TEST_RUBRICS),
        "JOBS_BACKEND": "inline",  # a job is done when the request that started it returns
        # Where mailed links lead; services called outside a request (as tests do) need it.
        "PUBLIC_URL": "http://localhost",
        # Throttling stays on, counting afresh for each app, whatever Redis the machine has.
        "RATELIMIT_STORAGE_URI": "memory://",
    }


@pytest.fixture
def config(database_url: str, tmp_path: Path) -> dict:
    """Return the settings of the test app; a test may change them before using app."""
    return {**_test_config(database_url), "PACKET_CACHE_DIR": str(tmp_path / "packets")}


@pytest.fixture
def app(config: dict) -> Iterator[Flask]:
    """Return an app on the test database, inside an app context, emptied afterwards."""
    app = create_app(config)
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def _empty_tables() -> None:
    # DELETE beats TRUNCATE on tables this small: TRUNCATE rewrites files and takes locks.
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            # A row may point at another row of its own table (a decision superseding one).
            own = {fk.parent.name: None for fk in table.foreign_keys if fk.column.table is table}
            if own:
                connection.execute(table.update().values(own))
            connection.execute(table.delete())


class IsolatedClient(FlaskClient):
    """A test client whose requests run outside the test's app context, as in production.

    Flask reuses an app context that is already pushed, so without this every request would
    share the test's g (and with it the signed-in user) and its database session.
    """

    def open(self, *args, **kwargs):
        """Run the request in an empty context, so it pushes an app context of its own."""
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client of the app."""
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    """Return a runner for the app's CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def is_postgres(app: Flask) -> bool:
    """Tell whether the suite runs on PostgreSQL."""
    return db.engine.dialect.name == "postgresql"


# Factories: tests build exactly the rows they need and never rely on ids.


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Return a function that creates a user with the given roles."""
    counter = iter(range(1, 10_000))

    def make(*roles: Role, email: str | None = None, password: str | None = None,
             active: bool = True, name: str | None = None) -> User:
        n = next(counter)
        user = User(email=email or f"user{n}@example.com", name=name or f"User {n}",
                    active=active)
        for role in roles or (Role.INTERVIEWER,):
            user.grant(role)
        if password:
            user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def catalog(app: Flask):
    """Store the test rubrics and loop, and return the loop version."""
    from scorecards.catalog.services import latest_loop_version, sync_catalog

    sync_catalog(TEST_RUBRICS)
    return latest_loop_version("test-loop")


@pytest.fixture
def make_application(app: Flask, catalog) -> Callable[..., Application]:
    """Return a function that creates an application to the test opening."""
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, source: Source = Source.APPLIED,
             referrer: str | None = None) -> Application:
        n = next(counter)
        opening = db.session.scalar(sa.select(Opening).where(Opening.key == "test-opening"))
        if opening is None:
            opening = Opening(key="test-opening", title="Backend Engineer, Test",
                              loop_version=catalog)
        candidate = Candidate(name=name or f"Candidate {n}", email=f"candidate{n}@example.org")
        application = Application(candidate=candidate, opening=opening, source=source,
                                  referrer=referrer)
        db.session.add(application)
        db.session.commit()
        return application

    return make


@pytest.fixture
def make_interview(app: Flask, make_application) -> Callable[..., Interview]:
    """Return a function that schedules a stage of an application with a panel."""
    from scorecards.catalog.services import latest_rubric_version

    def make(application: Application | None = None, stage: str = "coding",
             panel: list[User] = (), when: datetime | None = None) -> Interview:
        application = application or make_application()
        rubric = {"coding": "test-coding", "design": "test-design"}[stage]
        interview = Interview(application=application, stage_key=stage,
                              rubric_version=latest_rubric_version(rubric),
                              scheduled_at=when or datetime.now(UTC) - timedelta(hours=2))
        for interviewer in panel:
            interview.scorecards.append(Scorecard(interviewer=interviewer))
        db.session.add(interview)
        db.session.commit()
        return interview

    return make


@pytest.fixture
def panel(make_user, make_interview):
    """Return (ana, ben, ana's scorecard, ben's scorecard) of an interview both sit on."""
    ana, ben = make_user(name="Ana Souza"), make_user(name="Ben Carter")
    interview = make_interview(panel=[ana, ben])
    mine, theirs = interview.scorecards
    return ana, ben, mine, theirs


@pytest.fixture
def ready(make_user, make_application, make_interview, submit):
    """Return an application whose coding and design panels have all submitted, split."""
    application = make_application("Ada Lovelace")
    ana, ben, chen = (make_user(name=n) for n in ("Ana Souza", "Ben Carter", "Chen Wei"))
    coding = make_interview(application, stage="coding", panel=[ana])
    design = make_interview(application, stage="design", panel=[ben, chen])
    submit(coding.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    submit(design.scorecards[0], {"understanding": 4, "approach": 3, "code": 3}, "hire")
    submit(design.scorecards[1], {"understanding": 2, "approach": 3, "code": 3}, "no_hire")
    application.status = ApplicationStatus.COMMITTEE
    db.session.commit()
    return application


@pytest.fixture
def submit(app: Flask) -> Callable[..., Scorecard]:
    """Return a function that marks a scorecard submitted with ratings, past the form."""

    def mark(scorecard: Scorecard, scores: dict[str, int | None],
             recommendation: str = "hire") -> Scorecard:
        for key, score in scores.items():
            scorecard.ratings.append(Rating(competency_key=key, score=score, evidence="seen"))
        scorecard.status = ScorecardStatus.SUBMITTED
        scorecard.recommendation = recommendation
        scorecard.submitted_at = datetime.now(UTC)
        db.session.commit()
        return scorecard

    return mark


@pytest.fixture
def sign_in(client: FlaskClient) -> Callable[[User], FlaskClient]:
    """Return a function that signs the test client in as a user, past the sign-in form."""

    def as_user(user: User) -> FlaskClient:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return client

    return as_user
