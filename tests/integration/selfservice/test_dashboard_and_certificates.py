"""The member's e-services page, the receipt's email and SMS, and the certificate download."""
from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from models import Certificate, Notification, ServiceOrder

from .helpers import choose_membership, confirm, deliver, flat, pay_on_sandbox, post_form, text


def renew(client, app, cr="1445820", occi="91868", civil_id="7324674", months="24"):
    choose_membership(client, app, "/services/renewal", cr, occi, civil_id)
    post_form(client, "/services/renewal/period", {"months": months, "voucher_code": "", "step": "continue"})
    return deliver(client, pay_on_sandbox(client, text(confirm(client, "/services/renewal"))))


def test_the_dashboard_lists_companies_memberships_requests_and_certificates(app, hashmi):
    renew(hashmi, app)
    choose_membership(hashmi, app, "/services/name-change", "1102345", "100234", "7324674")
    assert confirm(hashmi, "/services/name-change").status_code == 200  # left unpaid
    with app.app_context():
        renewal, name_change = db.session.scalars(select(ServiceOrder).order_by(ServiceOrder.id))
        serial = db.session.scalar(select(Certificate.serial))
        db.session.remove()
    landing = hashmi.get("/services/")
    assert landing.status_code == 302 and landing.headers["Location"].endswith("/portal/")
    page = text(hashmi.get("/portal/"))
    companies, memberships, open_requests, past_requests, certificates = (
        flat(page.split(f'id="{section}"', 1)[1].split("</section>", 1)[0])
        for section in ("my-companies", "my-memberships", "open-requests", "past-requests", "my-certificates"))
    for cr in ("1102345", "1310022", "1445820"):
        assert cr in companies
    assert "1229237" not in companies
    assert "91868 Al Hashmi Trading Fourth Membership active 2020-03-19" in memberships
    assert "104410 Nizwa Date Factory First Membership active 2018-12-13" in memberships
    assert name_change.reference in open_requests and renewal.reference not in open_requests
    assert renewal.reference in past_requests and "50.000 OMR" in past_requests
    assert serial in certificates and f"/services/certificates/{serial}.pdf" in page
    for link in ("/services/new-membership/", "/services/renewal/", "/services/replacement/",
                 "/services/name-change/", "/services/grade-change/"):
        assert f'href="{link}"' in page


def test_the_member_gets_an_email_and_an_sms_in_their_language(app, salim):
    renew(salim, app, civil_id="1526575")
    with app.app_context():
        order = db.session.scalar(select(ServiceOrder))
        email, sms = (db.session.scalar(select(Notification).where(Notification.channel == channel))
                      for channel in ("email", "sms"))
        db.session.remove()
    assert email.recipient == "owner@promising.example.om" and sms.recipient == "+96892345678"
    assert email.language == sms.language == "en"
    assert email.subject == f"Membership renewal: request {order.reference} is complete"
    assert "Hello Salim Al-Rawahi," in email.body
    assert ("The membership of Al Hashmi Trading (OCCI No 91868) has been renewed until 2020-03-19."
            in email.body)
    assert f"http://localhost/services/receipt/{order.reference}" in email.body
    assert "http://localhost/services/certificates/" in email.body
    assert sms.body == (f"OCCI: Membership renewal for OCCI No 91868 is complete. Membership valid until "
                        f"2020-03-19. Ref {order.reference}.")
    assert email.dedupe_key == f"order:{order.reference}:fulfilled:email"
    assert email.certificate_id is not None and sms.certificate_id is None


def test_the_completion_email_carries_the_certificate_pdf(app, salim):
    import email as email_lib
    from email import policy

    from pypdf import PdfReader

    from app.services.notifications.outbox import Dispatcher

    renew(salim, app, civil_id="1526575")
    with app.app_context():
        serial = db.session.scalar(select(Certificate.serial))
        reference = db.session.scalar(select(ServiceOrder.reference))
        Dispatcher(db.session, app.config).deliver_due()
        db.session.remove()
    outbox = Path(app.config["OUTBOX_DIR"])
    mails = [email_lib.message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox.glob("*.eml")]
    mail = next(m for m in mails if reference in str(m["Subject"]))
    attachments = list(mail.iter_attachments())
    assert [a.get_filename() for a in attachments] == [f"certificate-{serial}.pdf"]
    assert attachments[0].get_content_type() == "application/pdf"
    pdf = attachments[0].get_content()
    assert pdf.startswith(b"%PDF")
    assert serial in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "attached to this email as a PDF" in mail.get_body(("plain",)).get_content()


def test_the_owner_downloads_the_certificate_pdf(app, hashmi, salim):
    renew(hashmi, app)
    with app.app_context():
        serial = db.session.scalar(select(Certificate.serial))
        db.session.remove()
    response = hashmi.get(f"/services/certificates/{serial}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    # Salim signs for 1445820 too, so he may download it; no one else may.
    assert salim.get(f"/services/certificates/{serial}.pdf").status_code == 200


def test_a_certificate_of_a_company_one_does_not_sign_for_is_not_found(app, hashmi, salim):
    renew(hashmi, app, cr="1310022", occi="104410", months="12")  # two years would pass the cap
    with app.app_context():
        serial = db.session.scalar(select(Certificate.serial))
        db.session.remove()
    assert salim.get(f"/services/certificates/{serial}.pdf").status_code == 404
    assert salim.get("/services/certificates/2018-NOSUCH.pdf").status_code == 404


def test_an_arabic_speaking_member_reads_the_pages_and_messages_in_arabic(app, hashmi):
    choose_membership(hashmi, app, "/services/renewal", "1445820", "91868", "7324674")
    hashmi.get("/lang/ar")
    period = flat(text(hashmi.get("/services/renewal/period")))
    assert "رسوم السنة الأولى 25.000 ر.ع. رسوم السنة الثانية 25.000 ر.ع. خصم القسيمة 0.000 ر.ع. الإجمالي 50.000 ر.ع." in period
    assert "تدعم البوابة حاليًا الدفع فقط بالبطاقات الائتمانية المحلية" in period
    renew(hashmi, app)
    with app.app_context():
        email = db.session.scalar(select(Notification).where(Notification.channel == "email"))
        sms = db.session.scalar(select(Notification).where(Notification.channel == "sms"))
        db.session.remove()
    assert email.subject.startswith("تجديد العضوية: اكتمل الطلب REN-2018-")
    assert "جُدّدت عضوية الهاشمي للتجارة (رقم العضوية 91868) حتى 2020-03-19." in email.body
    assert sms.body.startswith("الغرفة: اكتملت خدمة تجديد العضوية للعضوية رقم 91868. العضوية سارية حتى 2020-03-19.")
