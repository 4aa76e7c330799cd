"""The chamber's details set in the back office: a new phone number appears on the next certificate and
receipt, the contact page and the footer; an environment variable still wins; the emblem is checked."""
from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.services.certificates.issue import certificate_pdf
from models import AuditEntry, Certificate, ServiceOrder
from tests.integration.counter.fixtures import back_office, counter_ready, post, serve

NEW_PHONE = "+968 2450 1234"
DETAILS = {"name_en": "Oman Chamber of Commerce & Industry", "name_ar": "غرفة تجارة وصناعة عمان",
           "address_en": "P.O. Box 1400, Ruwi 112, Muscat", "address_ar": "ص.ب 1400، روي 112، مسقط",
           "phone": NEW_PHONE, "email": "info@chamberoman.om", "website": "https://chamberoman.om",
           "hours_en": "Sunday to Thursday, 7:30 to 14:30", "hours_ar": "من الأحد إلى الخميس",
           "signatory_name_en": "Faisal Al Rowas", "signatory_name_ar": "فيصل الرواس",
           "signatory_title_en": "Chairman", "signatory_title_ar": "رئيس مجلس الإدارة"}


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_new_phone_number_appears_on_the_next_certificate_and_receipt(app, client):
    ids = counter_ready(app)
    with app.app_context():
        old = db.session.get(Certificate, ids["certificate"])
        assert NEW_PHONE not in _text(certificate_pdf(old))
    admin = back_office(app, "admin1", "Admin")
    response = post(app, admin, "/chamber-details/", DETAILS)
    assert response.status_code == 302
    # The next counter renewal: its receipt and its certificate print the new number.
    staff = back_office(app, "staff1", "Staff")
    assert serve(app, staff, ids["company"], membership=str(ids["membership"])).status_code == 302
    with app.app_context():
        order = db.session.scalar(select(ServiceOrder).order_by(ServiceOrder.id.desc()))
        reference = order.reference
    page = staff.get(f"/counter/order/{reference}/pay").get_data(as_text=True)
    from tests.conftest import csrf_from

    assert staff.post(f"/counter/order/{reference}/pay",
                      data={"method": "cash", "csrf_token": csrf_from(page)}).status_code == 302
    receipt = staff.get(f"/counter/order/{reference}/receipt.pdf")
    assert NEW_PHONE in _text(receipt.data)
    with app.app_context():
        order = db.session.scalar(select(ServiceOrder).where(ServiceOrder.reference == reference))
        certificate = db.session.scalar(select(Certificate).where(Certificate.order_id == order.id))
        assert certificate.snapshot["chamber_phone"] == NEW_PHONE
        text = _text(certificate_pdf(certificate))
        assert NEW_PHONE in text and "Faisal Al Rowas" in text and "Chairman" in text
        # The certificate issued before keeps what it printed.
        assert NEW_PHONE not in _text(certificate_pdf(db.session.get(Certificate, ids["certificate"])))
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "chamber_setting",
                                                          AuditEntry.actor == "admin1")) is not None
    # The contact page and the footer of every page.
    contact = client.get("/contact/").get_data(as_text=True)
    assert NEW_PHONE in contact and 'id="footer-phone"' in contact


def test_an_environment_variable_wins_and_the_page_says_so(app, monkeypatch):
    monkeypatch.setenv("CHAMBER_PHONE", "+968 2470 0000")
    app.config["CHAMBER_PHONE"] = "+968 2470 0000"
    admin = back_office(app, "admin1", "Admin")
    page = admin.get("/chamber-details/").get_data(as_text=True)
    assert "Set by the environment variable CHAMBER_PHONE." in page
    assert post(app, admin, "/chamber-details/", DETAILS).status_code == 302
    with app.app_context():
        from app.services.settings.chamber_details import chamber_details

        assert chamber_details().phone == "+968 2470 0000"
        assert chamber_details().signatory_title_en == "Chairman"


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (11, 93, 59)).save(out, format="PNG")
    return out.getvalue()


def test_the_emblem_is_checked_by_its_content_and_served_by_the_app(app):
    admin = back_office(app, "admin1", "Admin")

    def upload(data: bytes, name: str):
        return post(app, admin, "/chamber-details/emblem", {"emblem": (io.BytesIO(data), name)},
                    content_type="multipart/form-data")

    response = upload(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "emblem.png")
    assert response.status_code == 422 and "PNG or JPEG" in response.get_data(as_text=True)
    response = upload(_png(20, 20), "tiny.png")
    assert response.status_code == 422 and "from 64 to 2000 pixels" in response.get_data(as_text=True)
    response = upload(b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024 + 10), "big.png")
    assert response.status_code == 422 and "at most 1 MB" in response.get_data(as_text=True)
    assert admin.get("/chamber-details/emblem").status_code == 404
    assert upload(_png(200, 200), "emblem.png").status_code == 302
    served = admin.get("/chamber-details/emblem")
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data.startswith(b"\x89PNG")
    with app.app_context():
        from app.services.settings.chamber_details import emblem_path

        assert str(emblem_path()).startswith(app.config["INSTANCE_DIR"])
    assert app.test_client().get("/chamber-details/emblem").status_code in (302, 401, 403)
