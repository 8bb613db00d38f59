"""Seed the demo: users for every role, an opening, and candidates with scorecards.

The scenario lives in scenario.yaml beside this file. Seeding is idempotent: users, the
opening and applications that exist are kept; only demo passwords are renewed, so that
they can be printed again.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
import yaml
from flask import current_app

from .. import audit
from ..catalog.services import (
    latest_loop_version,
    latest_rubric_version,
    loop_of,
    rubric_of,
    sync_catalog,
)
from ..core.pipeline import status_from_scoring, transition
from ..core.rubric import Loop
from ..core.schedule import interview_time_problem
from ..core.vocabulary import ApplicationStatus, Role, ScorecardStatus
from ..extensions import db
from ..models import (
    Application,
    Candidate,
    Interview,
    Opening,
    OpeningContacts,
    Rating,
    Scorecard,
    User,
)

SCENARIO = Path(__file__).with_name("scenario.yaml")
DEMO_DOMAIN = "example.com"


@dataclass(frozen=True)
class DemoUser:
    """A demo account."""

    handle: str
    name: str
    roles: tuple[Role, ...]

    @property
    def email(self) -> str:
        """Return the demo user's email address."""
        return f"{self.handle}@{DEMO_DOMAIN}"


DEMO_USERS = (
    DemoUser("admin", "Morgan Lee", (Role.ADMIN,)),
    DemoUser("hr", "Priya Nair", (Role.HR,)),
    DemoUser("committee", "Johan Berg", (Role.COMMITTEE,)),
    DemoUser("fatima", "Fatima Okafor", (Role.COMMITTEE, Role.INTERVIEWER)),
    DemoUser("ana", "Ana Souza", (Role.INTERVIEWER,)),
    DemoUser("ben", "Ben Carter", (Role.INTERVIEWER,)),
    DemoUser("chen", "Chen Wei", (Role.INTERVIEWER,)),
    DemoUser("dara", "Dara O'Neill", (Role.INTERVIEWER,)),
    DemoUser("elif", "Elif Yilmaz", (Role.INTERVIEWER,)),
    DemoUser("femi", "Femi Adeyemi", (Role.INTERVIEWER,)),
    DemoUser("gustav", "Gustav Lindqvist", (Role.INTERVIEWER,)),
    DemoUser("hana", "Hana Kobayashi", (Role.INTERVIEWER,)),
)


@dataclass(frozen=True)
class Login:
    """What to print so that someone can sign in as a demo user."""

    email: str
    password: str
    roles: str


class DemoError(Exception):
    """Raised when the scenario does not fit the rubrics or the loop."""


def has_foreign_data() -> bool:
    """Tell whether the database holds users that the demo did not create."""
    demo_emails = [user.email for user in DEMO_USERS]
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.email.not_in(demo_emails))
    ) > 0


def seed(now: datetime | None = None) -> list[Login]:
    """Create whatever demo data is missing and return fresh logins for the demo users."""
    now = now or datetime.now(UTC)
    sync_catalog(Path(current_app.config["RUBRICS_DIR"]))
    scenario = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    users, logins = _users()
    opening = _opening(scenario["opening"], users)
    created = sum(_application(opening, spec, users, now) for spec in scenario["candidates"])
    audit.record(None, "demo.seed", opening, applications_created=created)
    db.session.commit()
    return logins


def _users() -> tuple[dict[str, User], list[Login]]:
    users: dict[str, User] = {}
    logins: list[Login] = []
    for demo in DEMO_USERS:
        user = db.session.scalar(sa.select(User).where(User.email == demo.email))
        if user is None:
            user = User(email=demo.email, name=demo.name)
            db.session.add(user)
        for role in demo.roles:
            user.grant(role)
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        users[demo.handle] = user
        logins.append(Login(demo.email, password, ", ".join(r.label for r in demo.roles)))
    db.session.flush()
    return users, logins


def _opening(spec: dict, users: dict[str, User]) -> Opening:
    opening = db.session.scalar(sa.select(Opening).where(Opening.key == spec["key"]))
    if opening is None:
        loop_version = latest_loop_version(spec["loop"])
        if loop_version is None:
            raise DemoError(f"the demo opening needs the loop '{spec['loop']}'")
        opening = Opening(key=spec["key"], title=spec["title"], team=spec.get("team"),
                          loop_version=loop_version,
                          contacts=OpeningContacts(hiring_manager=users[spec["hiring_manager"]],
                                                   hr_contact=users[spec["hr_contact"]]))
        db.session.add(opening)
        db.session.flush()
    return opening


def _application(opening: Opening, spec: dict, users: dict[str, User], now: datetime) -> bool:
    """Create the candidate's application with its interviews, unless it exists already."""
    candidate = db.session.scalar(sa.select(Candidate).where(Candidate.email == spec["email"]))
    if candidate is None:
        candidate = Candidate(name=spec["name"], email=spec["email"], phone=spec.get("phone"),
                              location=spec.get("location"))
        db.session.add(candidate)
    elif db.session.scalar(sa.select(Application).filter_by(candidate=candidate, opening=opening)):
        return False
    application = Application(
        candidate=candidate, opening=opening, source=spec["source"], referrer=spec.get("referrer"),
        applied_at=now - timedelta(days=spec["applied_days_ago"]),
        status=ApplicationStatus.APPLIED,
    )
    db.session.add(application)
    loop = loop_of(opening.loop_version)
    submitted: Counter[str] = Counter()
    for interview_spec in spec.get("interviews", []):
        interview = _interview(application, loop, interview_spec, users, now)
        submitted[interview.stage_key] += sum(
            s.status == ScorecardStatus.SUBMITTED for s in interview.scorecards)
    application.status = transition(application.status, status_from_scoring(
        loop, submitted, bool(spec.get("interviews"))))
    return True


def _interview(application: Application, loop: Loop, spec: dict, users: dict[str, User],
               now: datetime) -> Interview:
    try:
        stage = loop.stage(spec["stage"])
    except KeyError:
        raise DemoError(f"unknown stage '{spec['stage']}' in the demo scenario") from None
    rubric_version = latest_rubric_version(stage.rubric)
    day = (now - timedelta(days=spec["days_ago"])).date()
    scheduled = datetime(day.year, day.month, day.day, spec.get("hour", 10), tzinfo=UTC)
    problem = interview_time_problem(scheduled, now)
    if problem:
        raise DemoError(f"the demo interview of stage '{stage.key}': {problem}")
    interview = Interview(application=application, stage_key=stage.key,
                          rubric_version=rubric_version, scheduled_at=scheduled)
    rubric = rubric_of(rubric_version)
    keys = {competency.key for competency in rubric.competencies}
    for panelist in spec["panel"]:
        status = ScorecardStatus(panelist.get("status", "not_started"))
        if status == ScorecardStatus.SUBMITTED and scheduled > now:
            # A scorecard is submitted once its interview has started, in the demo too.
            raise DemoError(f"{application.candidate.name}: a submitted scorecard for the "
                            f"{stage.key} interview, which starts in the future")
        scorecard = Scorecard(
            interviewer=users[panelist["interviewer"]], status=status,
            recommendation=panelist.get("recommendation"),
            takeaways=panelist.get("takeaways", "").strip(),
            private_note=(panelist.get("private_note") or "").strip(),
            # Written up a few hours after the interview, and never later than now.
            submitted_at=min(scheduled + timedelta(hours=3), now)
            if status == ScorecardStatus.SUBMITTED else None,
        )
        for key, rating in (panelist.get("ratings") or {}).items():
            if key not in keys:
                raise DemoError(f"rubric '{rubric.key}' has no competency '{key}'")
            scorecard.ratings.append(Rating(competency_key=key, score=rating.get("score"),
                                            evidence=(rating.get("evidence") or "").strip()))
        interview.scorecards.append(scorecard)
    db.session.add(interview)
    return interview
