"""The persistent data model.

Rules that must hold for every row live in the database as constraints, so no code path
(a view, the CLI, a hand-written SQL fix) can store what the rules forbid.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .core import scale
from .core.vocabulary import (
    OWED_STATUSES,
    ApplicationStatus,
    FinalOutcome,
    JobStatus,
    OpeningStatus,
    Outcome,
    Recommendation,
    Role,
    ScorecardStatus,
    Source,
)
from .extensions import db


class UTCDateTime(sa.TypeDecorator):
    """A timestamp stored in UTC and always handed back timezone-aware."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        """Convert an aware datetime to UTC; SQLite stores it without an offset."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; pass an aware datetime in UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        """Hand back an aware datetime in UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONDocument = sa.JSON().with_variant(JSONB(), "postgresql")
BigID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def utcnow() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def one_of(column: str, values: type[StrEnum], name: str | None = None) -> sa.CheckConstraint:
    """Return a check constraint that keeps column within an enumeration's values."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=name or column)


class User(UserMixin, db.Model):
    """Someone who signs in: interviewer, committee member, HR or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of every session and remember-me cookie; raising it ends them all (sign-out,
    # password change).
    session_generation: Mapped[int] = mapped_column(default=1, server_default="1")
    # Who the user is at the single sign-on provider: its issuer URL and its subject for them,
    # set at the first sign-in through it; the email may change there, these do not.
    sso_issuer: Mapped[str | None] = mapped_column(sa.String(500))
    sso_subject: Mapped[str | None] = mapped_column(sa.String(255))
    # How pages read for them: a language of scorecards.languages.LANGUAGES and an IANA time zone
    # name. The browser's zone fills time_zone at the first sign-in that reports one; after
    # that only the user changes it (account settings), so a choice is never overwritten.
    time_zone: Mapped[str | None] = mapped_column(sa.String(64))
    locale: Mapped[str | None] = mapped_column(sa.String(16))

    role_rows: Mapped[list[UserRole]] = relationship(
        # Joined: the signed-in user is loaded on every request, in one query with the roles.
        back_populates="user", cascade="all, delete-orphan", lazy="joined"
    )

    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
                      sa.UniqueConstraint("sso_issuer", "sso_subject"))

    @property
    def roles(self) -> frozenset[Role]:
        """Return the roles this user holds."""
        return frozenset(Role(row.role) for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        """Tell whether the user holds any of these roles."""
        return not self.roles.isdisjoint(roles)

    def grant(self, role: Role) -> None:
        """Give the user a role, once."""
        if role not in self.roles:
            self.role_rows.append(UserRole(role=role))

    @property
    def is_active(self) -> bool:
        """Deactivated users cannot sign in (Flask-Login reads this)."""
        return self.active

    def get_id(self) -> str:
        """Return a new sign-in identity for Flask-Login's cookies.

        It names the user, the session generation, when it was issued, and a random part that
        makes every sign-in's remember-me token new; the cookies carry it signed.
        """
        return f"{self.id}.{self.session_generation}.{int(time.time())}.{secrets.token_hex(8)}"

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password, never the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Tell whether the password matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")

    __table_args__ = (one_of("role", Role),)


class _StoredVersion:
    """An immutable copy of a file's content, identified by its hash: a rubric's or a loop's."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(200))
    # Parsed once per process (catalog.rubric_of, loop_of), so loaded only when not cached yet.
    document: Mapped[dict] = mapped_column(JSONDocument, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (
            sa.UniqueConstraint("key", "version"),
            sa.Index(f"ix_{cls.__tablename__}_key_content_hash", "key", "content_hash"),
            sa.CheckConstraint("version >= 1", name="version_positive"),
        )


class RubricVersion(_StoredVersion, db.Model):
    """An immutable copy of a rubric file's content, identified by its hash."""

    __tablename__ = "rubric_versions"


class LoopVersion(_StoredVersion, db.Model):
    """An immutable copy of a loop file's content, identified by its hash."""

    __tablename__ = "loop_versions"


class Opening(db.Model):
    """A job requisition, interviewed for with one loop."""

    __tablename__ = "openings"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    team: Mapped[str | None] = mapped_column(sa.String(200))
    loop_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("loop_versions.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(20), default=OpeningStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    loop_version: Mapped[LoopVersion] = relationship()
    contacts: Mapped[OpeningContacts | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True)
    applications: Mapped[list[Application]] = relationship(back_populates="opening")

    __table_args__ = (one_of("status", OpeningStatus),)


class OpeningContacts(db.Model):
    """Who answers for an opening: copied on reminders of its scorecards long overdue.

    The hiring manager is copied, else the HR contact (notifications/reminders.py).
    """

    __tablename__ = "opening_contacts"

    opening_id: Mapped[int] = mapped_column(
        sa.ForeignKey("openings.id", ondelete="CASCADE"), primary_key=True)
    hiring_manager_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    hr_contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))

    hiring_manager: Mapped[User | None] = relationship(foreign_keys=[hiring_manager_id])
    hr_contact: Mapped[User | None] = relationship(foreign_keys=[hr_contact_id])


class Candidate(db.Model):
    """A person who applies; personal data kept apart so that it can be erased."""

    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    location: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the candidate's self-identification went into the anonymous selection counts (at
    # erasure, or under its own retention rule); applications until then are counted there.
    counted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    applications: Mapped[list[Application]] = relationship(back_populates="candidate")


class Application(db.Model):
    """A candidate applying to an opening, on its way through the pipeline."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Erasing a candidate anonymises the row instead of deleting it, so that the
    # anonymous scores stay for statistics; deleting a candidate with applications fails.
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidates.id", ondelete="RESTRICT"))
    opening_id: Mapped[int] = mapped_column(sa.ForeignKey("openings.id", ondelete="RESTRICT"))
    source: Mapped[str] = mapped_column(sa.String(20))
    referrer: Mapped[str | None] = mapped_column(sa.String(200))
    # The status an application leaves is loaded when it moves, so that the status counts
    # (analytics/upkeep.py) can move it out of its old status as well as into the new one.
    status: Mapped[str] = mapped_column(sa.String(20), default=ApplicationStatus.APPLIED,
                                        active_history=True)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Set when HR withdraws or rejects the application; the retention rule reads closed_at.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_reason: Mapped[str | None] = mapped_column(sa.Text)

    candidate: Mapped[Candidate] = relationship(back_populates="applications")
    opening: Mapped[Opening] = relationship(back_populates="applications")
    interviews: Mapped[list[Interview]] = relationship(
        back_populates="application", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Interview.scheduled_at",
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="application", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Decision.decided_at",
    )

    __table_args__ = (
        sa.UniqueConstraint("candidate_id", "opening_id"),
        sa.Index("ix_applications_opening_id_status", "opening_id", "status"),
        # An opening's pipeline, newest first, paged by key.
        sa.Index("ix_applications_opening_id_applied_at_id", "opening_id", "applied_at", "id"),
        # The API's list of an opening's applications, paged by id.
        sa.Index("ix_applications_opening_id_id", "opening_id", "id"),
        sa.Index("ix_applications_status", "status"),
        # The committee's queue: waiting applications, longest waiting first, paged by key.
        sa.Index("ix_applications_status_updated_at_id", "status", "updated_at", "id"),
        one_of("source", Source),
        one_of("status", ApplicationStatus),
        sa.CheckConstraint(
            "(source = 'referral') = (referrer IS NOT NULL)", name="referrer_iff_referral"
        ),
    )


class Interview(db.Model):
    """One stage of an application's loop, held at a time, scored by a panel."""

    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    stage_key: Mapped[str] = mapped_column(sa.String(64))
    rubric_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("rubric_versions.id", ondelete="RESTRICT"), index=True
    )
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A cancelled interview stays on record, with who cancelled it, and counts no more.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"))
    # HR's short note on the interview ("a panelist left the company"); erased with the
    # candidate, as it may speak of them.
    note: Mapped[str | None] = mapped_column(sa.Text)
    noted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    noted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"))
    # The SEQUENCE of the interview's calendar invitations: raised each time it moves, so
    # calendars take the newest invitation over an older one.
    calendar_sequence: Mapped[int] = mapped_column(default=0, server_default="0")

    application: Mapped[Application] = relationship(back_populates="interviews")
    rubric_version: Mapped[RubricVersion] = relationship()
    scorecards: Mapped[list[Scorecard]] = relationship(
        back_populates="interview", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Scorecard.id",
    )
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    noted_by: Mapped[User | None] = relationship(foreign_keys=[noted_by_id])

    __table_args__ = (
        sa.CheckConstraint("(cancelled_at IS NULL) = (cancelled_by_id IS NULL)",
                           name="cancelled_by_someone"),
        sa.CheckConstraint("(note IS NULL) = (noted_at IS NULL) AND "
                           "(note IS NULL) = (noted_by_id IS NULL)", name="noted_by_someone"),
        sa.CheckConstraint("length(note) > 0", name="note_not_empty"),
    )

    @property
    def cancelled(self) -> bool:
        """Tell whether the interview was cancelled."""
        return self.cancelled_at is not None


# A scorecard still owed by its interviewer (OWED_STATUSES), as partial indexes spell it.
OWED_SCORECARD = sa.text(
    "status IN ({})".format(", ".join(f"'{status}'" for status in OWED_STATUSES)))


class Scorecard(db.Model):
    """One interviewer's assessment of one interview: draft until submitted."""

    __tablename__ = "scorecards"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(sa.ForeignKey("interviews.id", ondelete="CASCADE"))
    # Interviewers are deactivated, never deleted: their scorecards are part of the record.
    interviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    # The interview's time, copied here so that the overdue list walks one index of the owed
    # scorecards in time order. Taken from the interview when the scorecard is stored
    # (_take_the_interview_time); a trigger of migration 0009 moves it with the interview,
    # whoever moves it (the services, a bulk update, a hand-made fix).
    interview_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(20), default=ScorecardStatus.NOT_STARTED)
    recommendation: Mapped[str | None] = mapped_column(sa.String(20))
    takeaways: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    private_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Optimistic locking: a save names the version it started from.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    interview: Mapped[Interview] = relationship(back_populates="scorecards")
    interviewer: Mapped[User] = relationship()
    ratings: Mapped[list[Rating]] = relationship(
        back_populates="scorecard", cascade="all, delete-orphan", passive_deletes=True
    )
    revisions: Mapped[list[ScorecardRevision]] = relationship(
        back_populates="scorecard", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ScorecardRevision.number",
    )

    # The ORM adds "AND version = :loaded" to every UPDATE and bumps it, so two writers who
    # loaded the same version cannot both win.
    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        sa.UniqueConstraint("interview_id", "interviewer_id"),
        sa.Index("ix_scorecards_interviewer_id_status", "interviewer_id", "status"),
        # My interviews: an interviewer's scorecards and their interviews, read from the index
        # alone (the interviews are then ordered by time).
        sa.Index("ix_scorecards_interviewer_id_interview_id", "interviewer_id", "interview_id",
                 postgresql_include=["id", "status"]),
        # The overdue list: the scorecards still owed, a few thousand of the year's hundreds
        # of thousands, oldest interview first, paged by key.
        sa.Index("ix_scorecards_owed_interview_at", "interview_at", "id",
                 postgresql_include=["interview_id", "interviewer_id"],
                 postgresql_where=OWED_SCORECARD, sqlite_where=OWED_SCORECARD),
        one_of("status", ScorecardStatus),
        one_of("recommendation", Recommendation),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint(
            "status <> 'submitted' OR (recommendation IS NOT NULL AND submitted_at IS NOT NULL)",
            name="submitted_is_complete",
        ),
    )


@event.listens_for(Scorecard, "before_insert")
def _take_the_interview_time(_mapper, _connection, scorecard: Scorecard) -> None:
    """Copy the interview's time onto a scorecard being stored, when none was given."""
    if scorecard.interview_at is None:
        scorecard.interview_at = scorecard.interview.scheduled_at


class Rating(db.Model):
    """One competency's score on a scorecard: 1-4, or NULL when not assessed."""

    __tablename__ = "ratings"

    scorecard_id: Mapped[int] = mapped_column(
        sa.ForeignKey("scorecards.id", ondelete="CASCADE"), primary_key=True
    )
    competency_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    score: Mapped[int | None] = mapped_column(sa.SmallInteger)
    # NULL score with not_assessed false is a draft's unanswered competency, kept for its
    # evidence; a submitted scorecard's NULL scores are left out of every aggregate either way.
    not_assessed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    evidence: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    scorecard: Mapped[Scorecard] = relationship(back_populates="ratings")

    __table_args__ = (
        sa.CheckConstraint(f"score BETWEEN {scale.LOWEST} AND {scale.HIGHEST}", name="score_range"),
        sa.CheckConstraint("NOT (not_assessed AND score IS NOT NULL)",
                           name="scored_or_not_assessed"),
    )


class ScorecardRevision(db.Model):
    """The content of a scorecard as submitted, and as each amendment left it."""

    __tablename__ = "scorecard_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(sa.ForeignKey("scorecards.id", ondelete="CASCADE"))
    number: Mapped[int]
    content: Mapped[dict] = mapped_column(JSONDocument)
    reason: Mapped[str | None] = mapped_column(sa.Text)  # None for the first submission
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    scorecard: Mapped[Scorecard] = relationship(back_populates="revisions")
    author: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("scorecard_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint("number = 1 OR length(reason) > 0", name="amendment_has_reason"),
    )


class Decision(db.Model):
    """The committee's decision on an application, beside the outcome the engine recommended.

    Decisions are never updated: a change of mind is a new row that supersedes the last.
    """

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    recommended_outcome: Mapped[str] = mapped_column(sa.String(20))
    explanation: Mapped[dict] = mapped_column(JSONDocument)
    final_outcome: Mapped[str] = mapped_column(sa.String(20))
    rationale: Mapped[str] = mapped_column(sa.Text)
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("decisions.id", ondelete="RESTRICT"), unique=True
    )

    application: Mapped[Application] = relationship(back_populates="decisions")
    decided_by: Mapped[User] = relationship()
    supersedes: Mapped[Decision | None] = relationship(remote_side=[id])

    __table_args__ = (
        one_of("recommended_outcome", Outcome),
        one_of("final_outcome", FinalOutcome),
        sa.CheckConstraint("length(rationale) > 0", name="rationale_given"),
    )


class AuditEvent(db.Model):
    """Who did what to which record, and when."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The trail outlives the account: removing a user keeps their events, unattributed.
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(64))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSONDocument, default=dict)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)


class ApiToken(db.Model):
    """A bearer token for the REST API; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class AccountLinkPurpose(StrEnum):
    """What a mailed account link lets its holder do."""

    INVITATION = "invitation"  # set the first password of an invited account
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose) set a new password


class AccountLink(db.Model):
    """A link an admin had mailed to a user to set a password, once, before it expires.

    Only the token's SHA-256 is stored; a newer link of the user, setting a password by any
    link, or deactivating the account uses up the links still open.
    """

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (one_of("purpose", AccountLinkPurpose),)


class Job(db.Model):
    """A long piece of work done outside the request, and where it has got to.

    Committee packets and large exports are jobs; the file a job makes is kept in job_chunks
    until it expires.
    """

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(200))
    params: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    # The file holds what its requester was allowed to see: it goes with their account.
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(sa.String(16), default=JobStatus.QUEUED)
    error: Mapped[str | None] = mapped_column(sa.Text)
    filename: Mapped[str | None] = mapped_column(sa.String(200))
    mimetype: Mapped[str | None] = mapped_column(sa.String(100))
    size: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    requested_by: Mapped[User] = relationship()

    __table_args__ = (
        one_of("status", JobStatus),
        # A user's files, newest first, paged by key.
        sa.Index("ix_jobs_requested_by_id_created_at_id", "requested_by_id", "created_at", "id"),
    )


class JobChunk(db.Model):
    """One piece of a job's file, in order; pieces keep memory flat however big the file."""

    __tablename__ = "job_chunks"

    job_id: Mapped[int] = mapped_column(BigID, sa.ForeignKey("jobs.id", ondelete="CASCADE"),
                                        primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


# Summary tables: figures the pages read instead of counting the year on every request
# (analytics/summaries.py keeps them). Each row holds counts or statistics only, never a
# person's data, and says when it was computed.


class ApplicationCount(db.Model):
    """How many applications of an opening have one status and came from one source."""

    __tablename__ = "application_counts"

    opening_id: Mapped[int] = mapped_column(
        sa.ForeignKey("openings.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    applications: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StageFigures(db.Model):
    """One application's panel at one stage: its scorecards, those submitted, those for hiring.

    A row exists while the application has an interview of the stage that is not cancelled.
    """

    __tablename__ = "stage_figures"

    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    stage_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    opening_id: Mapped[int] = mapped_column(sa.ForeignKey("openings.id", ondelete="CASCADE"))
    referral: Mapped[bool]
    scorecards: Mapped[int]  # of the stage's panels, in any state but withdrawn
    submitted: Mapped[int]
    hires: Mapped[int]  # submitted scorecards recommending hire or strong hire
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        # Holds every column an opening's funnel and stage counts read, so they are read from
        # the index alone instead of from rows spread over the table.
        sa.Index("ix_stage_figures_opening", "opening_id", "stage_key", "referral",
                 "application_id", "scorecards", "submitted", "hires"),
    )


class ApplicationOutcome(db.Model):
    """What the decision engine makes of an application's panel, before any calibration.

    scores maps each export column (``score_<stage>`` and ``overall``) to its rounded score,
    null where the stage has none; outcome is the recommended outcome. A row exists for an
    application with at least one interview once computed; it is recomputed whenever a change
    moves its panel (analytics/upkeep.py). An application never interviewed has none: its
    result is its loop's alone.
    """

    __tablename__ = "application_outcomes"

    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    scores: Mapped[dict] = mapped_column(JSONDocument)
    outcome: Mapped[str] = mapped_column(sa.String(20))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AgreementFit(db.Model):
    """How far one rubric's interviewers agree, from the crossed model, as last fitted.

    competency_key is a competency's key, or '' for the stage score (the scorecard's weighted
    mean of its competencies, what the committee decides on). The variances are the
    candidate, interviewer and residual parts of a score (core/variance.py); one_rater and
    panel are the reliabilities of one interviewer and of a panel of panel_size, each with a
    95% interval; alpha is ordinal Krippendorff's alpha (competencies only). Figures are
    null where the data cannot support them (fewer than MIN_CANDIDATES candidates with two
    interviewers). The window is the submission times the fit read.
    """

    __tablename__ = "agreement_fits"

    rubric_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    competency_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    candidates: Mapped[int]  # candidates (interviews) with at least one score
    paired: Mapped[int]  # of them, scored by two interviewers or more
    raters: Mapped[int]
    ratings: Mapped[int]
    panel_size: Mapped[float | None] = mapped_column(sa.Float)
    candidate_variance: Mapped[float | None] = mapped_column(sa.Float)
    rater_variance: Mapped[float | None] = mapped_column(sa.Float)
    residual_variance: Mapped[float | None] = mapped_column(sa.Float)
    one_rater: Mapped[float | None] = mapped_column(sa.Float)
    one_rater_low: Mapped[float | None] = mapped_column(sa.Float)
    one_rater_high: Mapped[float | None] = mapped_column(sa.Float)
    panel: Mapped[float | None] = mapped_column(sa.Float)
    panel_low: Mapped[float | None] = mapped_column(sa.Float)
    panel_high: Mapped[float | None] = mapped_column(sa.Float)
    consistency: Mapped[float | None] = mapped_column(sa.Float)  # one rater, leniency aside
    alpha: Mapped[float | None] = mapped_column(sa.Float)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RaterEffect(db.Model):
    """One interviewer's leniency with one rubric over a period, from the crossed model.

    effect is how many points of the scale above (+) or below (-) the model expects of an
    average interviewer their stage scores sit, shrunk toward zero the fewer scorecards it
    rests on (a best linear unbiased prediction); error is its standard error. span
    'window' covers the whole fitting window (the calibration offset); 'quarter' rows cover
    its quarters, the interviewer's drift.
    """

    __tablename__ = "rater_effects"

    rubric_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    interviewer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    span: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    period_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    effect: Mapped[float] = mapped_column(sa.Float)
    error: Mapped[float] = mapped_column(sa.Float)
    scorecards: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_rater_effects_interviewer", "interviewer_id", "span"),)


class PanelSpread(db.Model):
    """How far apart one rubric's panelists' stage scores were on its latest interviews.

    spread is the pooled standard deviation within the panels of two or more submitted
    scorecards among the rubric's latest interviews (SPREAD_INTERVIEWS of analytics/
    measurement.py), over `panels` such panels; null when there was none. The committee's
    standard errors blend each panel's own spread with it. Stored by the measurement fit, so
    no request reads those thousands of ratings.
    """

    __tablename__ = "panel_spreads"

    rubric_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    spread: Mapped[float | None] = mapped_column(sa.Float)
    panels: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InterviewerHabits(db.Model):
    """How one interviewer scores with one rubric over the window (core/habits.py).

    figures maps each habit to {value, low, high, norm, scorecards, flagged}, plus
    median_delay_hours.
    """

    __tablename__ = "interviewer_habits"

    rubric_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    interviewer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    scorecards: Mapped[int]
    flags: Mapped[int]  # habits flagged, leniency included
    figures: Mapped[dict] = mapped_column(JSONDocument)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_interviewer_habits_interviewer", "interviewer_id"),)


class SelfIdentification(db.Model):
    """One voluntary self-identification answer of a candidate, kept apart from the rest.

    Only the fairness role and admins read it (fairness/services.py, every read audited);
    nothing else joins it. item and answer are keys of the configured questionnaire.
    Erasing the candidate deletes their answers.
    """

    __tablename__ = "self_identifications"

    candidate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True)
    item: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    answer: Mapped[str] = mapped_column(sa.String(64))
    source: Mapped[str] = mapped_column(sa.String(20))  # candidate (their page) or import
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.CheckConstraint("source IN ('candidate', 'import')",
                                         name="source_known"),)


class SelectionCount(db.Model):
    """How many applications of one opening and month reached a step and passed it, per answer.

    Anonymous: no row names anyone. Live rows (kept False) are counted again from the
    applications by fairness/counts.py; kept rows hold what erased candidates and answers past
    their retention contributed, so that past periods still add up (29 CFR 1607.4, 1602.14).
    month is "YYYY-MM" of the application, in UTC; answer is "unanswered" without one.
    """

    __tablename__ = "selection_counts"

    item: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    opening_id: Mapped[int] = mapped_column(
        sa.ForeignKey("openings.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[str] = mapped_column(sa.String(7), primary_key=True)
    step: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    answer: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    kept: Mapped[bool] = mapped_column(primary_key=True)
    reached: Mapped[int]
    passed: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.CheckConstraint("passed >= 0 AND passed <= reached",
                                         name="passed_within_reached"),)


class ScoreSum(db.Model):
    """Sums of scores per opening, month, stage and self-identification answer, to compare groups.

    Anonymous, as SelectionCount, and kept the same way (fairness/counts.py). A row sums either
    one competency's scores, each application's mean over its panel (competency set,
    interviewer_id 0), or one interviewer's scorecards, each its mean rating (competency "",
    interviewer_id set): n scores, their total and the total of their squares.
    """

    __tablename__ = "score_sums"

    item: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    opening_id: Mapped[int] = mapped_column(
        sa.ForeignKey("openings.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[str] = mapped_column(sa.String(7), primary_key=True)
    stage: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    competency: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    interviewer_id: Mapped[int] = mapped_column(primary_key=True)  # 0: the panel, not one
    answer: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    kept: Mapped[bool] = mapped_column(primary_key=True)
    n: Mapped[int]
    total: Mapped[float] = mapped_column(sa.Float)
    squares: Mapped[float] = mapped_column(sa.Float)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoopSelectionCount(db.Model):
    """The selection counts of a loop's openings added up, live and kept, for a loop's report.

    Rolled up from selection_counts whenever those change (fairness/counts.py).
    """

    __tablename__ = "loop_selection_counts"

    item: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    loop: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    month: Mapped[str] = mapped_column(sa.String(7), primary_key=True)
    step: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    answer: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    reached: Mapped[int]
    passed: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)  # its oldest live count's


class LoopScoreSum(db.Model):
    """The score sums of a loop's openings added up, live and kept, for a loop's report."""

    __tablename__ = "loop_score_sums"

    item: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    loop: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    month: Mapped[str] = mapped_column(sa.String(7), primary_key=True)
    stage: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    competency: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    interviewer_id: Mapped[int] = mapped_column(primary_key=True)
    answer: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    n: Mapped[int]
    total: Mapped[float] = mapped_column(sa.Float)
    squares: Mapped[float] = mapped_column(sa.Float)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SelfIdentificationLink(db.Model):
    """A link HR sent a candidate to answer the self-identification questions, once.

    Only the token's SHA-256 is stored; the link works until expires_at and once.
    """

    __tablename__ = "self_identification_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    candidate: Mapped[Candidate] = relationship()
    created_by: Mapped[User | None] = relationship()



HIRE_OUTCOME_NOTE_MAX = 2000  # characters of HR's note on how a hire turned out


class HireOutcome(db.Model):
    """How a hire turned out: performance ratings at 6 and 12 months, still employed at 12.

    Only an application whose decision in force is hire has one (hr/services/outcomes.py).
    Ratings are positions on the configured PERFORMANCE_SCALE, 1 its lowest label. It is the
    hired person's data: erasing the candidate deletes it, and the retention rule deletes it
    HIRE_OUTCOME_RETENTION_MONTHS after the hire decision.
    """

    __tablename__ = "hire_outcomes"

    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    rating_6_months: Mapped[int | None]
    rating_12_months: Mapped[int | None]
    employed_12_months: Mapped[bool | None]
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))

    recorded_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("rating_6_months >= 1", name="rating_6_months_on_scale"),
        sa.CheckConstraint("rating_12_months >= 1", name="rating_12_months_on_scale"),
        sa.CheckConstraint(f"length(note) BETWEEN 1 AND {HIRE_OUTCOME_NOTE_MAX}",
                           name="note_length"),
    )


class NotificationStatus(StrEnum):
    """Where a mail in the outbox has got to."""

    QUEUED = "queued"  # waiting for its next attempt
    SENT = "sent"
    FAILED = "failed"  # gave up after NOTIFICATION_MAX_ATTEMPTS


class Notification(db.Model):
    """A mail to one user, written in the transaction of the change it tells of (an outbox).

    A change rolled back leaves no mail; a committed one leaves a mail that delivery sends,
    retrying with back-off (notifications/delivery.py). Subject, body and invitation may name
    the candidate, so erasing them deletes the mails of their applications, and sent mails go
    after NOTIFICATION_KEEP_DAYS.
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                              index=True)
    cc: Mapped[list] = mapped_column(JSONDocument, default=list)  # addresses copied
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    calendar: Mapped[str | None] = mapped_column(sa.Text)  # an iCalendar invitation, if any
    calendar_method: Mapped[str | None] = mapped_column(sa.String(10))  # REQUEST or CANCEL
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    interview_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    # A seat taken off a panel deletes its scorecard; the mail telling of it stays.
    scorecard_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("scorecards.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(sa.String(10), default=NotificationStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)  # the server's words, no content

    recipient: Mapped[User] = relationship()

    __table_args__ = (
        one_of("status", NotificationStatus),
        sa.CheckConstraint("calendar_method IN ('REQUEST', 'CANCEL')", name="calendar_method"),
        sa.CheckConstraint("(calendar IS NULL) = (calendar_method IS NULL)",
                           name="calendar_has_method"),
        # Delivery's walk: the queued mails whose attempt is due.
        sa.Index("ix_notifications_due", "status", "next_attempt_at"),
    )


class NotificationPreference(db.Model):
    """Which mails one user chose to get; a user without a row gets them all."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    panel: Mapped[bool] = mapped_column(default=True)  # invitations, moves, cancellations
    reminders: Mapped[bool] = mapped_column(default=True)  # scorecards due, and copies of them
    committee: Mapped[bool] = mapped_column(default=True)  # applications ready for a decision
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ScorecardReminder(db.Model):
    """One reminder of a scorecard not submitted, by the schedule or by HR's button.

    The schedule is worked out from these rows (notifications/reminders.py); the unique number
    per scorecard lets only one of two schedulers racing record the same reminder.
    """

    __tablename__ = "scorecard_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(
        sa.ForeignKey("scorecards.id", ondelete="CASCADE"))
    number: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    escalated_to: Mapped[list] = mapped_column(JSONDocument, default=list)  # user ids copied
    by_id: Mapped[int | None] = mapped_column(  # HR's button; None: the schedule
        sa.ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        sa.UniqueConstraint("scorecard_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )


class SchedulerLease(db.Model):
    """Which scheduler process may act, until when: one row per deployment-wide lease."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(100))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When each periodic task last ran, by name (daily and nightly work).
    last_runs: Mapped[dict] = mapped_column(JSONDocument, default=dict)
