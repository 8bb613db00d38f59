"""Reminder mail: over TLS that is verified, against a real SMTP server on loopback; and a log
sender that keeps a bounded trace with nothing personal in it."""

import datetime as dt
import ipaddress
import logging
import socket
import ssl
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from scorecards import create_app
from scorecards.hr.services import mail

CANDIDATE = "Ada Lovelace"


def self_signed(folder: Path, names: list[str]) -> tuple[Path, Path]:
    """Write a self-signed certificate for these names (and its key); return both paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    alternative = [x509.IPAddress(ipaddress.ip_address(n)) if n[0].isdigit() else
                   x509.DNSName(n) for n in names]
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(minutes=5))
                   .not_valid_after(now + dt.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                                  critical=True)
                   .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class Inbox:
    """An aiosmtpd handler that keeps what it was handed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode(),
                              session.ssl is not None))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(tmp_path):
    """Serve SMTP on loopback, requiring STARTTLS with a self-signed certificate."""

    def serve(names: list[str]):
        cert_file, key_file = self_signed(tmp_path, names)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                                tls_context=context, require_starttls=True)
        controller.start()
        started.append(controller)
        return controller, inbox, cert_file

    started = []
    yield serve
    for controller in started:
        controller.stop()


def sender_for(config, controller, **settings):
    app = create_app({**config, "MAIL_SENDER": "smtp", "MAIL_SMTP_HOST": "127.0.0.1",
                      "MAIL_SMTP_PORT": str(controller.port), "MAIL_FROM": "hr@example.com",
                      **settings})
    with app.app_context():
        return mail.sender()


MESSAGE = mail.Message("ana@example.com", f"Scorecard overdue: {CANDIDATE}, Design",
                       f"Your scorecard for {CANDIDATE} is not in yet.")


def test_a_server_whose_certificate_is_not_trusted_gets_nothing(config, smtp_server):
    controller, inbox, _ = smtp_server(["127.0.0.1"])
    sender = sender_for(config, controller)
    with pytest.raises(mail.MailError, match="could not be verified.*MAIL_SMTP_CA_FILE"):
        sender.send(MESSAGE)
    assert inbox.messages == []


def test_a_trusted_certificate_for_another_host_gets_nothing(config, smtp_server):
    controller, inbox, cert_file = smtp_server(["mail.example.org"])
    sender = sender_for(config, controller, MAIL_SMTP_CA_FILE=str(cert_file))
    with pytest.raises(mail.MailError, match="could not be verified"):
        sender.send(MESSAGE)
    assert inbox.messages == []


def test_a_trusted_server_receives_the_message_over_tls(config, smtp_server):
    controller, inbox, cert_file = smtp_server(["127.0.0.1", "localhost"])
    sender_for(config, controller, MAIL_SMTP_CA_FILE=str(cert_file)).send(MESSAGE)
    ((recipients, content, over_tls),) = inbox.messages
    assert recipients == ["ana@example.com"]
    assert f"Subject: Scorecard overdue: {CANDIDATE}, Design" in content
    assert over_tls


def test_a_password_is_never_sent_without_tls(config, smtp_server):
    controller, inbox, _ = smtp_server(["127.0.0.1"])
    sender = sender_for(config, controller, MAIL_SMTP_STARTTLS="false",
                        MAIL_SMTP_USER="bot", MAIL_SMTP_PASSWORD="secret")
    with pytest.raises(mail.MailError, match="refusing to send the password without TLS"):
        sender.send(MESSAGE)
    assert inbox.messages == []


def test_the_log_sender_keeps_the_last_hundred_and_nothing_personal(app, caplog):
    sender = mail.LogSender()
    with caplog.at_level(logging.INFO, logger="scorecards.hr.services.mail"):
        for number in range(150):
            sender.send(mail.Message(f"user{number}@example.com", MESSAGE.subject,
                                     MESSAGE.body))
    assert len(sender.sent) == mail.LOG_SENDER_KEEPS == 100
    assert sender.sent[0].to == "user50@example.com"
    assert sender.sent[-1].to == "user149@example.com"
    assert CANDIDATE not in repr(list(sender.sent))
    assert CANDIDATE not in caplog.text
    assert "@example.com" not in caplog.text  # the log names no one, interviewers included
    assert caplog.text.count("Mail not sent (MAIL_SENDER is log)") == 150
