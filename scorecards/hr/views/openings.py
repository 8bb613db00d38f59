"""The openings: the list, an opening's pipeline and who answers for it, and its report."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ...authz import Action, Area, require
from ...core.vocabulary import ApplicationStatus
from ...downloads import content_disposition
from ...models import Opening
from ...paging import requested_page
from ..forms import SOURCE_LABELS, ApplicationForm, ContactsForm, OpeningForm
from ..services import reports
from ..services.candidates import AddedApplication, AlreadyApplied, add_application
from ..services.fields import PipelineError
from ..services.openings import (
    applications,
    contact_problems,
    create_opening,
    loop_choices,
    opening_by_key,
    opening_rows,
    pipeline,
    set_contacts,
)
from .common import PAGE_SIZE, attach, bp


@bp.route("/", methods=["GET", "POST"])
@login_required
def openings():
    """List the openings with their pipelines counted; open a new one."""
    require(current_user, Action.VIEW, Area.PIPELINE)
    form = OpeningForm()
    form.loop.choices = list(loop_choices().items())
    if form.is_submitted() and _valid_contacts(form):
        try:
            opening = create_opening(current_user, form.key.data, form.title.data, form.loop.data,
                                     form.team.data, hiring_manager=form.hiring_manager.data,
                                     hr_contact=form.hr_contact.data)
        except PipelineError as error:
            attach(form, error)
        else:
            flash(f"Opening {opening.title} created.", "success")
            return redirect(url_for(".opening", key=opening.key))
    page = requested_page(lambda after, before: opening_rows(
        limit=PAGE_SIZE, after=after, before=before), "the newest openings")
    return render_template("hr/openings.html", page=page, form=form,
                           statuses=list(ApplicationStatus)), 400 if form.errors else 200


@bp.route("/openings/<key>", methods=["GET", "POST"])
@login_required
def opening(key: str):
    """Show an opening's pipeline; add a candidate's application to it."""
    require(current_user, Action.VIEW, Area.PIPELINE)
    found = opening_by_key(key) or abort(404)
    form, existing = ApplicationForm(), None
    if form.validate_on_submit():
        try:
            added = add_application(
                current_user, found, form.name.data, form.source.data, email=form.email.data,
                phone=form.phone.data, location=form.location.data,
                referrer=form.referrer_given())
        except PipelineError as error:
            attach(form, error)
            existing = error.application_id if isinstance(error, AlreadyApplied) else None
        else:
            flash(_added_message(added, found), "success")
            return redirect(url_for(".application", application_id=added.application.id))
    return _render_opening(found, form, existing), 400 if form.errors else 200


@bp.post("/openings/<key>/contacts")
@login_required
def opening_contacts(key: str):
    """Name the hiring manager and HR contact of an opening."""
    require(current_user, Action.VIEW, Area.PIPELINE)
    found = opening_by_key(key) or abort(404)
    form = ContactsForm(prefix="contacts")
    if _valid_contacts(form):
        try:
            set_contacts(current_user, found, hiring_manager=form.hiring_manager.data,
                         hr_contact=form.hr_contact.data)
        except PipelineError as error:
            attach(form, error)
        else:
            flash("Who answers for the opening was saved.", "success")
            return redirect(url_for(".opening", key=found.key), code=303)
    return _render_opening(found, ApplicationForm(formdata=None), contacts=form), 400


@bp.get("/openings/<key>/contacts")
@login_required
def opening_form(key: str):
    """Answer a reload of the contacts form's address with the opening that holds the form."""
    return redirect(url_for(".opening", key=key))


def _valid_contacts(form: ContactsForm) -> bool:
    """Validate the form, naming each contact who is no active user beside the other problems."""
    valid = form.validate()
    for name, problem in contact_problems(form.hiring_manager.data,
                                          form.hr_contact.data).items():
        if not form[name].errors:
            form[name].errors.append(problem)
            valid = False
    return valid


def _added_message(added: AddedApplication, opening: Opening) -> str:
    """Say whose record took the application, and what of the typed details was not stored."""
    candidate = added.application.candidate
    if not added.returning:
        return f"{candidate.name} added to {opening.title}."
    parts = [f"{candidate.name} ({candidate.email}) is a candidate already: the application to "
             f"{opening.title} was added to their existing record, not to a new one."]
    parts += [f"The stored {kept.field}, '{kept.stored}', was kept; the {kept.field} typed, "
              f"'{kept.typed}', was not stored." for kept in added.kept]
    if added.filled:
        parts.append(f"Added to their record: {' and '.join(added.filled)}.")
    return " ".join(parts)


def _render_opening(opening: Opening, form: ApplicationForm, existing: int | None = None,
                    contacts: ContactsForm | None = None) -> str:
    status = request.args.get("status")
    status = ApplicationStatus(status) if status in set(ApplicationStatus) else None
    page = requested_page(lambda after, before: applications(
        opening, status=status, limit=PAGE_SIZE, after=after, before=before),
        "the newest applications")
    if contacts is None:
        now = opening.contacts
        contacts = ContactsForm(prefix="contacts", formdata=None, data={
            "hiring_manager": now.hiring_manager.email if now and now.hiring_manager else "",
            "hr_contact": now.hr_contact.email if now and now.hr_contact else ""})
    return render_template("hr/opening.html", opening=opening, counts=pipeline(opening),
                           sources=SOURCE_LABELS,
                           page=page, form=form, status=status, existing=existing,
                           contacts=contacts)


@bp.get("/openings/<key>/report")
@login_required
def report(key: str):
    """Show an opening's funnel through the loop and its time to decision."""
    require(current_user, Action.VIEW, Area.PIPELINE)
    found = opening_by_key(key) or abort(404)
    return render_template("hr/report.html", report=reports.opening_report(found, current_user))


@bp.get("/openings/<key>/report.csv")
@login_required
def report_csv(key: str):
    """Download an opening's funnel per stage as CSV."""
    require(current_user, Action.VIEW, Area.PIPELINE)
    found = opening_by_key(key) or abort(404)
    report = reports.opening_report(found, current_user)
    return Response(reports.report_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": content_disposition(f"{key}-report.csv")})
