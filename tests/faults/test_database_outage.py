"""The database stops and comes back under a running app: clean 503s, recovery, nothing lost."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from scorecards.api.services import issue_token
from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import Scorecard

from .conftest import wait_until

pytestmark = pytest.mark.faults

JSON = {"Accept": "application/json"}
PROBLEM_JSON = "application/problem+json"


def _stored(scorecard_id: int) -> Scorecard:
    db.session.close()
    return db.session.scalar(sa.select(Scorecard).where(Scorecard.id == scorecard_id))


def test_an_outage_gets_clean_503s_and_the_app_recovers_without_a_restart(
        own_postgres, client, panel, sign_in, make_user):
    ana, _, mine, _ = panel
    token = {"Authorization": f"Bearer {issue_token(make_user(Role.HR), 'faults')}"}
    draft = f"/scorecards/{mine.id}/draft"
    sign_in(ana)
    saved = client.post(draft, data={"version": "1", "takeaways": "Before the outage."},
                        headers=JSON)
    assert saved.status_code == 200

    db.session.close()  # the test's own session holds no connection through the outage
    own_postgres.stop()
    try:
        page = client.get("/interviews")
        assert page.status_code == 503
        assert page.headers["Retry-After"].isdigit()
        assert b"its database does not answer" in page.data
        autosave = client.post(draft, data={"version": str(saved.json["version"]),
                                            "takeaways": "During the outage."}, headers=JSON)
        assert (autosave.status_code, autosave.content_type) == (503, PROBLEM_JSON)
        api = client.get("/api/v1/openings", headers=token)
        assert (api.status_code, api.content_type) == (503, PROBLEM_JSON)
        assert client.get("/ready").json == {"status": "unavailable", "database": "unavailable"}
        assert client.get("/health").status_code == 200
    finally:
        own_postgres.start()

    wait_until(lambda: client.get("/ready").status_code == 200)
    page = client.get(f"/scorecards/{mine.id}")
    assert page.status_code == 200
    assert b"Before the outage." in page.data
    assert client.get("/api/v1/openings", headers=token).status_code == 200
    again = client.post(draft, data={"version": str(saved.json["version"]),
                                     "takeaways": "After the outage."}, headers=JSON)
    assert again.status_code == 200
    assert _stored(mine.id).takeaways == "After the outage."


def test_no_acknowledged_autosave_is_lost_when_the_database_crashes(own_postgres, client,
                                                                    panel, sign_in):
    ana, _, mine, _ = panel
    draft = f"/scorecards/{mine.id}/draft"
    sign_in(ana)
    acknowledged: list[tuple[int, str]] = []
    answers: Counter[int] = Counter()
    done = threading.Event()

    def type_and_autosave() -> None:
        version, n = 1, 0
        while not done.is_set():
            n += 1
            text = f"Note {n}"
            response = client.post(draft, data={"version": str(version), "takeaways": text},
                                   headers=JSON)
            answers[response.status_code] += 1
            if response.status_code == 200:
                version = response.json["version"]
                acknowledged.append((version, text))
            elif response.status_code == 409:
                # Saved, but the answer was lost with the connection: carry on from it.
                version = response.json["version"]
            else:
                time.sleep(0.05)

    db.session.close()  # the test's own session holds no connection through the crash
    typist = threading.Thread(target=type_and_autosave)
    typist.start()
    try:
        wait_until(lambda: len(acknowledged) >= 5)
        own_postgres.stop("immediate")  # as in a crash: no shutdown checkpoint
        wait_until(lambda: answers[503] >= 3)
    finally:
        own_postgres.start()
        before = len(acknowledged)
        try:
            wait_until(lambda: len(acknowledged) >= before + 5)
        finally:
            done.set()
            typist.join(timeout=30)

    assert set(answers) <= {200, 409, 503}, answers
    last_version, last_text = acknowledged[-1]
    stored = _stored(mine.id)
    assert (stored.version, stored.takeaways) == (last_version, last_text)
    assert [v for v, _ in acknowledged] == sorted({v for v, _ in acknowledged})
