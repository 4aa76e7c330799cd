"""MailMessage checks, the RFC 5322 message built from it, and the mail settings."""
from __future__ import annotations

import dataclasses
import email
import email.policy
from datetime import datetime, timedelta, timezone

import pytest

from app.adapters.mail import (
    AdapterConfigError,
    InvalidMessage,
    Mailer,
    MailMessage,
    OutboxMailer,
    SmtpMailer,
    build_email,
    make_mailer,
)

NOW = datetime(2024, 5, 1, 10, 15, 30, tzinfo=timezone(timedelta(hours=4)))  # Asia/Muscat
SENDER = "غرفة تجارة وصناعة عمان <no-reply@chamber.test>"


def parse(em) -> email.message.EmailMessage:
    return email.message_from_bytes(em.as_bytes(), policy=email.policy.default)


def smtp(**overrides) -> SmtpMailer:
    settings = dict(host="mail.test", port=587, security="starttls", username="u", password="p",
                    sender="no-reply@chamber.test", timeout=5)
    settings.update(overrides)
    return SmtpMailer(**settings)


# --- MailMessage ---------------------------------------------------------------

@pytest.mark.parametrize("to", ["", "   ", "ahmed", "ahmed@", "@members.test", "a@b@c",
                                "a@members.test, b@members.test", None])
def test_a_mail_needs_one_valid_recipient(to):
    with pytest.raises(InvalidMessage):
        MailMessage(to=to, subject="s", text_body="t")


@pytest.mark.parametrize("field, value", [
    ("to", "a@members.test\r\nBcc: victim@members.test"),
    ("subject", "hello\nBcc: victim@members.test"),
    ("reply_to", "help@chamber.test\nX-Evil: 1"),
])
def test_header_injection_is_refused(field, value):
    values = dict(to="a@members.test", subject="s", text_body="t")
    values[field] = value
    with pytest.raises(InvalidMessage):
        MailMessage(**values)


@pytest.mark.parametrize("values", [
    dict(subject=""), dict(text_body=""), dict(text_body="  \n"), dict(html_body=""),
    dict(message_id="no-brackets@chamber.test"), dict(message_id="<no-at-sign>"), dict(message_id="<a b@c>"),
])
def test_incomplete_mail_is_refused(values):
    with pytest.raises(InvalidMessage) as error:
        MailMessage(**{**dict(to="a@members.test", subject="s", text_body="t"), **values})
    assert str(error.value)


def test_the_error_names_the_bad_address():
    with pytest.raises(InvalidMessage) as error:
        MailMessage(to="ahmed.members.test", subject="s", text_body="t")
    assert "ahmed.members.test" in str(error.value)


def test_a_mail_is_immutable():
    msg = MailMessage(to="a@members.test", subject="s", text_body="t")
    with pytest.raises(dataclasses.FrozenInstanceError):
        msg.to = "b@members.test"


# --- build_email -----------------------------------------------------------------

def test_arabic_headers_and_text_survive_a_round_trip():
    msg = MailMessage(to="أحمد البلوشي <ahmed@members.test>", subject="تم إصدار شهادة المنشأ رقم 1024",
                      text_body="عزيزي أحمد،\nشهادتك جاهزة.", reply_to="help@chamber.test")

    parsed = parse(build_email(msg, SENDER, now=NOW))

    assert parsed["Subject"] == "تم إصدار شهادة المنشأ رقم 1024"
    assert parsed["From"].addresses[0].display_name == "غرفة تجارة وصناعة عمان"
    assert parsed["From"].addresses[0].addr_spec == "no-reply@chamber.test"
    assert parsed["To"].addresses[0].display_name == "أحمد البلوشي"
    assert parsed["Reply-To"] == "help@chamber.test"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Date"].datetime == NOW
    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content_charset() == "utf-8"
    assert parsed.get_content().splitlines() == ["عزيزي أحمد،", "شهادتك جاهزة."]


def test_html_makes_a_multipart_alternative_text_first():
    msg = MailMessage(to="a@members.test", subject="s", text_body="نص", html_body="<p dir='rtl'>نص</p>")

    em = build_email(msg, SENDER, now=NOW)
    parsed = parse(em)

    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed.get_body(("html",)).get_content().strip() == "<p dir='rtl'>نص</p>"
    assert [p["MIME-Version"] for p in em.iter_parts()] == [None, None]
    assert em["MIME-Version"] == "1.0"


def test_message_id_is_generated_in_the_sender_domain_and_unique():
    msg = MailMessage(to="a@members.test", subject="s", text_body="t")

    first = build_email(msg, SENDER, now=NOW)["Message-ID"]
    second = build_email(msg, SENDER, now=NOW)["Message-ID"]

    assert first.startswith("<") and first.endswith("@chamber.test>")
    assert first != second


def test_a_given_message_id_is_kept():
    msg = MailMessage(to="a@members.test", subject="s", text_body="t", message_id="<outbox-42@chamber.test>")

    assert build_email(msg, SENDER, now=NOW)["Message-ID"] == "<outbox-42@chamber.test>"


def test_smtp_form_is_seven_bit_and_outbox_form_is_readable_utf8():
    msg = MailMessage(to="a@members.test", subject="s", text_body="رمز التحقق 951386")

    wire = build_email(msg, SENDER, now=NOW).as_bytes()
    readable = build_email(msg, SENDER, now=NOW, eight_bit=True).as_bytes()

    assert all(b < 128 for b in wire)
    assert b"Content-Transfer-Encoding: base64" in wire
    assert "رمز التحقق 951386".encode() in readable
    assert b"Content-Transfer-Encoding: 8bit" in readable


def test_plain_ascii_text_stays_seven_bit():
    msg = MailMessage(to="a@members.test", subject="Code", text_body="Your code is layLSJ")

    wire = build_email(msg, "no-reply@chamber.test", now=NOW).as_bytes()

    assert b"Content-Transfer-Encoding: 7bit" in wire
    assert b"Your code is layLSJ" in wire


def test_a_naive_date_is_refused():
    msg = MailMessage(to="a@members.test", subject="s", text_body="t")
    with pytest.raises(ValueError):
        build_email(msg, SENDER, now=datetime(2024, 5, 1, 10, 0))


# --- SmtpMailer settings ------------------------------------------------------------

def test_smtp_mailer_is_a_mailer():
    assert isinstance(smtp(), Mailer)
    assert isinstance(OutboxMailer("instance/outbox", SENDER), Mailer)


@pytest.mark.parametrize("overrides", [
    dict(host=""), dict(security="tls"), dict(port=0), dict(port=70000), dict(timeout=0),
    dict(password=None), dict(username=None),
    # A password is never sent in clear text.
    dict(security="none"),
    dict(sender="not an address"),
])
def test_bad_smtp_settings_are_refused(overrides):
    with pytest.raises(AdapterConfigError):
        smtp(**overrides)


def test_smtp_without_login_may_run_without_tls():
    mailer = smtp(security="none", username=None, password=None, port=None)
    assert mailer.port == 25


# --- make_mailer ----------------------------------------------------------------------

def test_outbox_is_the_default_backend(tmp_path):
    mailer = make_mailer({"OUTBOX_DIR": str(tmp_path)})
    assert isinstance(mailer, OutboxMailer)
    assert mailer.folder == tmp_path


def test_smtp_settings_from_the_environment_are_read():
    mailer = make_mailer({
        "MAIL_BACKEND": "SMTP", "MAIL_SERVER": " smtp.chamber.test ", "MAIL_PORT": "465", "MAIL_SECURITY": "ssl",
        "MAIL_USERNAME": "portal", "MAIL_PASSWORD": " pass with spaces ", "MAIL_SENDER": SENDER,
        "MAIL_TIMEOUT": "2.5",
    })
    assert isinstance(mailer, SmtpMailer)
    assert (mailer.host, mailer.port, mailer.security, mailer.timeout) == ("smtp.chamber.test", 465, "ssl", 2.5)
    assert mailer.password == " pass with spaces "


def test_smtp_port_follows_the_security_when_not_given():
    config = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "smtp.chamber.test", "MAIL_SENDER": SENDER, "MAIL_PORT": ""}
    assert make_mailer(config).port == 587
    assert make_mailer({**config, "MAIL_SECURITY": "ssl"}).port == 465


@pytest.mark.parametrize("config, named", [
    ({"MAIL_BACKEND": "pigeon"}, "MAIL_BACKEND"),
    ({"MAIL_BACKEND": "smtp", "MAIL_SENDER": SENDER}, "MAIL_SERVER"),
    ({"MAIL_BACKEND": "smtp", "MAIL_SERVER": "smtp.chamber.test"}, "MAIL_SENDER"),
    ({"MAIL_BACKEND": "smtp", "MAIL_SERVER": "s", "MAIL_SENDER": SENDER, "MAIL_PORT": "abc"}, "MAIL_PORT"),
    ({"MAIL_BACKEND": "smtp", "MAIL_SERVER": "s", "MAIL_SENDER": SENDER, "MAIL_TIMEOUT": "-1"}, "MAIL_TIMEOUT"),
    ({"MAIL_BACKEND": "smtp", "MAIL_SERVER": "s", "MAIL_SENDER": SENDER, "MAIL_SECURITY": "tls"}, "MAIL_SECURITY"),
])
def test_bad_mail_settings_name_the_setting(config, named):
    with pytest.raises(AdapterConfigError) as error:
        make_mailer(config)
    assert named in str(error.value)


def test_missing_ca_file_is_a_config_error(tmp_path):
    with pytest.raises(AdapterConfigError):
        make_mailer({"MAIL_BACKEND": "smtp", "MAIL_SERVER": "s", "MAIL_SENDER": SENDER,
                     "MAIL_CA_FILE": str(tmp_path / "missing.pem")})
