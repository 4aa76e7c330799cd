"""Message texts edited in the back office: refused when they use an unknown placeholder, saved as
versions that the next message uses, rolled back, restored to the shipped text, previewed in both
languages with the SMS's parts, and sent as a test to the administrator."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.extensions import db
from app.services.notifications.outbox import queue_message
from jobs.scheduler import run_now
from models import AuditEntry, MessageTemplateVersion, Notification
from tests.conftest import csrf_for
from tests.integration.helpers import login, make_user
from tests.integration.jobs.factories import make_company, make_member, make_membership, set_clock

EXPIRING_EN_EMAIL = "/message-texts/membership_expiring/email/en"
VERIFICATION_SMS_AR = "/message-texts/mobile_verification/sms/ar"


def _admin(app, client, username="admin1"):
    make_user(app, username, "Admin")
    login(client, username)
    return client


def _post(app, client, url, step, language="en", **fields):
    client.get(f"/lang/{language}")
    return client.post(url, data={**fields, "step": step, "csrf_token": csrf_for(client, app)})


def _queue_verification(app, language="en") -> Notification:
    with app.app_context():
        rows = queue_message(db.session, template="mobile_verification", language=language,
                             context={"code": "123456"}, mobile="+96899416689")
        db.session.commit()
        body = rows[0].body
        db.session.remove()
        return body


def _versions(app, template="mobile_verification", channel="sms", language="ar"):
    with app.app_context():
        rows = [(row.version, row.active, row.body) for row in db.session.scalars(
            select(MessageTemplateVersion).where(MessageTemplateVersion.template == template,
                                                 MessageTemplateVersion.channel == channel,
                                                 MessageTemplateVersion.language == language)
            .order_by(MessageTemplateVersion.version))]
        db.session.remove()
        return rows


def test_a_text_with_an_unknown_placeholder_is_refused_with_its_line(app, client):
    _admin(app, client)
    response = _post(app, client, EXPIRING_EN_EMAIL, "save", subject="Renew {{ company }}",
                     body="Hello {{ name }},\n\nYour balance is {{ balance }}.")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Line 3" in page and "balance" in page and "is not a placeholder of this message" in page
    assert _versions(app, "membership_expiring", "email", "en") == []
    # A text that does not parse is refused the same way, in Arabic too.
    response = _post(app, client, EXPIRING_EN_EMAIL, "save", language="ar", subject="Renew",
                     body="Hello {{ name }}\n{% if company %}")
    assert response.status_code == 422 and "السطر" in response.get_data(as_text=True)
    assert _versions(app, "membership_expiring", "email", "en") == []


def test_a_sandbox_escape_is_refused_at_save(app, client):
    _admin(app, client)
    response = _post(app, client, EXPIRING_EN_EMAIL, "save", subject="Renew",
                     body="{{ name.__class__.__mro__[1].__subclasses__() }}")
    assert response.status_code == 422 and "is not allowed in a message text" in response.get_data(as_text=True)
    response = _post(app, client, EXPIRING_EN_EMAIL, "preview", subject="{{ cycler.__init__.__globals__ }}",
                     body="Hello")
    assert response.status_code == 422
    assert _versions(app, "membership_expiring", "email", "en") == []


def test_versions_are_used_by_the_next_message_and_rolled_back(app, client):
    _admin(app, client)
    shipped = _queue_verification(app, "ar")
    assert "123456" in shipped
    # The editor opens on the shipped text, with the placeholders listed beside it.
    page = client.get(VERIFICATION_SMS_AR).get_data(as_text=True)
    assert "{{ code }}" in page and "The verification code" in page
    response = _post(app, client, VERIFICATION_SMS_AR, "save", body="رمز غرفة التجارة: {{ code }}")
    assert response.status_code == 302
    assert _queue_verification(app, "ar") == "رمز غرفة التجارة: 123456"
    assert _queue_verification(app, "en") != "رمز غرفة التجارة: 123456"  # the English text is its own
    _post(app, client, VERIFICATION_SMS_AR, "save", body="رمزكم {{ code }} - الغرفة")
    assert _queue_verification(app, "ar") == "رمزكم 123456 - الغرفة"
    versions = _versions(app)
    assert [(number, active) for number, active, _ in versions] == [(1, False), (2, True)]
    # Roll back to version 1: the next message uses it again.
    with app.app_context():
        first = db.session.scalar(select(MessageTemplateVersion.id).where(MessageTemplateVersion.version == 1))
    response = _post(app, client, VERIFICATION_SMS_AR, "rollback", version_id=str(first))
    assert response.status_code == 302
    assert _queue_verification(app, "ar") == "رمز غرفة التجارة: 123456"
    assert [(number, active) for number, active, _ in _versions(app)] == [(1, True), (2, False)]
    # Restore the shipped text.
    _post(app, client, VERIFICATION_SMS_AR, "restore")
    assert _queue_verification(app, "ar") == shipped
    # Every save and rollback is in the audit log, with who did it.
    with app.app_context():
        entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "message_template_version")))
        assert len(entries) >= 4 and {entry.actor for entry in entries} == {"admin1"}
    page = client.get(VERIFICATION_SMS_AR).get_data(as_text=True)
    assert "admin1" in page and "Version 2" in page


def test_an_edited_reminder_is_what_the_reminder_job_sends(app, client):
    _admin(app, client)
    _post(app, client, EXPIRING_EN_EMAIL, "save", subject="{{ company }}: renew before {{ expires_on }}",
          body="Dear {{ name }},\n\nRenew {{ company }} (OCCI {{ occi_number }}) here: {{ renewal_url }}\n\n"
               "{% if days == 30 %}A month left.{% else %}{{ days }} days left.{% endif %}\n\n"
               "{{ chamber_name }} · {{ chamber_phone }}")
    expiry = dt.date(2026, 3, 31)
    with app.app_context():
        company = make_company("1229237", civil_ids=("1526575",))
        make_membership(company, "91868", expiry)
        make_member(app, "salim", "1526575", language="en")
        db.session.commit()
    set_clock(app, 2026, 3, 1)
    assert run_now(app, "reminders").status == "ok"
    with app.app_context():
        email = db.session.scalar(select(Notification).where(Notification.channel == "email"))
        sms = db.session.scalar(select(Notification).where(Notification.channel == "sms"))
        assert email.subject == "Promising Projects: renew before March 31, 2026"
        assert email.body.startswith("Dear Salim Al Harthy,\n\nRenew Promising Projects (OCCI 91868) here: http")
        assert "\n\nA month left.\n\n" in email.body  # the reminder's offset, for a text per offset
        assert email.body.endswith("Oman Chamber of Commerce & Industry · +968 24763700")
        assert "<p>Dear Salim Al Harthy,</p>" in email.html_body
        assert sms.body.startswith("OCCI: membership No 91868 expires")  # the SMS keeps the shipped text


def test_preview_in_both_languages_with_the_sms_parts(app, client):
    _admin(app, client)
    body = "عزيزنا {{ name }}، تنتهي عضوية {{ company }} رقم {{ occi_number }} في {{ expires_on }}. جددها: {{ renewal_url }}"
    response = _post(app, client, "/message-texts/membership_expiring/sms/ar", "preview", body=body)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "سالم الحارثي" in page and "المشاريع الواعدة" in page  # the Arabic sample
    assert "OCCI: membership No 91868 expires on 31 March 2027" in page  # the English text, previewed beside
    assert 'id="sms-cost"' in page and "SMS part(s) of up to 67 characters" in page
    assert _versions(app, "membership_expiring", "sms", "ar") == []  # a preview saves nothing


def test_send_a_test_to_me(app, client):
    _admin(app, client)
    response = _post(app, client, EXPIRING_EN_EMAIL, "test", subject="Test {{ company }}",
                     body="Hello {{ name }}")
    assert response.status_code == 200 and "A test was queued" in response.get_data(as_text=True)
    with app.app_context():
        note = db.session.scalar(select(Notification))
        assert (note.channel, note.recipient, note.subject, note.body) == (
            "email", "admin1@example.om", "Test Promising Projects LLC", "Hello Salim Al Harthy")
    # No mobile on the admin's account: an SMS test is refused, nothing queued.
    response = _post(app, client, VERIFICATION_SMS_AR, "test", body="{{ code }}")
    assert response.status_code == 422 and "no email address or mobile number" in response.get_data(as_text=True)


def test_auditors_read_texts_but_cannot_change_them(app, client):
    make_user(app, "auditor1", "Auditor")
    login(client, "auditor1")
    page = client.get(VERIFICATION_SMS_AR)
    assert page.status_code == 200 and 'id="save-button"' not in page.get_data(as_text=True)
    response = _post(app, client, VERIFICATION_SMS_AR, "save", body="{{ code }}")
    assert response.status_code in (302, 403) and _versions(app) == []
    make_user(app, "staff1", "Staff")
    staff = app.test_client()
    login(staff, "staff1")
    assert staff.get("/message-texts/").status_code in (302, 403)


def test_two_admins_saving_the_same_text_at_once_keep_one_version_and_are_told(app, client, monkeypatch):
    """The other admin's save lands between reading the next version number and writing it."""
    from app.services.notifications import message_templates as texts

    _admin(app, client)
    listed, saved = texts.versions, []

    def the_other_admin_saves_first(session, key):
        if saved:
            return listed(session, key)
        saved.append(key)
        with app.app_context():
            from sqlalchemy.orm import Session

            with Session(db.engine) as other:
                other.add(MessageTemplateVersion(template=key.template, channel=key.channel, language=key.language,
                                                 version=1, body="رمز {{ code }} من زميل", active=True))
                other.commit()
        return listed(session, key)

    monkeypatch.setattr(texts, "versions", the_other_admin_saves_first)
    response = _post(app, client, VERIFICATION_SMS_AR, "save", body="رمزكم {{ code }}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Someone else saved this text a moment ago" in page
    assert [(number, body) for number, _, body in _versions(app)] == [(1, "رمز {{ code }} من زميل")]
