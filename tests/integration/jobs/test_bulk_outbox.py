"""Bulk queueing renders exactly what queue_message renders, in each language, and skips known dedupe keys."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.services.notifications.bulk_outbox import OutgoingMessage, queue_many
from app.services.notifications.outbox import render_message
from models import Notification

CONTEXT = {"name": "<b>Salim</b>", "company": "promising projects", "occi_number": "1128046",
           "expires_on": "19/03/2019", "reference": "R-1", "certificate_url": "http://127.0.0.1/c/1",
           "renewal_url": "http://127.0.0.1/services/renewal/"}


@pytest.mark.parametrize("template", ["certificate_issued", "membership_expiring", "membership_expired"])
def test_same_text_as_render_message_in_both_languages(app, template):
    with app.app_context():
        messages = [OutgoingMessage(template=template, language=language, context=CONTEXT,
                                    dedupe_key=f"t:{language}", email=f"{language}@example.om", mobile="+96899416689")
                    for language in ("ar", "en", "ar")]
        assert queue_many(db.session, messages) == 4  # the second Arabic one has the same dedupe key
        db.session.commit()
        for language in ("ar", "en"):
            expected = render_message(template, language, CONTEXT)
            email = db.session.scalar(select(Notification).where(Notification.dedupe_key == f"t:{language}:email"))
            sms = db.session.scalar(select(Notification).where(Notification.dedupe_key == f"t:{language}:sms"))
            assert (email.subject, email.body, email.html_body) == (expected.subject, expected.text, expected.html)
            assert sms.body == expected.sms
        assert queue_many(db.session, messages) == 0


def test_arabic_text_comes_from_the_catalog(app):
    with app.app_context():
        queue_many(db.session, [OutgoingMessage(template="certificate_issued", language="ar", context=CONTEXT,
                                                email="a@example.om")])
        assert "شهادة الانتساب" in db.session.scalar(select(Notification.subject))
