"""Error pages, the contact page, the site icon, and menus that hold only what each role can open."""
from __future__ import annotations

import html
import re

from tests.integration.helpers import login, make_user


def menus(shown: str) -> list[str]:
    """The names of the navigation bar's drop-down menus."""
    found = re.findall(r'class="dropdown-toggle"[^>]*>\s*(?:<i[^>]*></i>)?\s*([^<]+?)\s*<', shown)
    return [name.strip() for name in found if name.strip()]


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_missing_page_is_styled_in_the_readers_language_with_a_way_back(app, client):
    response = client.get("/no/such/page", headers={"Accept-Language": "ar"})
    shown = page(response)
    assert response.status_code == 404
    assert 'lang="ar" dir="rtl"' in shown and "لا توجد صفحة بهذا العنوان" in shown
    assert 'id="error-way-back" href="/"' in shown and "Not Found" not in shown
    english = page(app.test_client().get("/no/such/page", headers={"Accept-Language": "en"}))
    assert "Page not found" in english and "/contact/" in english


def test_a_form_sent_without_its_token_is_refused_in_words_and_changes_nothing(app, client):
    from app.extensions import db
    from models import AuditEntry

    with app.app_context():
        entries = db.session.query(AuditEntry).count()
    response = client.post("/login/", data={"username": "x", "password": "y"}, headers={"Accept-Language": "ar"})
    shown = page(response)
    assert response.status_code == 400 and "انتهت صلاحية هذا النموذج" in shown and "CSRF" not in shown
    assert 'id="error-way-back"' in shown  # the styled page, with the navigation bar
    english = page(app.test_client().post("/register/", data={}, headers={"Accept-Language": "en"}))
    assert "This form has expired" in english and "Bad Request" not in english
    with app.app_context():
        assert db.session.query(AuditEntry).count() == entries


def test_a_page_the_role_may_not_open_says_so_instead_of_forbidden(app, client):
    make_user(app, "auditor1", "Auditor")
    login(client, "auditor1")
    response = client.get("/portal/")
    shown = page(response)
    assert response.status_code == 403 and "You cannot open this page" in shown
    assert "Forbidden" not in shown and 'id="error-way-back"' in shown


def test_the_error_page_shows_the_request_reference_when_there_is_one(app):
    from flask import g

    from views.public.pages import error_page

    with app.test_request_context("/anything"):
        g.request_id = "req-7f3a"
        body, status = error_page(500)
    assert status == 500 and "req-7f3a" in body and "Something went wrong" in body


def test_the_contact_page_shows_the_configured_details(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "CHAMBER_PHONE", "+968 2470 0000")
    monkeypatch.setitem(app.config, "CHAMBER_ADDRESS_AR", "مسقط، روي")
    shown = page(client.get("/contact/", headers={"Accept-Language": "ar"}))
    assert "اتصل بنا" in shown and "مسقط، روي" in shown
    assert 'href="tel:+96824700000" dir="ltr" id="contact-phone">+968 2470 0000' in shown
    assert 'id="footer-contact"' in page(client.get("/login/"))


def test_the_site_has_an_icon(client):
    assert 'rel="icon" href="/static/favicon.svg"' in page(client.get("/login/"))
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.headers["Location"].endswith("/static/favicon.svg")
    assert client.get("/static/favicon.svg").data.startswith(b"<svg")


def test_staff_see_no_audit_menu_and_auditors_no_members_dashboard(app):
    make_user(app, "staff1", "Staff")
    make_user(app, "auditor1", "Auditor")
    staff, auditor = app.test_client(), app.test_client()
    login(staff, "staff1")
    login(auditor, "auditor1")
    staff_page, auditor_page = page(staff.get("/")), page(auditor.get("/"))
    assert menus(staff_page) == ["Chamber", "Members", "Payments", "Operations", "Reports"]
    assert "Audit" in menus(auditor_page) and "Audit log" in auditor_page
    assert "E-services dashboard" not in auditor_page and "/portal/" not in auditor_page
    assert "E-services dashboard" not in staff_page
