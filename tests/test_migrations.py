"""Migrations build the schema the models describe, and step down and up again."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from scorecards import create_app
from scorecards.catalog.services import latest_loop_version
from scorecards.extensions import db, is_modelled
from tests.conftest import ON_POSTGRES


@pytest.fixture
def empty_database(database_url, tmp_path):
    """Return the URL of a new, empty database on the same server as the suite's."""
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"{url.database}_migrations"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def tables(engine) -> set[str]:
    return {name for name in sa.inspect(engine).get_table_names()
            if name != "alembic_version" and is_modelled(name, "table", {})}


def columns(engine, table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(engine).get_columns(table)}


def indexes(engine, table: str) -> set[str]:
    return {index["name"] for index in sa.inspect(engine).get_indexes(table)}


def test_upgrade_downgrade_and_upgrade_again(config, empty_database):
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        assert tables(db.engine) == set(db.metadata.tables)
        downgrade(revision="-1")
        assert "panel_spreads" not in tables(db.engine)
        assert "time_zone" in columns(db.engine, "users")
        downgrade(revision="-1")
        assert not {"time_zone", "locale"} & columns(db.engine, "users")
        assert "sso_subject" in columns(db.engine, "users")
        downgrade(revision="-1")
        assert not {"notifications", "scorecard_reminders", "notification_preferences",
                    "scheduler_leases", "opening_contacts"} & tables(db.engine)
        assert "calendar_sequence" not in columns(db.engine, "interviews")
        downgrade(revision="-1")
        assert not {"sso_issuer", "sso_subject"} & columns(db.engine, "users")
        downgrade(revision="-1")
        assert "account_links" not in tables(db.engine)
        assert "hire_outcomes" in tables(db.engine)
        downgrade(revision="-1")
        assert "hire_outcomes" not in tables(db.engine)
        assert "selection_counts" in tables(db.engine)
        downgrade(revision="-1")
        assert not {"selection_counts", "score_sums", "loop_selection_counts",
                    "loop_score_sums"} & tables(db.engine)
        assert "counted_at" not in columns(db.engine, "candidates")
        downgrade(revision="-1")
        assert "self_identifications" not in tables(db.engine)
        downgrade(revision="-1")
        assert not {"agreement_fits", "rater_effects", "interviewer_habits"} & tables(db.engine)
        assert {"calibration_shares", "agreement_results"} <= tables(db.engine)
        assert "ix_users_name_prefix" in indexes(db.engine, "users")
        downgrade(revision="-1")
        assert "ix_users_name_prefix" not in indexes(db.engine, "users")
        downgrade(revision="-1")
        assert "interview_at" not in columns(db.engine, "scorecards")
        assert "ix_scorecards_owed" in indexes(db.engine, "scorecards")
        assert "application_outcomes" in tables(db.engine)
        downgrade(revision="-1")
        assert "application_outcomes" not in tables(db.engine)
        assert "candidate_search" in sa.inspect(db.engine).get_table_names()
        downgrade(revision="-1")
        assert "candidate_search" not in sa.inspect(db.engine).get_table_names()
        downgrade(revision="-1")
        assert "ix_scorecards_owed" not in indexes(db.engine, "scorecards")
        assert "ix_jobs_requested_by_created" in indexes(db.engine, "jobs")
        downgrade(revision="-1")
        assert not {"application_counts", "stage_figures", "calibration_shares",
                    "agreement_results"} & tables(db.engine)
        downgrade(revision="-1")
        assert "ix_applications_opening_id_applied_at_id" not in {
            index["name"] for index in sa.inspect(db.engine).get_indexes("applications")}
        downgrade(revision="-1")
        assert "session_generation" not in columns(db.engine, "users")
        downgrade(revision="-1")
        assert not {"cancelled_at", "note"} & columns(db.engine, "interviews")
        downgrade(revision="-1")
        assert not {"jobs", "job_chunks"} & tables(db.engine)
        downgrade(revision="-1")
        assert "api_tokens" not in tables(db.engine)
        assert "closed_at" not in columns(db.engine, "applications")
        downgrade(revision="-1")
        assert "scorecard_revisions" not in tables(db.engine)
        assert "not_assessed" not in columns(db.engine, "ratings")
        upgrade()
        assert tables(db.engine) == set(db.metadata.tables)
        downgrade(revision="base")
        assert tables(db.engine) == set()
        upgrade()
        assert tables(db.engine) == set(db.metadata.tables)
        db.engine.dispose()


def test_the_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": is_modelled})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


@pytest.mark.skipif(ON_POSTGRES, reason="only SQLite alters a table by copying it")
def test_stepping_a_filled_sqlite_database_down_and_up_keeps_every_row(config, empty_database):
    from scorecards.catalog.services import latest_rubric_version, sync_catalog
    from scorecards.models import Application, Candidate, Interview, Opening, Rating, Scorecard
    from scorecards.models import User as Person
    from tests.conftest import TEST_RUBRICS

    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        loop = sync_catalog(TEST_RUBRICS) and latest_loop_version("test-loop")
        opening = Opening(key="kept", title="Kept", loop_version=loop)
        interview = Interview(
            application=Application(opening=opening, source="applied",
                                    candidate=Candidate(name="Kept", email="kept@example.org")),
            stage_key="coding", rubric_version=latest_rubric_version("test-coding"),
            scheduled_at=datetime(2026, 1, 5, tzinfo=UTC))
        interview.scorecards.append(Scorecard(
            interviewer=Person(email="ina@example.org", name="Ina"), status="submitted",
            recommendation="hire", submitted_at=datetime(2026, 1, 5, 12, tzinfo=UTC),
            ratings=[Rating(competency_key="code", score=3, evidence="Seen.")]))
        db.session.add(interview)
        db.session.commit()
        counts = {model: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                  for model in (Interview, Scorecard, Rating, Application)}
        assert set(counts.values()) == {1}
        db.session.remove()
        # Down past the revisions that copy interviews and scorecards, and up again.
        downgrade(revision="0004")
        upgrade()
        assert {model: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                for model in counts} == counts
        db.engine.dispose()
