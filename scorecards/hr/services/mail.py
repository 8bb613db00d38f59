"""Sending mail to interviewers, through the sender that MAIL_SENDER names.

"log" (the default) sends nothing: it logs how long each message was, and keeps in memory,
for the last few only, who they were for; never what they said (a reminder names a
candidate), and no address reaches the log;
"smtp" hands each message to a mail server, over TLS whose certificate and host name are
verified.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections import deque
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

from flask import current_app

log = logging.getLogger(__name__)


class MailError(Exception):
    """Raised when a message could not be handed over for delivery."""


@dataclass(frozen=True)
class Message:
    """A plain-text mail to one person, perhaps copied to others and with an invitation."""

    to: str
    subject: str
    body: str
    cc: tuple[str, ...] = ()
    calendar: str | None = None  # an iCalendar object, attached as text/calendar
    calendar_method: str | None = None  # its METHOD: REQUEST or CANCEL


class Sender(Protocol):
    """Something that delivers messages."""

    def send(self, message: Message) -> None:
        """Deliver the message, or raise MailError."""


@dataclass(frozen=True)
class Logged:
    """What the log sender keeps of a message: its recipient and size, not its words."""

    to: str
    characters: int


LOG_SENDER_KEEPS = 100


@dataclass
class LogSender:
    """Log and keep a trace of the last messages instead of delivering them."""

    sent: deque[Logged] = field(default_factory=lambda: deque(maxlen=LOG_SENDER_KEEPS))

    def send(self, message: Message) -> None:
        """Log that a message would have gone, and keep its trace (the oldest one goes)."""
        logged = Logged(message.to, len(message.subject) + len(message.body)
                        + len(message.calendar or ""))
        log.info("Mail not sent (MAIL_SENDER is log): %d characters.", logged.characters)
        self.sent.append(logged)


@dataclass(frozen=True)
class SmtpSender:
    """Deliver messages through an SMTP server, over STARTTLS with a verified certificate."""

    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    ca_file: str | None = None  # trust this CA (a private one) instead of the system's

    def send(self, message: Message) -> None:
        """Hand the message to the SMTP server."""
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, message.to, message.subject
        if message.cc:
            mail["Cc"] = ", ".join(message.cc)
        mail.set_content(message.body)
        if message.calendar is not None:
            # Calendars read the method from the part's type; the file name helps the others.
            mail.add_attachment(message.calendar, subtype="calendar", filename="invite.ics",
                                params={"method": message.calendar_method or "REQUEST"})
        try:
            with smtplib.SMTP(self.host, self.port, timeout=30) as server:
                if self.starttls:
                    # Certificate and host name checked: a reminder names a candidate.
                    server.starttls(context=ssl.create_default_context(cafile=self.ca_file))
                elif self.user:
                    raise MailError("refusing to send the password without TLS; set "
                                    "MAIL_SMTP_STARTTLS to true")
                if self.user:
                    server.login(self.user, self.password or "")
                server.send_message(mail)
        except ssl.SSLError as failed:
            raise MailError(f"the mail server {self.host}:{self.port} could not be verified "
                            f"({failed.reason or failed}); trust its CA with "
                            "MAIL_SMTP_CA_FILE") from failed
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
                          password=config.get("MAIL_SMTP_PASSWORD"),
                          starttls=_flag(config.get("MAIL_SMTP_STARTTLS", True)),
                          ca_file=config.get("MAIL_SMTP_CA_FILE") or None)
    raise ValueError(f"MAIL_SENDER is '{kind}'; use 'log' or 'smtp'.")


def _flag(value: object) -> bool:
    """Read a setting that may come from the environment as text."""
    return value if isinstance(value, bool) else str(value).strip().lower() not in (
        "0", "false", "no", "off", "")
