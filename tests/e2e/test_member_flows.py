"""Every seed flow of a member, in Arabic, in Chromium: registration, both logins, the five services, certificates."""
from __future__ import annotations

import re
import time

from tests.e2e.flows import (
    download_certificate,
    email_code,
    log_in,
    prove_identity,
    run_service,
    sms_code,
    start_service,
)

DEMO_PASSWORD = "ghurfa-member-demo"


def test_registration_with_both_codes_then_a_new_membership(page, look, outbox):
    since = time.time() - 1
    page.goto("/register/")
    look(page, "register")
    assert page.locator("html").get_attribute("dir") == "rtl"
    fields = {"#first_name": "ناصر", "#family_name": "الحارثي", "#email": "nasser@example.om",
              "#mobile": "92223344", "#id_number": "6543210", "#password": "wadi shab in the morning",
              "#confirm_password": "wadi shab in the morning"}
    # A mistake first: the page says what is wrong, next to the field, and keeps the rest.
    for selector, value in fields.items():
        page.fill(selector, value if selector != "#confirm_password" else "something else entirely")
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state("load")
    look(page, "register-mistake")
    assert page.locator("#confirm_password-errors").is_visible()
    assert page.locator("#email").input_value() == "nasser@example.om"
    page.fill("#password", fields["#password"])
    page.fill("#confirm_password", fields["#confirm_password"])
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/register/verify-email"))
    look(page, "verify-email")
    page.fill("#code", email_code(outbox, "nasser@example.om", since))
    page.keyboard.press("Enter")  # the form works from the keyboard
    page.wait_for_url(re.compile(r".*/register/verify-mobile"))
    look(page, "verify-mobile")
    page.fill("#code", sms_code(outbox, "+96892223344", since))
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/portal/"))
    look(page, "dashboard")
    assert "مرحبًا" in page.locator(".member-greeting").inner_text()

    # Duqm Logistics (CR 1333444) has no membership yet: register it, pay, get the certificate.
    start_service(page, look, "/services/new-membership/", "1333444", None)
    prove_identity(page, look, "6543210")
    page.wait_for_selector("#details-next")
    look(page, "new-membership-details")
    page.locator("#details-next").click()
    page.wait_for_selector("#confirm")
    look(page, "new-membership-check")
    page.locator("#confirm").click()
    from tests.e2e.flows import pay_on_sandbox

    pay_on_sandbox(page, look)
    look(page, "new-membership-receipt")
    assert download_certificate(page).startswith(b"%PDF")


def test_password_login_and_the_four_services_on_existing_memberships(page, look):
    log_in(page, look, "iamsa@chamberoman.com", DEMO_PASSWORD)
    page.wait_for_url(re.compile(r".*/portal/"))
    look(page, "dashboard")

    run_service(page, look, "/services/renewal/", "1445820", "91868", "7324674", renewal_months="12")
    assert download_certificate(page).startswith(b"%PDF")

    run_service(page, look, "/services/replacement/", "1445820", "91868", "7324674")
    assert download_certificate(page).startswith(b"%PDF")

    # 100234 expired long ago: a name change is refused on the spot, before any identity check.
    start_service(page, look, "/services/name-change/", "1102345", "100234")
    look(page, "name-change-refused")
    assert page.locator("#wizard-error").is_visible() and "/dev-idp/" not in page.url
    run_service(page, look, "/services/renewal/", "1102345", "100234", "7324674", renewal_months="24")
    run_service(page, look, "/services/name-change/", "1102345", "100234", "7324674")
    assert download_certificate(page).startswith(b"%PDF")

    run_service(page, look, "/services/grade-change/", "1310022", "104410", "7324674")
    assert download_certificate(page).startswith(b"%PDF")

    page.goto("/portal/")
    look(page, "dashboard-after")
    page.locator("#user-menu").click()
    page.locator("#menu-profile").click()
    page.wait_for_url(re.compile(r".*/profile/"))
    look(page, "profile")


def test_pki_login(page, look):
    page.goto("/login/")
    look(page, "login")
    page.locator("#login-via-pki").click()
    prove_identity(page, look, "1526575")
    page.wait_for_url(re.compile(r".*/portal/"))
    look(page, "dashboard")
    assert page.locator("html").get_attribute("lang") == "ar"
