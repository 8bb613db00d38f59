"""How hires turned out: HR records performance ratings and whether the person stayed.

Only an application whose decision in force (the one no later decision supersedes) is hire
has outcomes. A rating is a position on the configured PERFORMANCE_SCALE, 1 its lowest label;
the note is free text about a person, so it is never copied into the audit trail, and the
whole record goes with the candidate's erasure and with the retention rule.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from ... import audit
from ...authz import Action, Area, require
from ...core.errors import Invalid, NotVisible
from ...core.vocabulary import FinalOutcome
from ...extensions import db
from ...models import HIRE_OUTCOME_NOTE_MAX, Application, Decision, HireOutcome, User, utcnow

RATINGS = ("rating_6_months", "rating_12_months")
FIELDS = (*RATINGS, "employed_12_months", "note")


class OutcomeRefused(Invalid):
    """Raised when an outcome cannot be stored as given; the message names the field."""


def performance_scale() -> tuple[str, ...]:
    """Return the configured performance scale's labels, lowest first."""
    return tuple(current_app.config["PERFORMANCE_SCALE"])


def hires_in_force() -> sa.Select:
    """Return a query of (application_id, decided_at) of the hire decisions in force."""
    later = aliased(Decision)
    return (sa.select(Decision.application_id, Decision.decided_at)
            .where(Decision.final_outcome == FinalOutcome.HIRE,
                   ~sa.exists().where(later.supersedes_id == Decision.id)))


def is_hired(application_id: int) -> bool:
    """Tell whether the application's decision in force is hire."""
    found = hires_in_force().subquery()
    return db.session.scalar(sa.select(sa.exists().where(
        found.c.application_id == application_id))) or False


def read_outcome(actor: User, application_id: int) -> HireOutcome | None:
    """Return the application's recorded outcome (None if none yet), for HR and admins."""
    _application(actor, application_id)
    return db.session.get(HireOutcome, application_id)


def record_outcome(actor: User, application_id: int, *, rating_6_months: int | None = None,
                   rating_12_months: int | None = None,
                   employed_12_months: bool | None = None,
                   note: str | None = None) -> HireOutcome:
    """Replace a hired application's outcome with these values; None leaves a field unknown.

    Raises OutcomeRefused for an application not decided hire, a rating off the scale or a
    note too long; nothing is stored then. The audit event names the fields that changed.
    """
    application = _application(actor, application_id)
    if application.candidate.erased_at is not None:
        raise OutcomeRefused("The candidate's personal data was erased: no outcome can be "
                             "recorded for this application.")
    if not is_hired(application_id):
        raise OutcomeRefused("Outcomes are recorded only for hires: the committee's decision "
                             "in force on this application is not hire.")
    labels = performance_scale()
    given = {"rating_6_months": rating_6_months, "rating_12_months": rating_12_months,
             "employed_12_months": employed_12_months, "note": (note or "").strip() or None}
    for name in RATINGS:
        value = given[name]
        if value is not None and (isinstance(value, bool) or value not in range(
                1, len(labels) + 1)):
            allowed = ", ".join(f"{n} ({label})" for n, label in enumerate(labels, 1))
            raise OutcomeRefused(f"{_TITLES[name]} must be one of {allowed}, or left empty; "
                                 f"{value!r} is not on the scale.", name)
    if given["note"] and len(given["note"]) > HIRE_OUTCOME_NOTE_MAX:
        raise OutcomeRefused(f"The note has {len(given['note'])} characters; keep it within "
                             f"{HIRE_OUTCOME_NOTE_MAX}.", "note")
    outcome = db.session.get(HireOutcome, application_id)
    if outcome is None:
        outcome = HireOutcome(application_id=application_id)
        db.session.add(outcome)
    changed = [name for name in FIELDS if getattr(outcome, name) != given[name]]
    for name in FIELDS:
        setattr(outcome, name, given[name])
    outcome.recorded_at, outcome.recorded_by = utcnow(), actor
    audit.record(actor, "hire_outcome.recorded", application, fields=changed)
    db.session.commit()
    return outcome


_TITLES = {"rating_6_months": "The rating at 6 months",
           "rating_12_months": "The rating at 12 months"}


def _application(actor: User, application_id: int) -> Application:
    require(actor, Action.VIEW, Area.PIPELINE)
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotVisible("There is no such application.")
    require(actor, Action.MANAGE, application)
    require(actor, Action.VIEW, application)  # an owed scorecard hides the decision
    return application
