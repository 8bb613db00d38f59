"""Migration 0008 counts the summaries of the records already stored, as a refresh would;
after 0009, the engine's results are computed by the app, as a refresh would."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from scorecards import create_app
from scorecards.analytics import outcomes
from scorecards.extensions import db
from tests.analytics.test_summaries import KEPT, rows


@pytest.fixture
def config(config, database_url, tmp_path):
    """Return the settings of an app on a database of its own, migrated to the newest revision.

    The test steps this database down and up again, which the suite's shared one must not see.
    """
    url = sa.make_url(database_url)
    admin = None
    if url.get_backend_name() == "sqlite":
        own = f"sqlite:///{tmp_path / 'summaries.db'}"
    else:
        name = f"{url.database}_summaries"
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        own = url.set(database=name).render_as_string(hide_password=False)
    settings = {**config, "SQLALCHEMY_DATABASE_URI": own}
    app = create_app(settings)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield settings
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_migration_counts_the_stored_records_as_the_app_kept_them(year):
    kept = {name: rows(model) for name, model in KEPT.items()}
    assert all(kept.values())
    db.session.remove()
    downgrade(revision="0007")
    upgrade()
    counted = {name: model for name, model in KEPT.items() if name != "outcomes"}
    assert {name: rows(model) for name, model in counted.items()} == \
        {name: kept[name] for name in counted}
    assert rows(KEPT["outcomes"]) == []
    assert outcomes.fill_missing() == len(kept["outcomes"])
    assert rows(KEPT["outcomes"]) == kept["outcomes"]
