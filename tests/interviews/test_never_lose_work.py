"""Autosave, and text that survives an ended session or an expired form."""

import re

from tests.conftest import PASSWORD
from tests.interviews.conftest import form, fresh

JSON = {"Accept": "application/json"}


def test_autosave_stores_the_draft_and_answers_the_new_version(panel, sign_in):
    ana, _, mine, _ = panel
    response = sign_in(ana).post(f"/scorecards/{mine.id}/draft",
                                 data=form(1, code=(None, "typing...")), headers=JSON)
    assert response.status_code == 200
    assert response.json["version"] == 2
    assert fresh(mine).ratings[0].evidence == "typing..."


def test_autosave_from_a_stale_copy_is_refused_in_json(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(f"/scorecards/{mine.id}/draft", data=form(1, code=(None, "tab one")),
                headers=JSON)
    response = client.post(f"/scorecards/{mine.id}/draft", data=form(1, code=(None, "tab two")),
                           headers=JSON)
    assert response.status_code == 409
    assert response.json["version"] == 2
    assert fresh(mine).ratings[0].evidence == "tab one"


def test_autosave_after_the_session_ended_answers_401_in_json(panel, client):
    *_, mine, _ = panel
    response = client.post(f"/scorecards/{mine.id}/draft", data=form(1), headers=JSON)
    assert response.status_code == 401
    assert "Sign in again" in response.json["error"]


def test_a_page_load_without_a_session_still_goes_to_sign_in(panel, client):
    *_, mine, _ = panel
    response = client.get(f"/scorecards/{mine.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def hidden_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


def test_text_sent_after_the_session_ended_comes_back_after_signing_in(make_user, make_interview,
                                                                       client):
    ana = make_user(email="ana@example.com", password=PASSWORD)
    (mine,) = make_interview(panel=[ana]).scorecards
    sent = form(1, action="submit", code=(3, "Long evidence typed over an hour"))
    rescue = client.post(f"/scorecards/{mine.id}", data=sent)
    assert rescue.status_code == 401
    assert "Sign in to keep your work" in rescue.text
    carried = hidden_fields(rescue.text)
    assert carried["rating-code-evidence"] == "Long evidence typed over an hour"
    assert "action" not in carried  # the submit is not replayed behind the user's back
    target = re.search(r'<form method="post" action="([^"]+)"', rescue.text).group(1)
    signed_in = client.post(target.replace("&amp;", "&"), data={
        **carried, "email": "ana@example.com", "password": PASSWORD})
    assert signed_in.status_code == 200
    back = hidden_fields(signed_in.text)
    assert back["action"] == "restore"
    assert back["rating-code-evidence"] == "Long evidence typed over an hour"
    restored = client.post(f"/scorecards/{mine.id}", data=back)
    assert restored.status_code == 200
    assert "Long evidence typed over an hour" in restored.text
    assert "It is not saved yet" in restored.text
    assert fresh(mine).ratings == []  # nothing is stored until the user saves


def test_a_wrong_password_on_the_rescue_page_keeps_the_text(make_user, make_interview, client):
    ana = make_user(email="ana@example.com", password=PASSWORD)
    (mine,) = make_interview(panel=[ana]).scorecards
    rescue = client.post(f"/scorecards/{mine.id}", data=form(1, code=(3, "Keep me")))
    carried = hidden_fields(rescue.text)
    again = client.post(f"/sign-in?next=/scorecards/{mine.id}", data={
        **carried, "email": "ana@example.com", "password": "wrong"})
    assert again.status_code == 400
    assert hidden_fields(again.text)["rating-code-evidence"] == "Keep me"


def test_an_expired_form_token_keeps_the_text(panel, sign_in, app):
    app.config["WTF_CSRF_ENABLED"] = True
    ana, _, mine, _ = panel
    response = sign_in(ana).post(f"/scorecards/{mine.id}",
                                 data={**form(1, code=(3, "Written slowly")),
                                       "csrf_token": "expired"})
    assert response.status_code == 400
    assert "Your text is safe" in response.text
    carried = hidden_fields(response.text)
    assert carried["rating-code-evidence"] == "Written slowly"
    assert carried["csrf_token"] != "expired"
    assert fresh(mine).ratings == []


def save_button_post(html: str, **fields: str) -> tuple[str, dict[str, str]]:
    """Return where the page's Save draft button posts its form, and what it sends."""
    form_tag = re.search(r'<form method="post"[^>]*id="scorecard-form"[^>]*>', html)[0]
    action = re.search(r'\baction="([^"]+)"', form_tag)[1]
    button = re.search(r'<button type="submit" name="([^"]+)" value="([^"]+)">Save draft<', html)
    return action, {**hidden_fields(html), **fields, button[1]: button[2]}


def test_a_blank_choice_is_no_choice_and_keeps_the_text(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    data = form(1, recommendation=" ", code=(None, "Wrote the loop first."))
    data["rating-code-score"] = " "
    del data["version"], data["action"]
    autosave = client.post(f"/scorecards/{mine.id}/draft", headers=JSON,
                           data={**data, "version": "1"})
    assert autosave.status_code == 200
    action, sent = save_button_post(client.get(f"/scorecards/{mine.id}").text, **data)
    assert (action, sent["action"], sent["version"]) == (f"/scorecards/{mine.id}", "save", "2")
    saved = client.post(action, data=sent)
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"/scorecards/{mine.id}"
    stored = fresh(mine)
    assert (stored.version, stored.status, stored.recommendation) == (3, "draft", None)
    assert [(r.competency_key, r.score, r.not_assessed, r.evidence) for r in stored.ratings] \
        == [("code", None, False, "Wrote the loop first.")]
