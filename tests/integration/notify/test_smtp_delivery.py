"""SmtpMailer against real SMTP servers on loopback: plain, STARTTLS, SSL, down, refusing."""
from __future__ import annotations

import email
import email.policy
from datetime import datetime, timezone

import pytest

from app.adapters.mail import DeliveryFailed, MailMessage, SmtpMailer, make_mailer

SENT_AT = datetime(2024, 5, 1, 6, 30, tzinfo=timezone.utc)
SENDER = "غرفة تجارة وصناعة عمان <no-reply@chamber.test>"


def verification_mail(to: str = "أحمد البلوشي <ahmed@members.test>") -> MailMessage:
    return MailMessage(
        to=to,
        subject="رمز التحقق من البريد الإلكتروني: layLSJ",
        text_body="مرحبا أحمد،\nرمز التحقق الخاص بك هو layLSJ\nغرفة تجارة وصناعة عمان",
        html_body='<div dir="rtl"><p>مرحبا أحمد،</p><p>رمز التحقق: <b>layLSJ</b></p></div>',
        reply_to="help@chamber.test",
    )


def mailer(port: int, security: str = "none", tls_files=None, **overrides) -> SmtpMailer:
    settings = dict(host="127.0.0.1", port=port, security=security, username=None, password=None,
                    sender=SENDER, timeout=5.0, local_hostname="portal.test", clock=lambda: SENT_AT)
    if tls_files is not None:
        settings["ssl_context"] = tls_files.client_context()
    settings.update(overrides)
    return SmtpMailer(**settings)


def assert_received_intact(received, receipt) -> None:
    parsed = email.message_from_bytes(received.content, policy=email.policy.default)
    assert received.mail_from == "no-reply@chamber.test"
    assert received.rcpt_tos == ["ahmed@members.test"]
    assert parsed["Subject"] == "رمز التحقق من البريد الإلكتروني: layLSJ"
    assert parsed["From"].addresses[0].display_name == "غرفة تجارة وصناعة عمان"
    assert parsed["To"].addresses[0].display_name == "أحمد البلوشي"
    assert parsed["To"].addresses[0].addr_spec == "ahmed@members.test"
    assert parsed["Reply-To"] == "help@chamber.test"
    assert parsed["Message-ID"] == receipt.provider_id
    assert parsed["Message-ID"].endswith("@chamber.test>")
    assert parsed["Date"].datetime == SENT_AT
    assert parsed.get_content_type() == "multipart/alternative"
    text = parsed.get_body(("plain",))
    html = parsed.get_body(("html",))
    assert text.get_content_charset() == "utf-8"
    assert text.get_content().splitlines() == [
        "مرحبا أحمد،", "رمز التحقق الخاص بك هو layLSJ", "غرفة تجارة وصناعة عمان"]
    assert "رمز التحقق: <b>layLSJ</b>" in html.get_content()
    # The wire form stays 7-bit so no relay needs 8BITMIME.
    assert all(byte < 128 for byte in received.content)


def test_plain_smtp_delivers_arabic_mail_intact(smtp_server):
    handler, port = smtp_server("none")

    receipt = mailer(port).send(verification_mail())

    assert len(handler.received) == 1
    assert not handler.received[0].over_tls
    assert_received_intact(handler.received[0], receipt)


def test_text_only_mail_is_a_single_part(smtp_server):
    handler, port = smtp_server("none")

    mailer(port).send(MailMessage(to="ahmed@members.test", subject="تذكير", text_body="تنتهي عضويتك قريبا"))

    parsed = email.message_from_bytes(handler.received[0].content, policy=email.policy.default)
    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content().strip() == "تنتهي عضويتك قريبا"


def test_starttls_with_login(smtp_server, tls_files, smtp_login):
    handler, port = smtp_server("starttls", auth=True)
    user, password = smtp_login

    receipt = mailer(port, "starttls", tls_files, username=user, password=password).send(
        verification_mail())

    assert handler.received[0].over_tls
    assert handler.received[0].authenticated
    assert_received_intact(handler.received[0], receipt)


def test_implicit_ssl_with_login(smtp_server, tls_files, smtp_login):
    handler, port = smtp_server("ssl", auth=True)
    user, password = smtp_login

    receipt = mailer(port, "ssl", tls_files, username=user, password=password).send(
        verification_mail())

    assert handler.received[0].over_tls
    assert handler.received[0].authenticated
    assert_received_intact(handler.received[0], receipt)


def test_factory_builds_a_working_starttls_mailer(smtp_server, tls_files, smtp_login):
    handler, port = smtp_server("starttls", auth=True)
    user, password = smtp_login
    config = {
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port),
        "MAIL_SECURITY": "starttls", "MAIL_USERNAME": user, "MAIL_PASSWORD": password,
        "MAIL_SENDER": SENDER, "MAIL_TIMEOUT": "5", "MAIL_CA_FILE": str(tls_files.cert),
        "MAIL_HELO_NAME": "portal.test",
    }

    make_mailer(config, clock=lambda: SENT_AT).send(verification_mail())

    assert handler.received[0].over_tls and handler.received[0].authenticated


def test_untrusted_certificate_is_a_transient_failure(smtp_server):
    handler, port = smtp_server("starttls")

    # The system trust store does not know the test certificate.
    with pytest.raises(DeliveryFailed) as failure:
        mailer(port, "starttls").send(verification_mail())

    assert not failure.value.permanent
    assert "certificate" in str(failure.value).lower()
    assert handler.received == []


def test_server_down_then_up(smtp_server, unused_port):
    port = unused_port
    sender = mailer(port)

    with pytest.raises(DeliveryFailed) as failure:
        sender.send(verification_mail())
    assert not failure.value.permanent
    assert f"127.0.0.1:{port}" in str(failure.value)

    handler, _ = smtp_server("none", port=port)
    receipt = sender.send(verification_mail())

    assert_received_intact(handler.received[0], receipt)


def test_unknown_recipient_is_permanent(smtp_server):
    handler, port = smtp_server("none")

    with pytest.raises(DeliveryFailed) as failure:
        mailer(port).send(verification_mail("unknown@members.test"))

    assert failure.value.permanent
    assert "550" in str(failure.value) and "unknown@members.test" in str(failure.value)
    assert handler.received == []


def test_busy_mailbox_is_transient(smtp_server):
    _, port = smtp_server("none")

    with pytest.raises(DeliveryFailed) as failure:
        mailer(port).send(verification_mail("busy@members.test"))

    assert not failure.value.permanent
    assert "450" in str(failure.value)


def test_mail_refused_after_data_is_permanent(smtp_server):
    handler, port = smtp_server("none")

    with pytest.raises(DeliveryFailed) as failure:
        mailer(port).send(verification_mail("spam@members.test"))

    assert failure.value.permanent
    assert "554" in str(failure.value)
    assert handler.received == []


def test_wrong_password_is_transient(smtp_server, tls_files, smtp_login):
    handler, port = smtp_server("starttls", auth=True)

    with pytest.raises(DeliveryFailed) as failure:
        mailer(port, "starttls", tls_files, username=smtp_login[0], password="wrong").send(verification_mail())

    # Bad credentials stop every mail alike; the mail stays queued until they are fixed.
    assert not failure.value.permanent
    assert "535" in str(failure.value)
    assert handler.received == []


def test_server_that_never_greets_times_out_as_transient(silent_port):
    with pytest.raises(DeliveryFailed) as failure:
        mailer(silent_port, timeout=0.2).send(verification_mail())

    assert not failure.value.permanent


def test_plain_server_without_starttls_is_transient(smtp_server, tls_files):
    handler, port = smtp_server("none")

    with pytest.raises(DeliveryFailed) as failure:
        mailer(port, "starttls", tls_files).send(verification_mail())

    assert not failure.value.permanent
    assert "STARTTLS" in str(failure.value)
    assert handler.received == []
