"""A real SMTP server on loopback (STARTTLS, a certificate the app is told to trust), and the
app configured to deliver its mail there."""

from __future__ import annotations

import email
import ssl
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from scorecards.core.vocabulary import Role
from tests.hr.test_mail import free_port, self_signed


class Inbox:
    """An aiosmtpd handler that keeps each message parsed, or refuses while told to."""

    def __init__(self):
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse = 0  # refuse this many messages next, as a busy server would

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refuse -= 1
            return "451 Try again later"
        assert session.ssl is not None, "the mail came without TLS"
        self.messages.append((sorted(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content, policy=default)))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        """Return the messages delivered to an address, in order."""
        return [message for recipients, message in self.messages if address in recipients]


@pytest.fixture
def inbox(tmp_path):
    """Serve SMTP on loopback with STARTTLS required; return its inbox (and where it is)."""
    cert_file, key_file = self_signed(tmp_path, ["127.0.0.1", "localhost"])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(),
                            tls_context=context, require_starttls=True)
    controller.start()
    handler.port, handler.ca_file = controller.port, str(cert_file)
    yield handler
    controller.stop()


@pytest.fixture
def config(config, inbox):
    """Return the test settings, sending mail to the loopback server over verified TLS."""
    return {**config, "MAIL_SENDER": "smtp", "MAIL_SMTP_HOST": "127.0.0.1",
            "MAIL_SMTP_PORT": str(inbox.port), "MAIL_SMTP_CA_FILE": inbox.ca_file,
            "MAIL_FROM": "scorecards@example.com", "PUBLIC_URL": "https://cards.example.com"}


@pytest.fixture
def hr_user(make_user):
    """Return a user of HR."""
    return make_user(Role.HR, name="Priya Nair", email="priya@example.com")


@pytest.fixture
def interviewers(make_user):
    """Return Ana and Ben, interviewers."""
    return [make_user(Role.INTERVIEWER, name=name, email=f"{name.split()[0].lower()}@example.com")
            for name in ("Ana Souza", "Ben Carter")]


def invitation(message: EmailMessage) -> tuple[str, Calendar]:
    """Return the method of a message's text/calendar part, and the calendar parsed."""
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), Calendar.from_ical(part.get_content())


def event_of(calendar: Calendar):
    """Return the one event of a calendar."""
    (event,) = calendar.walk("VEVENT")
    return event


def body_of(message: EmailMessage) -> str:
    """Return a message's plain-text body."""
    return message.get_body(("plain",)).get_content()
