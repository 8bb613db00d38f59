"""Syncing rubric files stores immutable versions and never rewrites the past."""

import shutil

import pytest
import sqlalchemy as sa

from scorecards.catalog.services import (
    latest_rubric_version,
    rubric_of,
    sync_catalog,
)
from scorecards.core.rubric import RubricError
from scorecards.extensions import db
from scorecards.models import AuditEvent, LoopVersion, RubricVersion
from tests.conftest import TEST_RUBRICS


@pytest.fixture
def rubrics_dir(tmp_path):
    """Return a writable copy of the test rubrics."""
    target = tmp_path / "rubrics"
    shutil.copytree(TEST_RUBRICS, target)
    return target


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_first_sync_stores_every_rubric_and_loop(app, rubrics_dir):
    changes = sync_catalog(rubrics_dir)
    assert [str(c) for c in changes] == [
        "rubric test-coding: new, stored as version 1",
        "rubric test-design: new, stored as version 1",
        "loop test-loop: new, stored as version 1",
    ]
    assert count(RubricVersion) == 2
    assert count(LoopVersion) == 1
    assert db.session.scalar(sa.select(AuditEvent.action)) == "catalog.sync"


def test_syncing_unchanged_files_stores_nothing(app, rubrics_dir):
    sync_catalog(rubrics_dir)
    changes = sync_catalog(rubrics_dir)
    assert all("unchanged" in str(change) for change in changes)
    assert count(RubricVersion) == 2


def test_reformatting_a_file_is_not_a_new_version(app, rubrics_dir):
    sync_catalog(rubrics_dir)
    path = rubrics_dir / "test-coding.yaml"
    path.write_text("# reviewed 2026-11\n" + path.read_text())
    sync_catalog(rubrics_dir)
    assert count(RubricVersion) == 2


def test_a_changed_file_is_a_new_version_and_old_interviews_keep_theirs(
        app, rubrics_dir, make_user, make_interview):
    interview = make_interview(panel=[make_user()])  # scored with test-coding v1
    path = rubrics_dir / "test-coding.yaml"
    path.write_text(path.read_text().replace("title: Code quality", "title: Code craft"))
    changes = sync_catalog(rubrics_dir)
    assert "rubric test-coding: changed, stored version 2 (was 1)" in [str(c) for c in changes]
    latest = latest_rubric_version("test-coding")
    assert latest.version == 2
    assert rubric_of(latest).competency("code").title == "Code craft"
    db.session.expire_all()
    assert interview.rubric_version.version == 1
    assert rubric_of(interview.rubric_version).competency("code").title == "Code quality"


def test_a_file_changed_back_gets_a_newer_version(app, rubrics_dir):
    path = rubrics_dir / "test-coding.yaml"
    original = path.read_text()
    sync_catalog(rubrics_dir)
    path.write_text(original.replace("weight: 1.5", "weight: 3"))
    sync_catalog(rubrics_dir)
    path.write_text(original)
    sync_catalog(rubrics_dir)
    latest = latest_rubric_version("test-coding")
    assert latest.version == 3
    assert rubric_of(latest).competency("code").weight == 1.5


def test_an_invalid_file_stores_nothing_at_all(app, rubrics_dir):
    (rubrics_dir / "broken.yaml").write_text("key: broken\ntitle: [\n")
    with pytest.raises(RubricError) as error:
        sync_catalog(rubrics_dir)
    assert str(error.value.problems[0]).startswith("rubrics/broken.yaml:")
    assert count(RubricVersion) == 0
    assert count(LoopVersion) == 0
