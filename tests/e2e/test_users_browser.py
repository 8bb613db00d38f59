"""User administration in a real browser: an admin invites; the invited person sets a password."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import User
from scorecards.users import services
from tests.conftest import PASSWORD
from tests.e2e.test_analytics_browser import assert_accessible
from tests.e2e.test_scorecard_browser import sign_in_as

pytestmark = pytest.mark.e2e

CHOSEN = "quartz-lantern-mosaic-91-otter"  # noqa: S105 (the invited person's, in a test)


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
def test_an_admin_invites_and_the_person_chooses_a_password_with_the_keyboard(
        page: Page, app, axe_js, make_user):
    admin = make_user(Role.ADMIN, email="root@example.com", password=PASSWORD)
    sign_in_as(page, admin)
    page.locator("header nav").get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    assert_accessible(page, axe_js)
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Email").fill("nia@example.com")
    page.get_by_label("Name").fill("Nia Park")
    roles = page.get_by_role("group", name="Roles")
    roles.get_by_role("checkbox", name="Committee").check()
    assert_accessible(page, axe_js)
    page.get_by_role("button", name="Invite").click()
    expect(page.locator(".flashes")).to_contain_text("works once")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nia Park")
    expect(page.get_by_role("group", name="Roles of Nia Park").get_by_role(
        "checkbox", name="Committee")).to_be_checked()
    assert_accessible(page, axe_js)
    # The mail's link: sent again here, where the test can read it, as the person receives it.
    nia = db.session.scalar(sa.select(User).where(User.email == "nia@example.com"))
    tokens = []
    with app.test_request_context():
        services.resend_invitation(admin, nia.id, lambda token: tokens.append(token) or token)
    page.context.clear_cookies()

    page.goto(f"/account/{tokens[0]}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a password")
    assert_accessible(page, axe_js)
    page.get_by_label("New password").fill(CHOSEN)
    page.get_by_label("The same password again").fill(CHOSEN)
    page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("you are signed in")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"/account/{tokens[0]}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
