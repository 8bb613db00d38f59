"""Generate a year of hiring at the company's volume into a database, seeded and reproducible.

    .venv/bin/python bench/year.py [--scale 1] [--seed 2026] [--end 2026-12-01]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/scorecards_year]
        [--sqlite PATH] [--replace]

At scale 1: about 1.5M applications over 300 openings in the 12 months before --end, 150k HR
screens, 50k technical interviews, 15k onsites, half a million scorecards and 2-3M ratings, by
2,000 interviewers. The schema is made by the app's own migrations and the rubrics and loop are
stored by the catalog, as `flask rubrics sync` does; the rows are then bulk loaded (PostgreSQL
COPY, SQLite executemany in one transaction), with ids given here. Every user's password is
PASSWORD (one hash, shared: hashing 2,000 passwords would take minutes).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scorecards.core.decision import recommend  # noqa: E402 (the checkout's own package)
from scorecards.core.panel import PanelScorecard  # noqa: E402
from scorecards.core.vocabulary import Recommendation  # noqa: E402

PASSWORD = "year-bench-password"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/scorecards_year"
DEFAULT_SEED = 2026
LOOP_KEY = "backend-engineer"

# Shares of the funnel at scale 1 (the company's figures): 1.5M applications, 10% screened by
# HR, a third of those to the technical interview, 30% of those to the onsite.
APPLICATIONS = 1_500_000
OPENINGS = 300
INTERVIEWERS = 2_000
RECRUITERS = 130  # HR: they hold the HR screens, so a busy one has about 1,100 a year
COMMITTEE = 30
SCREENED = 0.10
REPEAT_CANDIDATE = 0.10  # applications by someone who applied to another opening before
OVERDUE = 0.01  # past interviews' scorecards never submitted
AMENDED = 0.005
WITHDRAWN = 0.04
GROWTH = 0.33

FIRST = ["Åsa", "Ana", "Björn", "Chen", "Chloé", "Daniel", "Dmitri", "Élodie", "Emma", "Farah",
         "Fatima", "Gustav", "Hana", "Ibrahim", "Ingrid", "Jakub", "José", "Julia", "Kenji",
         "Lars", "Léa", "Lucas", "Maja", "Marta", "Mateo", "Mei", "Nadia", "Noah", "Olga",
         "Omar", "Paula", "Priya", "Rafael", "Rania", "Sami", "Sofía", "Søren", "Tomás",
         "Yara", "Zoë"]
LAST = ["Andersson", "Bauer", "Costa", "Dubois", "Eriksson", "Fernández", "García", "Hansen",
        "Ito", "Jensen", "Kowalski", "Lindqvist", "Müller", "Nakamura", "Novák", "O'Brien",
        "Petrov", "Quinn", "Rossi", "Šimek", "Schmidt", "Silva", "Tanaka", "Uddin", "Van Dijk",
        "Wang", "Weiß", "Yılmaz", "Zhang", "Østergaard"]
ASCII = str.maketrans({"Å": "a", "å": "a", "ä": "a", "á": "a", "é": "e", "É": "e", "í": "i",
                       "ó": "o", "ö": "o", "ø": "o", "Ø": "o", "ü": "u", "ß": "ss", "š": "s",
                       "Š": "s", "ı": "i", "ë": "e", "'": "", " ": ""})
LOCATIONS = ["Stockholm", "Berlin", "Lisbon", "Warsaw", "Madrid", "Paris", "Amsterdam",
             "London", "Prague", "Remote (EU)", "Copenhagen", "Tallinn"]
TITLES = ["Backend engineer", "Senior backend engineer", "Staff backend engineer",
          "Backend engineer, payments", "Backend engineer, search", "Platform engineer",
          "Backend engineer, data", "Site reliability engineer"]
TEAMS = ["Payments", "Search", "Platform", "Data", "Identity", "Growth", "Logistics", "Core"]
EVIDENCE = ["Walked through the design with concrete numbers.",
            "Needed prompting to consider failure cases.",
            "Explained the trade-off and why they chose it.",
            "Answer stayed general; no example of their own.",
            "Gave a checkable example from their last project.",
            "Found the bug quickly and tested the fix.",
            "Struggled to estimate the load.",
            "Asked good clarifying questions before starting."]
TAKEAWAYS = ["Clear communicator; solid fundamentals.", "Mixed: strong design, weak testing.",
             "Not enough depth for this level.", "Would be glad to work with them.",
             "Good instincts, little production experience."]
REJECTED_CV = ["CV review: no backend experience.", "CV review: the role needs more seniority.",
               "CV review: not eligible to work in the location."]
REJECTED_SCREEN = ["After the HR screen: experience does not match the role.",
                   "After the HR screen: expectations out of the role's range.",
                   "After the technical interview: below the bar on fundamentals."]
WITHDRAWN_WHY = ["Candidate accepted another offer.", "Candidate stopped responding.",
                 "Candidate decided not to relocate."]
RATIONALE = {"hire": "The panel's evidence clears the bar on every stage; make the offer.",
             "no_hire": "The panel's evidence falls short of the bar for this role."}
DEPARTING = ("The committee departs from the recommendation after discussing the panel's "
             "evidence together: the scores near the bar were explained by the written notes, "
             "which point the other way.")

TABLES = ["users", "user_roles", "openings", "candidates", "applications", "interviews",
          "scorecards", "ratings", "scorecard_revisions", "decisions"]
COLUMNS = {
    "users": ("id", "email", "name", "password_hash", "active", "created_at",
              "session_generation"),
    "user_roles": ("user_id", "role"),
    "openings": ("id", "key", "title", "team", "loop_version_id", "status", "created_at"),
    "candidates": ("id", "name", "email", "phone", "location", "created_at", "erased_at"),
    "applications": ("id", "candidate_id", "opening_id", "source", "referrer", "status",
                     "applied_at", "updated_at", "closed_at", "closed_reason"),
    "interviews": ("id", "application_id", "stage_key", "rubric_version_id", "scheduled_at",
                   "created_at", "cancelled_at", "cancelled_by_id", "note", "noted_at",
                   "noted_by_id"),
    "scorecards": ("id", "interview_id", "interviewer_id", "interview_at", "status",
                   "recommendation",
                   "takeaways", "private_note", "version", "created_at", "updated_at",
                   "submitted_at"),
    "ratings": ("scorecard_id", "competency_key", "score", "not_assessed", "evidence"),
    "scorecard_revisions": ("id", "scorecard_id", "number", "content", "reason", "author_id",
                            "created_at"),
    "decisions": ("id", "application_id", "recommended_outcome", "explanation",
                  "final_outcome", "rationale", "decided_by_id", "decided_at", "supersedes_id"),
}
SEQUENCED = ["users", "openings", "candidates", "applications", "interviews", "scorecards",
             "scorecard_revisions", "decisions"]


@dataclass
class Catalog:
    """What the generator needs of the stored loop and rubrics."""

    loop: object
    loop_version_id: int
    rubrics: dict  # rubric key -> Rubric
    rubric_version_ids: dict  # rubric key -> id


@dataclass
class People:
    """The users, by what they do."""

    names: list[str]
    recruiters: list[int]
    committee: list[int]
    interviewers: list[int]
    bias: dict[int, float] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Sinks: PostgreSQL spools each table to a file in COPY's text format, then loads the files in
# the order the foreign keys need; SQLite inserts as rows come (foreign keys are not enforced on
# a raw connection), in one transaction.


def _pg_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    elif not isinstance(value, str):
        return str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace(
        "\r", "\\r")


class PostgresSink:
    """Spool rows to files in COPY text format; load() copies them in."""

    def __init__(self, folder: str):
        self.files = {t: open(os.path.join(folder, f"{t}.copy"), "w", encoding="utf-8",
                              buffering=1 << 20) for t in TABLES}
        self.counts: Counter = Counter()

    def add(self, table: str, row: tuple) -> None:
        """Spool one row."""
        self.files[table].write("\t".join(map(_pg_text, row)) + "\n")
        self.counts[table] += 1

    def load(self, url: str) -> dict[str, float]:
        """Copy every table in and return the seconds each took."""
        import psycopg

        times = {}
        with psycopg.connect(libpq_url(url)) as conn:
            # The search's triggers would remake a candidate's document at each statement's
            # applications; they are set aside for the load and every document made once.
            triggers = conn.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
                                    "WHERE tgname LIKE 'candidate\\_search\\_%'").fetchall()
            for table, name in triggers:
                conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
            for table in TABLES:
                started = time.perf_counter()
                spooled = self.files[table]
                spooled.flush()
                with open(spooled.name, "rb") as source, conn.cursor() as cur:
                    with cur.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) "
                                  "FROM STDIN") as copy:
                        while block := source.read(1 << 20):
                            copy.write(block)
                conn.commit()
                times[table] = time.perf_counter() - started
                spooled.close()
                os.unlink(spooled.name)
            started = time.perf_counter()
            for table, name in triggers:
                conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER {name}")
            if triggers:
                conn.execute("SELECT candidate_search_rebuild()")
                conn.commit()
                times["search"] = time.perf_counter() - started
            with conn.cursor() as cur:
                for table in SEQUENCED:
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
                started = time.perf_counter()
                for table in TABLES:
                    cur.execute(f"ANALYZE {table}")
                times["analyze"] = time.perf_counter() - started
            conn.commit()
        return times


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


class SqliteSink:
    """Insert rows in batches into a SQLite file, timing each table."""

    BATCH = 20_000

    def __init__(self, path: str):
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.execute("PRAGMA journal_mode=OFF")
        self.conn.execute("BEGIN")
        # The search's triggers would rewrite a candidate's search row at each application;
        # they are set aside for the load and their candidates' rows made once at the end.
        self.triggers = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'candidate_search_%'").fetchall()
        for name, _sql in self.triggers:
            self.conn.execute(f"DROP TRIGGER {name}")
        self.pending: dict[str, list] = {t: [] for t in TABLES}
        self.counts: Counter = Counter()
        self.times: Counter = Counter()
        self.sql = {t: f"INSERT INTO {t} ({', '.join(COLUMNS[t])}) VALUES "
                       f"({', '.join('?' * len(COLUMNS[t]))})" for t in TABLES}

    def add(self, table: str, row: tuple) -> None:
        """Queue one row, inserting the table's batch when it is full."""
        rows = self.pending[table]
        rows.append(tuple(map(_sqlite_value, row)))
        self.counts[table] += 1
        if len(rows) >= self.BATCH:
            self._flush(table)

    def _flush(self, table: str) -> None:
        started = time.perf_counter()
        self.conn.executemany(self.sql[table], self.pending[table])
        self.pending[table].clear()
        self.times[table] += time.perf_counter() - started

    def load(self, url: str) -> dict[str, float]:
        """Insert what is left, commit, and return the seconds each table took."""
        for table in TABLES:
            self._flush(table)
        started = time.perf_counter()
        for _name, sql in self.triggers:
            self.conn.execute(sql)
        if self.triggers:  # setting a name fires the trigger that makes the search row
            self.conn.execute("UPDATE candidates SET name = name")
        self.times["search"] = time.perf_counter() - started
        started = time.perf_counter()
        self.conn.execute("COMMIT")
        self.conn.execute("PRAGMA journal_mode=WAL")  # the app's mode, as migrations left it
        self.conn.execute("ANALYZE")
        self.conn.close()
        return {**self.times, "commit+analyze": time.perf_counter() - started}


# ---------------------------------------------------------------------------------------------
# The generator.


class Year:
    """Make the rows of one year of hiring, in id order, into a sink."""

    def __init__(self, sink, catalog: Catalog, scale: float, seed: int, end: datetime,
                 password_hash: str):
        self.sink, self.catalog, self.scale = sink, catalog, scale
        self.rng = Random(seed)
        self.end, self.start = end, end - timedelta(days=365)
        self.password_hash = password_hash
        self.ids: Counter = Counter()
        self.stats: Counter = Counter()
        self.stages = list(catalog.loop.stages)
        self.rounds: dict[str, list] = {}
        for stage in self.stages:
            self.rounds.setdefault(stage.round, []).append(stage)

    def next_id(self, table: str) -> int:
        """Return the next id of a table."""
        self.ids[table] += 1
        return self.ids[table]

    def run(self) -> None:
        """Generate everything."""
        self.people = self.users()
        openings = self.openings()
        self.applications(openings)

    # -- users and openings

    def users(self) -> People:
        """Add the staff: recruiters, committee members, interviewers and one admin."""
        rng, scale = self.rng, self.scale
        counts = {"hr": max(2, round(RECRUITERS * scale)),
                  "committee": max(2, round(COMMITTEE * scale)),
                  "interviewer": max(8, round(INTERVIEWERS * scale))}
        people = People([""], [], [], [])
        created = self.start - timedelta(days=400)
        for kind in ("admin", "hr", "committee", "interviewer"):
            for n in range(1, counts.get(kind, 1) + 1):
                uid = self.next_id("users")
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                self.sink.add("users", (uid, f"{kind}-{n:04d}@bench.example", name,
                                        self.password_hash, True, created, 1))
                roles = {"admin": ["admin"], "hr": ["hr", "interviewer"],
                         "committee": ["committee", "interviewer"],
                         "interviewer": ["interviewer"]}[kind]
                for role in roles:
                    self.sink.add("user_roles", (uid, role))
                people.names.append(name)
                people.bias[uid] = rng.gauss(0, 0.25)  # some interviewers score high, some low
                {"hr": people.recruiters, "committee": people.committee,
                 "interviewer": people.interviewers}.get(kind, []).append(uid)
        people.interviewers += people.committee  # committee members sit on panels too
        return people

    def openings(self) -> list[tuple[int, float]]:
        """Add the openings; return their ids with a popularity weight each."""
        rng = self.rng
        found = []
        for n in range(1, max(3, round(OPENINGS * self.scale)) + 1):
            oid = self.next_id("openings")
            created = self.start - timedelta(days=rng.uniform(0, 90))
            status = "closed" if rng.random() < 0.25 else "open"
            self.sink.add("openings", (oid, f"opening-{n:04d}", rng.choice(TITLES),
                                       rng.choice(TEAMS), self.catalog.loop_version_id,
                                       status, created))
            found.append((oid, rng.lognormvariate(0, 0.8)))  # some openings draw far more
        return found

    # -- applications and what follows them

    def applications(self, openings: list[tuple[int, float]]) -> None:
        """Add the candidates and their applications, each carried as far as it got."""
        rng = self.rng
        ids = [oid for oid, _ in openings]
        cumulative, total = [], 0.0
        for _, weight in openings:
            total += weight
            cumulative.append(total)
        earlier: list[tuple[int, int]] = []  # (candidate, opening) that may apply again
        count = max(20, round(APPLICATIONS * self.scale))
        for n in range(count):
            # Applications grow through the year: a third more a day at its end than at its
            # start (density 1 + g*x over the year, inverted).
            share = (n + rng.random()) / count
            applied = self.start + timedelta(days=365 * (
                math.sqrt(1 + 2 * GROWTH * share * (1 + GROWTH / 2)) - 1) / GROWTH)
            opening = ids[_bisect(cumulative, rng.random() * total)]
            reuse = earlier and rng.random() < REPEAT_CANDIDATE
            if reuse:
                candidate, before = earlier.pop(rng.randrange(len(earlier)))
                if before == opening:
                    opening = ids[(ids.index(opening) + 1) % len(ids)]
            else:
                candidate = self.candidate(applied)
                if len(earlier) < 5_000:
                    earlier.append((candidate, opening))
            self.application(candidate, opening, applied)

    def candidate(self, applied: datetime) -> int:
        """Add a candidate who first applied at this time."""
        rng = self.rng
        cid = self.next_id("candidates")
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first.lower().translate(ASCII)}.{last.lower().translate(ASCII)}.{cid}" \
                "@example.net"
        self.sink.add("candidates", (cid, f"{first} {last}", email,
                                     f"+46 70 {rng.randrange(10**6, 10**7)}",
                                     rng.choice(LOCATIONS), applied, None))
        return cid

    def application(self, candidate: int, opening: int, applied: datetime) -> None:
        """Add one application with its interviews, scorecards and decision."""
        rng, end = self.rng, self.end
        aid = self.next_id("applications")
        ability = rng.gauss(0, 1)
        draw = rng.random()
        source = "referral" if draw < 0.05 else "sourced" if draw < 0.15 else "applied"
        referrer = self.people.names[rng.randrange(1, len(self.people.names))] \
            if source == "referral" else None
        if source == "referral":
            ability += 0.3  # referred candidates do somewhat better, as in most companies
        status, closed, reason, updated = "applied", None, None, applied
        screened = rng.random() < SCREENED * (1.6 if source != "applied" else 0.93)
        at = applied + timedelta(days=rng.uniform(4, 14), hours=rng.uniform(0, 8))
        if not screened:
            if at < end:
                status = "withdrawn" if rng.random() < WITHDRAWN else "rejected"
                closed = updated = at
                reason = rng.choice(WITHDRAWN_WHY if status == "withdrawn" else REJECTED_CV)
        else:
            status, closed, reason, updated = self.loop(aid, ability, at)
        self.stats[status] += 1
        self.sink.add("applications", (aid, candidate, opening, source, referrer, status,
                                       applied, updated, closed, reason))

    def loop(self, aid: int, ability: float, at: datetime):
        """Add the rounds an application went through; return its status and closing."""
        rng, end = self.rng, self.end
        # Who goes on after each round: the HR call lets a third through, the technical
        # interview 30%; both read the candidate's ability through noise, as panels do.
        bars = {"HR call": (0.6, 0.55), "Technical interview": (0.5, 1.35)}
        self.cards = {}  # this application's submitted scorecards, for the decision engine
        rounds = list(self.rounds.items())
        for index, (name, stages) in enumerate(rounds):
            self.stats[name] += 1
            done = self.round(aid, ability, stages, at)
            if not done:  # in the future, or a scorecard still owed
                return "interviewing", None, None, min(at, end)
            finished = at + timedelta(days=rng.uniform(0.5, 3))
            if index == len(rounds) - 1:
                break
            if finished > end:  # the round is in, and HR has not moved the application on yet
                return "interviewing", None, None, at
            noise, bar = bars.get(name, (0.5, 1.0))
            if rng.random() < WITHDRAWN:
                return "withdrawn", finished, rng.choice(WITHDRAWN_WHY), finished
            if ability + rng.gauss(0, noise) <= bar:
                return "rejected", finished, rng.choice(REJECTED_SCREEN), finished
            at = finished + timedelta(days=rng.uniform(5, 16), hours=rng.uniform(0, 6))
        decided_at = finished + timedelta(days=rng.uniform(2, 8))
        if decided_at > end:
            return "committee", None, None, min(finished, end)
        self.decision(aid, decided_at)
        return "decided", None, None, decided_at

    def round(self, aid: int, ability: float, stages: list, at: datetime) -> bool:
        """Add a round's interviews; tell whether every scorecard of it was submitted."""
        rng, catalog = self.rng, self.catalog
        complete = True
        for offset, stage in enumerate(stages):
            scheduled = at + timedelta(hours=offset)
            iid = self.next_id("interviews")
            self.sink.add("interviews", (iid, aid, stage.key,
                                         catalog.rubric_version_ids[stage.rubric], scheduled,
                                         min(at - timedelta(days=rng.uniform(2, 7)),
                                             self.end), None, None,
                                         None, None, None))
            pool = self.people.recruiters if stage.key == "hr-screen" \
                else self.people.interviewers
            size = stage.min_panel + (1 if rng.random() < 0.15 else 0)
            panel = rng.sample(pool, min(size, len(pool)))
            for interviewer in panel:
                complete &= self.scorecard(iid, stage, interviewer, ability, scheduled)
        return complete

    def scorecard(self, iid: int, stage, interviewer: int, ability: float,
                  scheduled: datetime) -> bool:
        """Add one panelist's scorecard; tell whether it was submitted."""
        rng, end = self.rng, self.end
        sid = self.next_id("scorecards")
        rubric = self.catalog.rubrics[stage.rubric]
        created = min(scheduled - timedelta(days=2), end)  # nothing is made after the end
        past = scheduled + timedelta(hours=1) < end
        if not past or rng.random() < OVERDUE:
            # Not yet held, or held and still owed: nothing, or a draft of the first answers.
            drafted = past and rng.random() < 0.5
            if drafted:
                for competency in rubric.competencies[:2]:
                    self.sink.add("ratings", (sid, competency.key,
                                              self.score(ability, interviewer),
                                              False, rng.choice(EVIDENCE)))
            self.sink.add("scorecards", (sid, iid, interviewer, scheduled,
                                         "draft" if drafted else "not_started", None, "", "",
                                         2 if drafted else 1, created,
                                         scheduled + timedelta(hours=1) if drafted else created,
                                         None))
            self.stats["owed scorecards past" if past else "upcoming scorecards"] += 1
            return False
        ratings = {}
        for competency in rubric.competencies:
            if not competency.required and rng.random() < 0.1:
                ratings[competency.key] = {"score": None, "not_assessed": True,
                                           "evidence": ""}
            else:
                ratings[competency.key] = {"score": self.score(ability, interviewer),
                                           "not_assessed": False,
                                           "evidence": rng.choice(EVIDENCE)}
        scored = [r["score"] for r in ratings.values() if r["score"] is not None]
        mean = sum(scored) / len(scored) + rng.gauss(0, 0.2)
        recommendation = ("strong_hire" if mean >= 3.3 else "hire" if mean >= 2.75
                          else "no_hire" if mean >= 1.9 else "strong_no_hire")
        takeaways = rng.choice(TAKEAWAYS)
        submitted = scheduled + timedelta(hours=rng.uniform(1, 30))
        submitted = min(submitted, end - timedelta(minutes=1))
        content = {"ratings": dict(sorted(ratings.items())), "recommendation": recommendation,
                   "takeaways": takeaways, "private_note": ""}
        version = 3  # created, saved as a draft, submitted
        revisions = [(1, content, None, submitted)]
        if rng.random() < AMENDED:
            # The first submission gave one competency another score; the amendment fixed it.
            first = json.loads(json.dumps(content))
            key = next(k for k, r in first["ratings"].items() if r["score"] is not None)
            first["ratings"][key]["score"] = 1 + first["ratings"][key]["score"] % 4
            amended = min(submitted + timedelta(hours=3), end - timedelta(seconds=1))
            revisions = [(1, first, None, submitted),
                         (2, content, "Scored the wrong competency; corrected.", amended)]
            version = 4
        for key, rating in content["ratings"].items():
            self.sink.add("ratings", (sid, key, rating["score"], rating["not_assessed"],
                                      rating["evidence"]))
        self.sink.add("scorecards", (sid, iid, interviewer, scheduled, "submitted",
                                     recommendation,
                                     takeaways, "", version, created, revisions[-1][3],
                                     submitted))
        for number, document, reason, at in revisions:
            self.sink.add("scorecard_revisions", (self.next_id("scorecard_revisions"), sid,
                                                  number, document, reason, interviewer, at))
        self.cards[sid] = PanelScorecard(iid, stage.key, interviewer,
                                         Recommendation(recommendation),
                                         {k: r["score"] for k, r in ratings.items()})
        return True

    def score(self, ability: float, interviewer: int) -> int:
        """Return one competency's score: the candidate's ability, the panelist's habit, noise."""
        value = 2.1 + 0.55 * ability + self.people.bias[interviewer] + self.rng.gauss(0, 0.55)
        return min(4, max(1, round(value)))

    def decision(self, aid: int, decided_at: datetime) -> None:
        """Add the committee's decision on a finished loop, beside the engine's outcome."""
        rng = self.rng
        summary = recommend(self.catalog.loop, self.catalog.rubrics, list(self.cards.values()))
        outcome = summary.outcome.value
        final = "hire" if outcome in ("hire", "strong_hire") else "no_hire"
        rationale = RATIONALE[final]
        if rng.random() < 0.04:
            final, rationale = ("no_hire" if final == "hire" else "hire"), DEPARTING
        self.stats[f"decided {final}"] += 1
        self.sink.add("decisions", (self.next_id("decisions"), aid, outcome,
                                    summary.to_document(), final, rationale,
                                    rng.choice(self.people.committee), decided_at, None))


def _bisect(cumulative: list[float], value: float) -> int:
    from bisect import bisect_right

    return min(bisect_right(cumulative, value), len(cumulative) - 1)


# ---------------------------------------------------------------------------------------------
# The database: schema by the migrations, catalog by its service, then the bulk load.


def libpq_url(url: str) -> str:
    """Return a SQLAlchemy PostgreSQL URL as libpq reads it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def prepare_postgres(url: str, replace: bool) -> None:
    """Create the database if missing; refuse one holding data unless replace drops its schema."""
    import psycopg
    from psycopg import sql

    base, _, name = libpq_url(url).rpartition("/")
    name = name.split("?")[0]
    if name in ("test", "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to write into the {name!r} database: name another one")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() \
                is None:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        tables = conn.execute("SELECT to_regclass('public.users') IS NOT NULL AND "
                              "to_regclass('public.applications') IS NOT NULL").fetchone()[0]
        held = tables and conn.execute("SELECT EXISTS (SELECT FROM users) OR "
                                       "EXISTS (SELECT FROM applications)").fetchone()[0]
        if held and not replace:
            raise SystemExit(f"{name} already holds data: pass --replace to drop and recreate "
                             "its schema")
        if replace:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")


def prepare_sqlite(path: Path, replace: bool) -> None:
    """Refuse a SQLite file holding data unless replace removes it."""
    if path.exists() and path.stat().st_size:
        conn = sqlite3.connect(path)
        try:
            held = conn.execute("SELECT name FROM sqlite_master WHERE name = 'users'").fetchone() \
                and conn.execute("SELECT EXISTS (SELECT 1 FROM users)").fetchone()[0]
        finally:
            conn.close()
        if held and not replace:
            raise SystemExit(f"{path} already holds data: pass --replace to start it afresh")
        if replace:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


def migrate_and_sync(url: str) -> Catalog:
    """Make the schema with the app's migrations and store the catalog; return it."""
    from flask_migrate import upgrade

    from scorecards import create_app
    from scorecards.catalog.services import (
        latest_loop_version,
        latest_rubric_version,
        loop_of,
        rubric_of,
        sync_catalog,
    )
    from scorecards.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        sync_catalog(ROOT / "rubrics")
        loop_version = latest_loop_version(LOOP_KEY)
        loop = loop_of(loop_version)
        rubrics, rubric_ids = {}, {}
        for stage in loop.stages:
            version = latest_rubric_version(stage.rubric)
            rubrics[stage.rubric], rubric_ids[stage.rubric] = rubric_of(version), version.id
        catalog = Catalog(loop, loop_version.id, rubrics, rubric_ids)
        db.session.remove()
        db.engine.dispose()
    return catalog


# Voluntary self-identification: who answers, and how, drawn per candidate from a hash of
# their id so that a run is reproducible. Shares of candidates; the rest skip the question.
SELF_IDENTIFICATION = {
    "sex": [("female", 0.26), ("male", 0.31), ("prefer_not_to_say", 0.03)],
    "race_ethnicity": [("white", 0.22), ("asian", 0.12), ("hispanic_or_latino", 0.08),
                       ("black_or_african_american", 0.06), ("two_or_more_races", 0.03),
                       ("american_indian_or_alaska_native", 0.01),
                       ("native_hawaiian_or_pacific_islander", 0.01),
                       ("prefer_not_to_say", 0.02)],
}


def self_identify(url: str, end: datetime) -> float:
    """Give candidates answers in SELF_IDENTIFICATION's shares; return the seconds taken."""
    import sqlalchemy as sa

    started = time.perf_counter()
    # SQLite keeps the app's times naive, in UTC.
    when = end if url.startswith("postgresql") else end.replace(tzinfo=None).isoformat(" ")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for salt, (item, answers) in enumerate(SELF_IDENTIFICATION.items()):
            cases, bound = [], 0
            for answer, share in answers:
                bound += round(share * 1000)
                cases.append(f"WHEN h < {bound} THEN '{answer}'")
            connection.execute(sa.text(
                "INSERT INTO self_identifications (candidate_id, item, answer, source, "
                "answered_at) SELECT id, :item, answer, 'import', :end FROM ("
                f"SELECT id, CASE {' '.join(cases)} END AS answer FROM ("
                f"SELECT id, (id * 2654435761 + {salt * 40503}) % 1000 AS h FROM candidates"
                ") AS hashed) AS drawn WHERE answer IS NOT NULL"),
                {"item": item, "end": when})
    engine.dispose()
    return time.perf_counter() - started


def refresh_aggregates(url: str) -> float:
    """Count the summary tables from the loaded rows, which bypassed the app; return seconds."""
    from scorecards import create_app
    from scorecards.analytics.summaries import refresh
    from scorecards.extensions import db

    started = time.perf_counter()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        refresh()
        db.session.remove()
        db.engine.dispose()
    return time.perf_counter() - started


def password_hash(seed: int) -> str:
    """Return the users' shared password hash, in werkzeug's scrypt format, salted by the seed.

    A fresh random salt would make two runs differ; this one is as strong as werkzeug's own.
    """
    salt = hashlib.sha256(f"year-{seed}".encode()).hexdigest()[:16]
    n, r, p = 2**15, 8, 1
    digest = hashlib.scrypt(PASSWORD.encode(), salt=salt.encode(), n=n, r=r, p=p,
                            maxmem=132 * n * r * p).hex()
    return f"scrypt:{n}:{r}:{p}${salt}${digest}"


def generate(url: str, scale: float, seed: int, end: datetime, replace: bool = False,
             out=sys.stdout) -> dict:
    """Fill the database at url with a year of hiring; return the figures of the run."""
    started = time.perf_counter()
    sqlite_path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite") else None
    if sqlite_path is not None:
        prepare_sqlite(sqlite_path, replace)
    else:
        prepare_postgres(url, replace)
    catalog = migrate_and_sync(url)
    schema_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="year-") as folder:
        sink = SqliteSink(str(sqlite_path)) if sqlite_path else PostgresSink(folder)
        began = time.perf_counter()
        year = Year(sink, catalog, scale, seed, end, password_hash(seed))
        year.run()
        generate_seconds = time.perf_counter() - began
        times = sink.load(url)
    times["self_identifications"] = self_identify(url, end)
    times["aggregates"] = refresh_aggregates(url)
    total = time.perf_counter() - started
    figures = {"rows": dict(sink.counts), "seconds": times, "schema": schema_seconds,
               "generate": generate_seconds, "total": total, "stats": dict(year.stats)}
    report(figures, sqlite_path is not None, out)
    return figures


def report(figures: dict, sqlite: bool, out) -> None:
    """Print the rows and time per table, the funnel, and a few sign-ins."""
    print(f"schema and catalog: {figures['schema']:.1f} s", file=out)
    label = "generate + insert" if sqlite else "generate + spool"
    print(f"{label}: {figures['generate']:.1f} s", file=out)
    print(f"{'table':<22}{'rows':>12}{'load s':>10}", file=out)
    for table in TABLES:
        print(f"{table:<22}{figures['rows'].get(table, 0):>12,}"
              f"{figures['seconds'].get(table, 0):>10.1f}", file=out)
    for name, seconds in figures["seconds"].items():
        if name not in TABLES:
            print(f"{name:<34}{seconds:>10.1f}", file=out)
    print("funnel and states: " + ", ".join(
        f"{k} {v:,}" for k, v in sorted(figures["stats"].items())), file=out)
    print(f"total: {figures['total'] / 60:.1f} min; load average {os.getloadavg()[0]:.2f}",
          file=out)
    print(f"sign in with password {PASSWORD!r} as hr-0001@bench.example, "
          "committee-0001@bench.example, interviewer-0001@bench.example or "
          "admin-0001@bench.example", file=out)


def _utc(text: str) -> datetime:
    """Return an ISO date or time as an aware datetime in UTC (UTC when no offset is given)."""
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and generate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="share of the company's year (0.1 for the SQLite tenth)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--end", type=_utc,
                        default=datetime.now(UTC).replace(hour=0, minute=0, second=0,
                                                          microsecond=0),
                        help="the day the year ends (default: today 00:00 UTC); the same "
                             "seed and end give the same rows")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--sqlite", type=Path, help="a SQLite file instead of --database-url")
    parser.add_argument("--replace", action="store_true",
                        help="drop what the database holds and start afresh")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 2:
        parser.error("--scale must be above 0 and at most 2")
    url = f"sqlite:///{args.sqlite.resolve()}" if args.sqlite else args.database_url
    generate(url, args.scale, args.seed, args.end, args.replace)


if __name__ == "__main__":
    main()
