"""Fixtures for user administration: a real SMTP server on loopback that keeps what it gets."""

from __future__ import annotations

import re
import socket
from email import message_from_string
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from scorecards.models import User

STRONG_PASSWORD = "quartz-lantern-mosaic-91-otter"  # noqa: S105 (a test's password)
LINK = re.compile(r"https?://\S+/account/(\S+)")


class Inbox:
    """An aiosmtpd handler that keeps every mail handed to it."""

    def __init__(self):
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        """Keep the mail."""
        self.messages.append(message_from_string(envelope.content.decode()))
        return "250 Message accepted"

    def last_to(self, address: str) -> Message:
        """Return the newest mail to the address."""
        return next(m for m in reversed(self.messages) if m["To"] == address)

    def body_to(self, address: str) -> str:
        """Return the text of the newest mail to the address, decoded."""
        return self.last_to(address).get_payload(decode=True).decode()

    def link_to(self, address: str) -> str:
        """Return the path of the account link in the newest mail to the address."""
        found = LINK.search(self.body_to(address))
        assert found, "the mail carries no account link"
        return f"/account/{found[1]}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(app: Flask):
    """Send the app's mail to an SMTP server on loopback (no TLS: it never leaves the host)."""
    keeper = Inbox()
    controller = Controller(keeper, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SENDER="smtp", MAIL_SMTP_HOST="127.0.0.1",
                      MAIL_SMTP_PORT=controller.port, MAIL_SMTP_STARTTLS=False,
                      MAIL_FROM="scorecards@example.org")
    app.extensions.pop("scorecards.mail", None)  # the sender is made again from these
    try:
        yield keeper
    finally:
        controller.stop()
        app.extensions.pop("scorecards.mail", None)


@pytest.fixture
def other_client(app: Flask):
    """Return a second browser, to be signed in as someone else."""
    return app.test_client()


def signed_in(client, user: User):
    """Sign the client in as the user, past the sign-in form."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client
