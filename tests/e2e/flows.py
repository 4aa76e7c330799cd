"""Steps a person takes in the browser, shared by the end-to-end tests."""
from __future__ import annotations

import re
import time
from email import message_from_bytes, policy
from pathlib import Path

ACCEPT_CARD = "4111111111111111"
PIN = "1234"
EMAIL_CODE = re.compile(r"([A-Za-z]{6})\s*$", re.M)


def wait_for_file(folder: Path, pattern: str, since: float, timeout: float = 15.0) -> Path:
    """The newest outbox file matching `pattern` written after `since` (the mail and SMS are sent at once)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [p for p in folder.glob(pattern) if p.stat().st_mtime >= since]
        if found:
            return max(found, key=lambda p: p.stat().st_mtime_ns)
        time.sleep(0.2)
    raise AssertionError(f"nothing matching {pattern} arrived in {folder}")


def email_code(folder: Path, address: str, since: float) -> str:
    """The verification code of the newest mail to `address` in the outbox folder."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns, reverse=True):
            if path.stat().st_mtime < since:
                continue
            mail = message_from_bytes(path.read_bytes(), policy=policy.default)
            if address in str(mail["To"]):
                text = mail.get_body(("plain",)).get_content()
                match = re.search(r":\s*([A-Za-z]{6})\s*$", text, re.M)
                assert match, text
                return match.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no mail to {address}")


def sms_code(folder: Path, number: str, since: float) -> str:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*.sms.txt"), key=lambda p: p.stat().st_mtime_ns, reverse=True):
            if path.stat().st_mtime < since:
                continue
            text = path.read_text(encoding="utf-8")
            if number in text:
                match = re.search(r"([0-9]{6})\s*$", text.strip())
                assert match, text
                return match.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no SMS to {number}")


def log_in(page, look, username: str, password: str, name: str = "login") -> None:
    page.goto("/login/")
    look(page, name)
    page.fill("#username", username)
    page.fill("#password", password)
    page.locator("form input[type=submit], form button[type=submit]").first.click()
    page.wait_for_load_state("load")


def log_out(page) -> None:
    page.goto("/logout/")


def prove_identity(page, look, civil_id: str) -> None:
    """The development IdP: card, then the civil ID and a PIN; it posts back to the portal."""
    page.wait_for_url(re.compile(r".*/dev-idp/.*|.*/idp/.*"), timeout=15000)
    look(page, "pki-choose")
    page.locator("form:has(input[name=method][value=card]) button").click()
    page.wait_for_load_state("load")
    look(page, "pki-pin")
    page.fill("#other_civil_id", civil_id)
    page.fill("#pin", PIN)
    page.locator("form:has(#pin) button[type=submit]").click()
    # The IdP's closing screen: its button posts the signed answer back to the portal.
    page.wait_for_selector("form:has(input[name=SAMLResponse])")
    look(page, "pki-return")
    page.locator("form:has(input[name=SAMLResponse]) button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/dev-idp/).*$"))
    page.wait_for_load_state("load")


def pay_on_sandbox(page, look) -> None:
    """The sandbox's hosted pages: billing address, card, review, pay; back to the portal's receipt."""
    page.wait_for_selector("#billing-form", timeout=20000)
    look(page, "gateway-billing")
    for field, value in (("first_name", "Amal"), ("last_name", "Al Harthy"), ("address", "Way 3012"),
                         ("city", "Muscat"), ("phone", "+96899416689"), ("email", "pay@example.om")):
        if page.locator(f"#{field}").input_value() == "":
            page.fill(f"#{field}", value)
    page.select_option("#country", "OM")
    page.locator("#billing-form button[type=submit]").click()
    page.wait_for_selector("#payment-form")
    look(page, "gateway-card")
    page.locator("input[name=card_type]").first.check()
    page.fill("#card_number", ACCEPT_CARD)
    page.fill("#cvn", "123")
    page.select_option("select[name=month]", index=2)
    page.select_option("select[name=year]", index=2)
    page.locator("#payment-form button[type=submit]").click()
    page.wait_for_selector("#review-form")
    look(page, "gateway-review")
    page.locator("#review-form button[type=submit]").click()
    page.wait_for_selector("#receipt-summary", timeout=20000)


def start_service(page, look, base: str, cr_number: str, occi_number: str | None) -> None:
    page.goto(base)
    look(page, f"{base.strip('/').split('/')[-1]}-company")
    page.select_option("#cr_number", cr_number)
    page.locator("#company-form button[type=submit]").click()
    page.wait_for_load_state("load")
    if occi_number is not None:
        look(page, f"{base.strip('/').split('/')[-1]}-membership")
        page.select_option("#occi_number", occi_number)
        page.locator("#membership-form button[type=submit]").click()
        page.wait_for_load_state("load")


def run_service(page, look, base: str, cr_number: str, occi_number: str | None, civil_id: str, *,
                renewal_months: str | None = None) -> str:
    """A paid service from the choice of company to the receipt; returns the receipt's reference."""
    name = base.strip("/").split("/")[-1]
    start_service(page, look, base, cr_number, occi_number)
    prove_identity(page, look, civil_id)
    page.wait_for_selector("#details-next")
    look(page, f"{name}-details")
    page.locator("#details-next").click()
    page.wait_for_load_state("load")
    if renewal_months is not None:
        look(page, f"{name}-period")
        page.locator(f"input[name=months][value='{renewal_months}']").check()
        page.locator("button[name=step][value=continue]").click()
        page.wait_for_load_state("load")
    page.wait_for_selector("#confirm")
    look(page, f"{name}-check")
    page.locator("#confirm").click()
    pay_on_sandbox(page, look)
    look(page, f"{name}-receipt")
    return page.locator("#reference").inner_text().strip()


def download_certificate(page) -> bytes:
    """The certificate PDF behind the receipt's download button, fetched with the member's session."""
    href = page.locator("#certificate-download").get_attribute("href")
    response = page.context.request.get(href)
    assert response.status == 200, response.status
    assert response.headers["content-type"].startswith("application/pdf")
    return response.body()
