"""The development outbox: mail as .eml files, SMS as .sms.txt files, each with a log line."""
from __future__ import annotations

import email
import email.policy
import logging
from datetime import datetime, timedelta, timezone

import pytest

from app.adapters.mail import DeliveryFailed, MailMessage, OutboxMailer, make_mailer
from app.adapters.sms import OutboxSms, SmsMessage, make_sms_sender

START = datetime(2024, 5, 1, 6, 30, tzinfo=timezone.utc)


class SteppingClock:
    """Each call is one second later than the last."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        current = self.now
        self.now += timedelta(seconds=1)
        return current


def test_mail_outbox_writes_a_parsable_utf8_eml_and_logs_it(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="app.adapters.mail")
    mailer = OutboxMailer(tmp_path / "outbox", "غرفة تجارة وصناعة عمان <no-reply@chamber.test>",
                          clock=lambda: START)
    msg = MailMessage(to="ahmed@members.test", subject="رمز التحقق: layLSJ",
                      text_body="رمز التحقق الخاص بك هو layLSJ", html_body="<p>رمز التحقق: <b>layLSJ</b></p>")

    receipt = mailer.send(msg)

    files = list((tmp_path / "outbox").iterdir())
    assert [f.name for f in files] == [receipt.provider_id]
    assert files[0].name.startswith("20240501T063000.000000Z-")
    assert files[0].name.endswith("-ahmed@members.test.eml")
    raw = files[0].read_bytes()
    # Readable as it is: the Arabic text is there in UTF-8, lines end in CRLF as RFC 5322 says.
    assert "رمز التحقق الخاص بك هو layLSJ".encode() in raw
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == "رمز التحقق: layLSJ"
    assert parsed["To"] == "ahmed@members.test"
    assert parsed["Date"].datetime == START
    assert parsed.get_body(("plain",)).get_content().strip() == "رمز التحقق الخاص بك هو layLSJ"
    assert "<b>layLSJ</b>" in parsed.get_body(("html",)).get_content()
    assert any(r.levelno == logging.INFO and r.getMessage().startswith("mail to ahmed@members.test: رمز التحقق: layLSJ")
               for r in caplog.records)


def test_outbox_files_sort_in_sending_order(tmp_path):
    mailer = OutboxMailer(tmp_path, clock=SteppingClock(START))
    subjects = ["first", "second", "third"]
    for subject in subjects:
        mailer.send(MailMessage(to="a@members.test", subject=subject, text_body="x"))

    ordered = sorted(tmp_path.glob("*.eml"))
    assert [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["Subject"] for p in ordered] \
        == subjects


def test_two_mails_in_the_same_instant_keep_separate_files(tmp_path):
    mailer = OutboxMailer(tmp_path, clock=lambda: START)
    mailer.send(MailMessage(to="a@members.test", subject="one", text_body="x"))
    mailer.send(MailMessage(to="a@members.test", subject="two", text_body="x"))

    assert len(list(tmp_path.glob("*.eml"))) == 2
    assert not list(tmp_path.glob(".*"))  # no half-written leftovers


def test_sms_outbox_writes_a_readable_file_and_logs_the_text(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="app.adapters.sms")
    sender = OutboxSms(tmp_path / "outbox", clock=lambda: START)

    receipt = sender.send(SmsMessage(to="+96891234567", text="Your mobile verification code : 951386"))

    path = tmp_path / "outbox" / receipt.provider_id
    assert path.name.endswith("-+96891234567.sms.txt")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("To: +96891234567\nFrom: ChamberOman\nDate: 2024-05-01T06:30:00+00:00\n")
    assert text.endswith("\n\nYour mobile verification code : 951386\n")
    assert ("sms to +96891234567 from ChamberOman: Your mobile verification code : 951386"
            in [r.getMessage() for r in caplog.records if r.levelno == logging.INFO])


def test_sms_outbox_keeps_arabic(tmp_path):
    sender = OutboxSms(tmp_path, clock=lambda: START)

    receipt = sender.send(SmsMessage(to="+96891234567", text="تم تجديد عضويتك حتى 2025-05-01"))

    text = (tmp_path / receipt.provider_id).read_text(encoding="utf-8")
    assert "تم تجديد عضويتك حتى 2025-05-01" in text
    assert "Parts: 1 (UCS-2)" in text


def test_factories_default_to_the_outbox_folder(tmp_path):
    config = {"OUTBOX_DIR": str(tmp_path / "box")}

    make_mailer(config, clock=lambda: START).send(MailMessage(to="a@members.test", subject="s", text_body="t"))
    make_sms_sender(config, clock=lambda: START).send(SmsMessage(to="+96891234567", text="t"))

    kinds = sorted("sms" if p.name.endswith(".sms.txt") else p.suffix for p in (tmp_path / "box").iterdir())
    assert kinds == [".eml", "sms"]


def test_unwritable_outbox_is_a_transient_failure(tmp_path):
    blocker = tmp_path / "outbox"
    blocker.write_text("a file where the folder should be")

    with pytest.raises(DeliveryFailed) as failure:
        OutboxSms(blocker).send(SmsMessage(to="+96891234567", text="t"))

    assert not failure.value.permanent
    assert str(blocker) in str(failure.value)
