"""Driving the self-service web flow: logging in, the identity proof, wizard steps, the sandbox page."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from app.extensions import db
from models import AuditEntry, Certificate, Membership, Notification, Payment, ServiceOrder
from tests.conftest import csrf_from
from tests.integration.payments.helpers import csrf_of, read_form
from tests.integration.saml.helpers import idp_response, post_acs, sent_request

SEED_TODAY = dt.date(2018, 3, 18)
SEED_NOW = dt.datetime(2018, 3, 18, 6, 0, tzinfo=dt.timezone.utc)
ACCEPT_CARD = "4111111111111111"
DECLINE_CARD = "4000000000000002"


def login_member(client, username: str, password: str = "member-pass-1") -> None:
    page = client.get("/login/")
    response = client.post("/login/", data={"username": username, "password": password,
                                            "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 302, response.get_data(as_text=True)


def prove_identity(client, app, step_url: str, civil_id: str) -> None:
    """Passes the PKI identity check the wizard asks for at `step_url`, through our SAML endpoints.

    The wizard redirects to the identity provider with a ForceAuthn request; the answer is
    what the development IdP signs after the member entered their PIN, authenticated at the
    chamber's "now" (CLOCK_NOW), and the ACS sends the member back to the step.
    """
    response = client.get(step_url)
    if response.status_code == 200:
        return  # a check for this company earlier in the same transaction is still fresh
    assert response.status_code == 302 and "SAMLRequest=" in response.headers["Location"], text(response)
    sent = sent_request(response.headers["Location"])
    assert sent.force_authn
    authn_instant = app.config["CLOCK_NOW"].astimezone(dt.timezone.utc).replace(tzinfo=None)
    answer = post_acs(client, idp_response(app, sent.id, civil_id=civil_id, authn_instant=authn_instant))
    assert answer.status_code == 302, text(answer)
    assert answer.headers["Location"].endswith(step_url), answer.headers["Location"]


def text(response) -> str:
    return response.get_data(as_text=True)


def without_nonces(html: str) -> str:
    """The page with its per-request CSP nonces blanked, to compare two renderings."""
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def flat(html: str) -> str:
    """The page's text with tags removed and spaces collapsed, for reading figures."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def post_form(client, url: str, data: dict, **kwargs):
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code, text(page)[:2000])
    return client.post(url, data={"csrf_token": csrf_from(text(page)), **data}, **kwargs)


def choose_membership(client, app, base: str, cr_number: str, occi_number: str, civil_id: str) -> None:
    """The first steps of a service on a membership: CR, OCCI number, identity check."""
    response = post_form(client, f"{base}/", {"cr_number": cr_number})
    assert response.status_code == 302 and response.headers["Location"].endswith("/membership"), text(response)
    response = post_form(client, f"{base}/membership", {"occi_number": occi_number})
    assert response.status_code == 302 and response.headers["Location"].endswith("/details"), text(response)
    prove_identity(client, app, f"{base}/details", civil_id)


def refused_at_selection(client, base: str, cr_number: str, occi_number: str | None = None):
    """Chooses the CR (and OCCI number); returns the refusal shown there, before any identity check."""
    response = post_form(client, f"{base}/", {"cr_number": cr_number})
    if occi_number is not None:
        assert response.status_code == 302, text(response)
        response = post_form(client, f"{base}/membership", {"occi_number": occi_number})
    assert response.status_code == 422, text(response)
    assert "SAMLRequest" not in response.headers.get("Location", "")
    # Going on to the details step anyway asks for no identity check either.
    details = client.get(f"{base}/details")
    assert details.status_code in (302, 422) and "SAMLRequest" not in details.headers.get("Location", "")
    return text(response)


def confirm(client, base: str):
    """Presses "Continue to payment" on the check-your-answers page; returns the response."""
    page = client.get(f"{base}/check")
    assert page.status_code == 200, text(page)
    html = text(page)
    fingerprint = re.search(r'name="fingerprint" value="([^"]+)"', html).group(1)
    return client.post(f"{base}/check", data={"csrf_token": csrf_from(html), "fingerprint": fingerprint})


def pay_on_sandbox(client, gateway_page_html: str, card: str = ACCEPT_CARD, cancel: bool = False) -> dict:
    """Walks the sandbox hosted page (Billing, Payment, Review) and returns its signed reply."""
    action, fields = read_form(gateway_page_html, "gateway-form")
    response = client.post(action, data=fields)
    assert response.status_code == 303, text(response)
    billing_url = response.headers["Location"]
    billing = text(client.get(billing_url))
    _, billing_fields = read_form(billing, "billing-form")
    response = client.post(billing_url, data=billing_fields)
    assert response.status_code == 303, text(response)
    payment_url = response.headers["Location"]
    if cancel:
        page = text(client.get(payment_url))
        checkout_id = payment_url.rstrip("/").split("/")[-2]
        response = client.post(f"/sandbox-gateway/{checkout_id}/cancel", data={"csrf_token": csrf_of(page)})
    else:
        page = text(client.get(payment_url))
        response = client.post(payment_url, data={"csrf_token": csrf_of(page), "card_type": "001",
                                                  "card_number": card, "cvn": "123", "month": "12",
                                                  "year": str(dt.date.today().year + 1)})
        assert response.status_code == 303, text(response)
        review_url = response.headers["Location"]
        page = text(client.get(review_url))
        response = client.post(review_url, data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303, text(response)
    receipt = text(client.get(response.headers["Location"]))
    _, reply = read_form(receipt, "merchant-reply")
    return reply


def deliver(client, reply: dict, endpoint: str = "/payments/receipt"):
    return client.post(endpoint, data=reply)


def counts(app) -> dict:
    """How many rows of each kind exist, to show that a refused request changed nothing."""
    with app.app_context():
        result = {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                  for model in (ServiceOrder, Payment, Certificate, Membership, Notification, AuditEntry)}
        db.session.remove()
        return result


def order(app, reference: str) -> ServiceOrder:
    with app.app_context():
        found = db.session.scalar(select(ServiceOrder).where(ServiceOrder.reference == reference))
        db.session.expunge_all()
        return found
