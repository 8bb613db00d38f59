"""The command-line interface."""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from scorecards.auth.services import authenticate, validate_password
from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import (
    Application,
    Interview,
    Opening,
    Rating,
    RubricVersion,
    Scorecard,
    User,
)

SHIPPED = Path(__file__).parent.parent / "rubrics"


def test_rubrics_check_passes_on_valid_files(runner):
    result = runner.invoke(args=["rubrics", "check"])
    assert result.exit_code == 0, result.output
    assert "All rubric and loop files are valid." in result.output


def test_rubrics_check_prints_one_line_per_problem_and_fails(runner, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("key: broken\ntitle: Broken\nweight: 1\n")
    result = runner.invoke(args=["rubrics", "check", str(broken)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"{broken}:3: weight: unknown key" in lines
    assert f"{broken}:1: competencies: required field is missing" in lines
    assert all(line.startswith(f"{broken}:") for line in lines)


def test_rubrics_check_resolves_a_loop_against_the_rubrics_folder(runner, tmp_path):
    loop = tmp_path / "loops" / "other.yaml"
    loop.parent.mkdir()
    loop.write_text((Path(__file__).parent / "data/rubrics/loops/test-loop.yaml").read_text()
                    .replace("rubric: test-design", "rubric: missing-rubric"))
    result = runner.invoke(args=["rubrics", "check", str(loop)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{loop}:12: stages[1].rubric: unknown rubric 'missing-rubric'"
    ]


def test_rubrics_sync_reports_and_refuses_broken_files(app, runner, tmp_path):
    rubrics = tmp_path / "rubrics"
    shutil.copytree(app.config["RUBRICS_DIR"], rubrics)
    app.config["RUBRICS_DIR"] = str(rubrics)
    result = runner.invoke(args=["rubrics", "sync"])
    assert result.exit_code == 0
    assert "rubric test-coding: new, stored as version 1" in result.output
    (rubrics / "test-design.yaml").write_text("key: test-design\n")
    result = runner.invoke(args=["rubrics", "sync"])
    assert result.exit_code == 1
    assert "rubrics/test-design.yaml:1: title: required field is missing" in result.output
    assert "Nothing was stored" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RubricVersion)) == 2


def test_users_add_creates_an_account_with_roles(runner):
    result = runner.invoke(
        args=["users", "add", "Ana@Example.com", "--role", "interviewer", "--role", "committee",
              "--password-stdin"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    user = authenticate("ana@example.com", "a long enough password")
    assert user is not None
    assert user.roles == {Role.INTERVIEWER, Role.COMMITTEE}
    assert user.password_hash != "a long enough password"


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["users", "add", "x@example.com", "--role", "wizard", "--password-stdin"], "p" * 12,
     "'wizard' is not one of"),
    (["users", "add", "x@example.com", "--role", "hr", "--password-stdin"], "short\n",
     "at least 10 characters"),
    (["users", "add", "not-an-email", "--role", "hr", "--password-stdin"], "p" * 12,
     "is not an email address"),
])
def test_users_add_rejects_bad_input_clearly(runner, args, stdin, message):
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_users_add_refuses_a_taken_email(runner, make_user):
    make_user(email="ana@example.com")
    result = runner.invoke(args=["users", "add", "ANA@example.com", "--role", "hr",
                                 "--password-stdin"], input="p" * 12 + "\n")
    assert result.exit_code == 1
    assert "already exists" in result.output


@pytest.fixture
def shipped_rubrics(app):
    app.config["RUBRICS_DIR"] = str(SHIPPED)


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (User, Application, Interview, Scorecard, Rating)}


def test_demo_seed_is_idempotent_and_prints_working_logins(runner, shipped_rubrics):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    before = counts()
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0, second.output
    assert counts() == before
    assert before["Application"] >= 6
    login_lines = [line.split() for line in second.output.splitlines() if "@example.com" in line]
    assert {line[0] for line in login_lines} >= {"admin@example.com", "hr@example.com",
                                                  "committee@example.com", "ana@example.com"}
    email, password = login_lines[0][:2]
    assert authenticate(email, password) is not None
    contacts = db.session.scalar(sa.select(Opening)).contacts  # reminders escalate to them
    assert (contacts.hiring_manager.email, contacts.hr_contact.email) == (
        "fatima@example.com", "hr@example.com")


def test_demo_seed_if_empty_leaves_a_real_database_alone(runner, shipped_rubrics, make_user):
    make_user(email="real.person@company.example")
    result = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert result.exit_code == 0
    assert "not seeded" in result.output
    assert counts()["Application"] == 0


def test_a_worker_without_redis_url_says_so_and_fails(app, runner):
    app.config["REDIS_URL"] = None
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 1
    assert "REDIS_URL is not set" in result.output


@pytest.mark.parametrize(("password", "why"), [
    ("Password123!", "This is similar to a commonly used password."),
    ("qwertyuiop12", "This is similar to a commonly used password."),
    ("ana@example.com1", "Add another word or two."),
    ("aaaaaaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess.'),
])
def test_users_add_refuses_an_easily_guessed_password_saying_why(runner, password, why):
    result = runner.invoke(args=["users", "add", "ana@example.com", "--role", "hr",
                                 "--password-stdin"], input=password + "\n")
    assert result.exit_code == 1
    assert "the password is too easy to guess." in result.output
    assert why in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_users_set_password_changes_it_and_ends_every_session(runner, make_user):
    user = make_user(email="ana@example.com", password="the old passphrase")
    generation = user.session_generation
    result = runner.invoke(args=["users", "set-password", "ANA@example.com", "--password-stdin"],
                           input="a brand new passphrase\n")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert authenticate("ana@example.com", "a brand new passphrase") is not None
    assert authenticate("ana@example.com", "the old passphrase") is None
    assert db.session.get(User, user.id).session_generation == generation + 1


@pytest.mark.parametrize(("email", "password", "message"), [
    ("nobody@example.com", "a brand new passphrase", "there is no user"),
    ("ana@example.com", "Password123!", "too easy to guess"),
    ("ana@example.com", "short", "at least 10 characters"),
])
def test_users_set_password_refuses_clearly_and_keeps_the_old_one(runner, make_user, email,
                                                                  password, message):
    make_user(email="ana@example.com", password="the old passphrase")
    result = runner.invoke(args=["users", "set-password", email, "--password-stdin"],
                           input=password + "\n")
    assert result.exit_code == 1
    assert message in result.output
    db.session.expire_all()
    assert authenticate("ana@example.com", "the old passphrase") is not None


def test_demo_passwords_pass_the_password_policy(runner, shipped_rubrics):
    result = runner.invoke(args=["demo", "seed"])
    logins = [line.split() for line in result.output.splitlines() if "@example.com" in line]
    assert logins
    for email, password, *_ in logins:
        validate_password(password, [email])
