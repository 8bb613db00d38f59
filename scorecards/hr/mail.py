"""Sending mail to interviewers, through the sender that MAIL_SENDER names.

"log" (the default) writes each message to the log and keeps it in memory, so that a
development server or a test sends nothing; "smtp" hands it to a mail server.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

from flask import current_app

log = logging.getLogger(__name__)


class MailError(Exception):
    """Raised when a message could not be handed over for delivery."""


@dataclass(frozen=True)
class Message:
    """A plain-text mail to one person."""

    to: str
    subject: str
    body: str


class Sender(Protocol):
    """Something that delivers messages."""

    def send(self, message: Message) -> None:
        """Deliver the message, or raise MailError."""


@dataclass
class LogSender:
    """Write messages to the log and keep them, instead of delivering them."""

    sent: list[Message] = field(default_factory=list)

    def send(self, message: Message) -> None:
        """Log the message and keep it in the sent list."""
        log.info("Mail to %s: %s\n%s", message.to, message.subject, message.body)
        self.sent.append(message)


@dataclass(frozen=True)
class SmtpSender:
    """Deliver messages through an SMTP server, with STARTTLS when it signs in."""

    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None

    def send(self, message: Message) -> None:
        """Hand the message to the SMTP server."""
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, message.to, message.subject
        mail.set_content(message.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=30) as server:
                if self.user:
                    server.starttls()
                    server.login(self.user, self.password or "")
                server.send_message(mail)
        except (OSError, smtplib.SMTPException) as failed:
            raise MailError(f"the mail server {self.host}:{self.port} said: {failed}") \
                from failed


_EXTENSION = "scorecards.mail"


def sender() -> Sender:
    """Return the app's sender, made on first use from the MAIL_* settings."""
    found = current_app.extensions.get(_EXTENSION)
    if found is None:
        found = current_app.extensions[_EXTENSION] = _make(current_app.config)
    return found


def _make(config) -> Sender:
    kind = config.get("MAIL_SENDER", "log")
    if kind == "log":
        return LogSender()
    if kind == "smtp":
        return SmtpSender(host=config.get("MAIL_SMTP_HOST", "localhost"),
                          port=int(config.get("MAIL_SMTP_PORT", 587)),
                          sender=config.get("MAIL_FROM", "scorecards@localhost"),
                          user=config.get("MAIL_SMTP_USER"),
                          password=config.get("MAIL_SMTP_PASSWORD"))
    raise ValueError(f"MAIL_SENDER is '{kind}'; use 'log' or 'smtp'.")
