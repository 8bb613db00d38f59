"""The API reference page in a real browser: served from the app alone, under its CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_the_api_reference_renders_every_tag_and_operation_from_the_app_alone(
        page: Page, base_url: str):
    outside, refused = [], []
    page.on("request", lambda request: None if request.url.startswith(base_url)
            or request.url.startswith("data:") else outside.append(request.url))
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None)
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", name="Scorecards API reference")).to_be_visible()
    operation = page.get_by_text("Download the committee's PDF packet")
    expect(operation).to_be_visible()
    expect(page.get_by_text("Read a rubric's current version")).to_be_visible()
    expect(page.locator(".opblock-tag", has_text="exports")).to_be_visible()
    operation.click()  # opens the operation: its answers, the PDF among them
    expect(page.get_by_text("The packet. Sent as application/octet-stream")).to_be_visible()
    expect(page.locator("option", has_text="application/pdf").first).to_be_attached()
    assert outside == []
    assert refused == []
