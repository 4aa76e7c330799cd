"""The back office's main screens in Arabic, in Chromium, as the chamber's administrator, staff and auditor."""
from __future__ import annotations

import re

import pytest

from tests.e2e.flows import log_in

ROLES = {
    "admin": ("ghurfa-admin-demo", ["/companyview/list/", "/membershipview/list/", "/serviceorderview/list/",
                                    "/paymentview/list/", "/feescheduleview/list/", "/voucherview/list/",
                                    "/users/list/"]),
    "staff": ("ghurfa-staff-demo", ["/companyview/list/", "/membershipview/list/", "/certificateview/list/",
                                    "/serviceorderview/list/", "/notificationview/list/", "/jobrunview/list/",
                                    "/registryflagview/list/", "/reports/"]),
    "auditor": ("ghurfa-auditor-demo", ["/auditlogview/list/", "/companyview/list/", "/paymentview/list/",
                                        "/reports/", "/reports/revenue"]),
}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_main_screens_of_the_back_office(page, look, role):
    password, screens = ROLES[role]
    log_in(page, look, role, password)
    look(page, "start")
    assert page.locator("html").get_attribute("dir") == "rtl"
    for url in screens:
        response = page.goto(url)
        assert response.status == 200, (url, response.status)
        look(page, url.strip("/").replace("/", "-"))
        # A list opens its first record, when it has one.
        first = page.locator("table a[href*='/show/']").first
        if url.endswith("/list/") and first.count():
            first.click()
            page.wait_for_load_state("load")
            look(page, url.strip("/").split("/")[0] + "-show")
    menus = [m.strip() for m in page.locator("a.dropdown-toggle").all_inner_texts() if m.strip()]
    if role == "staff":
        assert "التدقيق" not in menus and "Audit" not in menus
    if role == "auditor":
        assert page.locator("a[href='/portal/']").count() == 0
    page.goto("/no/such/page")
    look(page, "not-found")
    assert page.locator("#error-way-back").is_visible()
    page.locator("#error-way-back").click()
    page.wait_for_url(re.compile(r".*/$"))
