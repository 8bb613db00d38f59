"""Build packets: plain values from the committee's summary, a fingerprint, a cached PDF.

A packet is cached under the fingerprint of its content (and of the templates that lay it
out), so it is served again without rendering until something in it changes.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from blinker import Namespace
from flask import current_app, render_template
from markupsafe import Markup

from ..authz import Action, can, owed_applications
from ..committee.services import CandidateSummary, candidate_summary
from ..core.explanation import policy_terms, recommendation_block
from ..core.scale import rounded
from ..core.vocabulary import ApplicationStatus
from ..downloads import name_part
from ..extensions import db
from ..interviews.services import answers_of
from ..models import Application, Candidate, Opening, User, utcnow
from ..progress import Progress

TEMPLATES = ("packets/candidate.html", "packets/_style.css", "packets/_running.css",
             "packets/meeting.html", "_macros/recommendation.html")
_signals = Namespace()
# Sent with the application's id when its packet is laid out and about to be cached: the
# moment an erasure must not slip past (instrumentation and tests listen to it).
packet_rendered = _signals.signal("packet-rendered")


class ErasedMeanwhile(Exception):
    """A candidate was erased while their packet was made; nothing of it was kept."""


@dataclass(frozen=True)
class Packet:
    """A PDF (or a zip of PDFs) ready to send."""

    data: bytes
    filename: str
    mimetype: str
    fingerprint: str
    application_ids: tuple[int, ...] = ()


def candidate_context(found: CandidateSummary, private_notes: bool) -> dict:
    """Return everything a candidate's packet shows, as plain JSON-ready values."""
    application, summary = found.application, found.summary
    interviews = sorted((i for i in application.interviews if not i.cancelled),
                        key=lambda i: i.scheduled_at)
    stages = []
    for stage in summary.raw.stages:
        cards = [s for s in found.scorecards if s.interview.stage_key == stage.key]
        rubric = found.rubrics.get(stage.key)
        stages.append({
            "key": stage.key, "title": stage.title, "round": found.loop.stage(stage.key).round,
            "score": rounded(stage.score), "submitted": stage.submitted,
            "min_panel": stage.min_panel,
            "calibrated": rounded(summary.calibrated.stage(stage.key).score)
            if summary.calibrated else None,
            "competencies": [{"title": c.title, "mean": rounded(c.mean), "count": c.count,
                              "low": c.low, "high": c.high, "must_pass": c.must_pass}
                             for c in stage.competencies],
            "panelists": [_panelist(card, rubric, found, private_notes) for card in cards],
        })
    latest = application.decisions[-1] if application.decisions else None
    return {
        "application_id": application.id,
        "candidate": application.candidate.name,
        "opening": application.opening.title,
        "source": application.source, "referrer": application.referrer,
        "loop": found.loop.title,
        "first_interview": _day(interviews[0].scheduled_at) if interviews else None,
        "last_interview": _day(interviews[-1].scheduled_at) if interviews else None,
        "recommendation": summary.to_document(),
        "outcome_label": summary.outcome.label,
        # The block the committee's page shows too, and the policy it was decided by.
        "block": recommendation_block(summary, found.loop.policy),
        "policy": policy_terms(found.loop, found.rubrics),
        "stages": stages,
        "decision": {"final": latest.final_outcome.replace("_", " ").capitalize(),
                     "rationale": latest.rationale, "by": latest.decided_by.name,
                     "at": _when(latest.decided_at)} if latest else None,
        "rubric_versions": sorted({
            (i.rubric_version.key, i.rubric_version.version, i.rubric_version.title,
             i.rubric_version.content_hash[:12]) for i in interviews}),
        "private_notes": private_notes,
        # Which model and window the calibrated scores come from (the fit's time included, so
        # a new fit makes a new packet).
        "calibration_fit": {"window_start": _day(fit.window_start),
                            "window_end": _day(fit.window_end),
                            "computed_at": _when(fit.computed_at)}
        if (fit := found.calibration_fit) else None,
    }


def _panelist(card, rubric, found: CandidateSummary, private_notes: bool) -> dict:
    answers = answers_of(card)
    offset = found.offsets.get((card.interview.stage_key, card.interviewer_id))
    ratings = []
    for competency in rubric.competencies if rubric else ():
        answer = answers.rating(competency.key)
        ratings.append({
            "title": competency.title, "score": answer.score,
            "not_assessed": answer.not_assessed,
            "level": rubric.scale[answer.score].label if answer.score else None,
            "anchor": competency.anchors[answer.score] if answer.score else None,
            "evidence": answer.evidence,
        })
    return {
        "name": card.interviewer.name,
        "submitted_at": _when(card.submitted_at),
        "revisions": len(card.revisions),
        "recommendation": answers.recommendation.label if answers.recommendation else None,
        "takeaways": answers.takeaways,
        "private_note": answers.private_note if private_notes else None,
        "calibration": {"effect": rounded(offset.effect), "low": rounded(offset.low),
                        "high": rounded(offset.high), "scorecards": offset.scorecards}
        if offset else None,
        "ratings": ratings,
    }


def _day(value: datetime) -> str:
    return f"{value.day} {value:%b %Y}"


def _when(value: datetime | None) -> str | None:
    return None if value is None else f"{value.day} {value:%b %Y, %H:%M} UTC"


def fingerprint(context: dict) -> str:
    """Return a short hash of a packet's content and of the templates that lay it out."""
    digest = hashlib.sha256(_layout_hash().encode())
    digest.update(json.dumps(context, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


@cache
def _layout_hash() -> str:
    folder = Path(current_app.template_folder)
    return hashlib.sha256(b"".join((folder / name).read_bytes() for name in TEMPLATES)
                          ).hexdigest()


def _cache_name(context: dict, key: str) -> str:
    """Name a cached packet by its application too, so that erasure can find its files."""
    return f"{context['application_id']}-{key}"


def forget_packets(application_ids: list[int]) -> int:
    """Delete the cached packets of these applications; return how many files went."""
    folder = Path(current_app.config["PACKET_CACHE_DIR"])
    removed = 0
    for application_id in application_ids:
        for path in folder.glob(f"{int(application_id)}-*.pdf"):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def prune_packet_cache(unused_for: timedelta) -> int:
    """Delete cached packets nobody has asked for in this long; return how many went."""
    folder = Path(current_app.config["PACKET_CACHE_DIR"])
    cutoff = time.time() - unused_for.total_seconds()
    removed = 0
    for path in folder.glob("*.pdf"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another process pruned it first
            continue
    return removed


def _cached(key: str, build, application_id: int) -> tuple[bytes, bool]:
    """Return the cached file for this key, building and storing it when it is missing.

    Also return whether the file is the cache's. A file built for a candidate erased
    meanwhile (or before) is never stored: the check and the write happen while holding the
    candidate's row, which erasure changes before it deletes the cached files.
    """
    folder = Path(current_app.config["PACKET_CACHE_DIR"])
    path = folder / f"{key}.pdf"
    try:
        data = path.read_bytes()
        path.touch()  # used now: pruning goes by the time of last use
        return data, True
    except FileNotFoundError:
        pass
    data = build()
    packet_rendered.send(current_app._get_current_object(), application_id=application_id)
    # A connection of its own: the caller's session and transaction stay as they are.
    with db.engine.begin() as connection:
        candidate = sa.select(Application.candidate_id).where(Application.id == application_id)
        held = connection.execute(sa.update(Candidate).where(
            Candidate.id == candidate.scalar_subquery(), Candidate.erased_at.is_(None))
            .values(erased_at=None)).rowcount  # a change to nothing: it takes the row's lock
        if not held:
            return data, False
        folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)  # atomic: a reader never sees half a file
    return data, True


@dataclass(frozen=True)
class Numbering:
    """Where a document's pages fall in the file it is part of: its first page, and of how many.

    total None is a document that is the whole file, which counts its own pages.
    """

    first: int = 1
    total: int | None = None


def _html(context: dict, print_fingerprint: str, numbering: Numbering = Numbering()) -> str:
    """Return a candidate packet's HTML, its pages numbered as told."""
    now = utcnow()
    generated = _when(now)
    return render_template(
        "packets/candidate.html", packet=context, fingerprint=print_fingerprint,
        generated=generated, created=now.isoformat(timespec="seconds"),
        name_lang=name_language(context["candidate"]),
        running=_running(context["candidate"], generated, print_fingerprint, numbering,
                         name_language(context["candidate"])))


def _job(context: dict, print_fingerprint: str) -> tuple[str, list[str | None]]:
    """Return a candidate packet's HTML and the language of its one top heading, the name."""
    return _html(context, print_fingerprint), [name_language(context["candidate"])]


def name_language(name: str) -> str | None:
    """Return the language a name is written in, where its script tells it, else None.

    Kana is written only in Japanese and Hangul only in Korean; Han characters alone may be
    Chinese or Japanese and Latin letters any of many languages, so those say nothing.
    """
    for char in name:
        words = unicodedata.name(char, "").split()
        if "HIRAGANA" in words or ("KATAKANA" in words and "LETTER" in words):
            return "ja"  # not the katakana middle dot, which Chinese uses in foreign names
        if "HANGUL" in words:
            return "ko"
    return None


def _running(title: str, generated: str | None, print_fingerprint: str,
             numbering: Numbering = Numbering(), lang: str | None = None) -> dict:
    """Return the running header's and footer's values, each a CSS value safe to print."""
    return {"title": _css_string(title), "generated": _css_string(generated or ""),
            "fingerprint": _css_string(print_fingerprint), "lang": lang,
            "first_page": int(numbering.first),
            "pages": Markup("counter(pages)") if numbering.total is None
            else _css_string(str(int(numbering.total)))}


def _css_string(text: str) -> Markup:
    """Return text as a CSS string that none of its characters can end, nor the style element."""
    return Markup('"{}"').format("".join(
        char if char.isascii() and (char.isalnum() or char == " ") else f"\\{ord(char):x} "
        for char in text))


def candidate_packet(actor: User | None, application_id: int) -> Packet | None:
    """Return the PDF packet of one application, or None if the actor may not see it.

    actor None is the command line, which sees everything.
    """
    found = candidate_summary(actor, application_id)
    if found is None:
        return None
    from .render import render  # WeasyPrint loads on first use, not in every app process

    context = candidate_context(found, _private_notes(actor, found))
    key = fingerprint(context)
    static = Path(current_app.static_folder)

    def build() -> bytes:
        html, languages = _job(context, key)
        return render(html, static, languages).pdf

    data, cached = _cached(_cache_name(context, key), build, application_id)
    if not cached and not _erased(found):
        # Erased while it was laid out: what was read is gone, so make it again from now.
        db.session.expire_all()
        return candidate_packet(actor, application_id)
    return Packet(data, f"packet-{_slug(context['candidate'])}-{application_id}.pdf",
                  "application/pdf", key)


def _erased(found: CandidateSummary) -> bool:
    return found.application.candidate.erased_at is not None


def _private_notes(actor: User | None, found: CandidateSummary) -> bool:
    if actor is None:
        return True
    return bool(found.scorecards) and all(
        can(actor, Action.VIEW_PRIVATE_NOTE, s) for s in found.scorecards)


def _slug(name: str) -> str:
    return name_part(name) or "candidate"  # the name as written, in any script


def meeting_packet(actor: User | None, opening_key: str, as_zip: bool,
                   progress: Progress | None = None) -> Packet | None:
    """Return the packets of an opening's applications awaiting a decision.

    They come in one PDF with a table of contents, or as a zip of one PDF per candidate.
    Applications the actor still owes a scorecard on are left out (actor None, the command
    line, sees them all). progress, if given, is told after each step how many steps are done
    and how many there are in all (a candidate rendered for the cache, one laid out into the
    meeting's PDF, the PDF written).
    """
    opening = db.session.scalar(sa.select(Opening).where(Opening.key == opening_key))
    if opening is None:
        return None
    awaiting = sa.select(Application.id).where(Application.opening_id == opening.id,
                                               Application.status == ApplicationStatus.COMMITTEE)
    if actor is not None:
        awaiting = awaiting.where(Application.id.not_in(owed_applications(actor)))
    ids = db.session.scalars(awaiting.order_by(Application.id)).all()
    contexts, erased = [], []
    for application_id in ids:
        found = candidate_summary(actor, application_id, missing_ok=True)
        if found is not None:
            contexts.append(candidate_context(found, _private_notes(actor, found)))
            erased.append(_erased(found))
    keys = [fingerprint(context) for context in contexts]
    steps = _Steps(progress, 0 if as_zip else len(contexts) + 1)
    pdfs = _render_missing(contexts, keys, erased, steps)
    combined = hashlib.sha256("".join(keys).encode()).hexdigest()[:16]
    included = tuple(context["application_id"] for context in contexts)
    if as_zip:
        return Packet(_zip(contexts, pdfs), f"packets-{opening.key}.zip", "application/zip",
                      combined, included)
    return Packet(_meeting_pdf(opening, contexts, keys, pdfs, combined, steps),
                  f"packets-{opening.key}.pdf", "application/pdf", combined, included)


class _Steps:
    """Count a meeting packet's steps and tell the caller after each one."""

    def __init__(self, progress: Progress | None, planned: int):
        self.progress, self.total, self.done = progress, planned, 0

    def plan(self, more: int) -> None:
        self.total += more

    def step(self) -> None:
        self.done += 1
        self.total = max(self.total, self.done)  # a cached file pruned meanwhile is one more
        if self.progress is not None:
            self.progress(self.done, self.total)


def _render_missing(contexts: list[dict], keys: list[str], erased: list[bool],
                    steps: _Steps) -> list[bytes]:
    """Return every candidate's PDF, rendering the ones not cached yet into the cache.

    Raise ErasedMeanwhile when a candidate was erased after their data was read.
    """
    from .render import render

    folder = Path(current_app.config["PACKET_CACHE_DIR"])
    names = [_cache_name(context, key) for context, key in zip(contexts, keys, strict=True)]
    steps.plan(sum(not (folder / f"{name}.pdf").exists() for name in names))

    def build(i: int) -> bytes:
        html, languages = _job(contexts[i], keys[i])
        pdf = render(html, Path(current_app.static_folder), languages).pdf
        steps.step()
        return pdf

    pdfs = []
    for i, name in enumerate(names):
        data, cached = _cached(name, lambda i=i: build(i), contexts[i]["application_id"])
        if not cached and not erased[i]:
            raise ErasedMeanwhile("A candidate of this packet was erased while it was being "
                                  "made, so nothing of it was kept. Start it again.")
        pdfs.append(data)
    return pdfs


def _zip(contexts: list[dict], pdfs: list[bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for number, (context, pdf) in enumerate(zip(contexts, pdfs, strict=True), start=1):
            archive.writestr(f"{number:02d}-{_slug(context['candidate'])}.pdf", pdf)
    return out.getvalue()


def _meeting_pdf(opening: Opening, contexts: list[dict], keys: list[str], pdfs: list[bytes],
                 key: str, steps: _Steps) -> bytes:
    """Return the meeting's PDF: the contents, then each candidate, numbered as one file.

    Each candidate's packet is laid out again knowing its first page and the file's total
    (the cached one numbers its own pages). Its length is the cached packet's, as the running
    header and footer sit in the margins and move nothing; should it differ all the same, the
    numbers are worked out again from the lengths found.
    """
    from .render import lay_out, page_count, write

    static = Path(current_app.static_folder)
    lengths = [page_count(pdf) for pdf in pdfs]
    for _ in range(3):
        cover, firsts, total = _contents(opening, contexts, lengths, key)
        documents = [cover]
        for context, packet_key, first in zip(contexts, keys, firsts, strict=True):
            documents.append(lay_out(_html(context, packet_key, Numbering(first, total)),
                                     static))
            steps.step()
        found = [len(document.pages) for document in documents[1:]]
        if found == lengths:
            break
        lengths = found
        steps.plan(len(contexts))
    else:
        raise RuntimeError("The candidates' packets change length each time they are laid "
                           "out, so the meeting packet cannot be numbered.")
    pdf = write(documents, [None, *(name_language(c["candidate"]) for c in contexts)])
    steps.step()
    return pdf


def _contents(opening: Opening, contexts: list[dict], lengths: list[int], key: str):
    """Return the meeting packet's laid-out contents, each candidate's first page, the total.

    The contents are laid out once to learn their own length, then with the page numbers
    (each entry a link to its candidate), again if the numbers made them longer.
    """
    from .render import lay_out

    now = _when(utcnow())

    def contents(firsts: list[int], numbering: Numbering):
        html = render_template(
            "packets/meeting.html", opening=opening.title, key=key, generated=now,
            created=utcnow().isoformat(timespec="seconds"),
            running=_running(opening.title, now, key, numbering),
            entries=[(context, first, length, name_language(context["candidate"]))
                     for context, first, length in zip(contexts, firsts, lengths,
                                                       strict=True)])
        return lay_out(html, Path(current_app.static_folder))

    laid_out = contents([0] * len(contexts), Numbering())
    for _ in range(3):
        own = len(laid_out.pages)
        firsts = [own + 1 + sum(lengths[:index]) for index in range(len(contexts))]
        total = own + sum(lengths)
        laid_out = contents(firsts, Numbering(1, total))
        if len(laid_out.pages) == own:
            return laid_out, firsts, total
    raise RuntimeError("The meeting packet's contents change length with their page numbers.")
