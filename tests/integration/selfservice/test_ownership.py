"""A member editing ids in URLs or forms reaches nothing of another member's: 404, nothing changed."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from app.adapters.registry.file_registry import DEMO_REGISTRY_FILE
from app.extensions import db
from models import Certificate, ServiceOrder

from .helpers import choose_membership, confirm, counts, post_form, prove_identity, text


def _salim_has_a_free_membership_and_an_unpaid_renewal(app, salim):
    response = post_form(salim, "/services/new-membership/", {"cr_number": "1229237"})
    assert response.status_code == 302
    prove_identity(salim, app, "/services/new-membership/details", "1526575")
    post_form(salim, "/services/new-membership/details", {"voucher_code": "WELCOME"})
    assert confirm(salim, "/services/new-membership").status_code == 303
    choose_membership(salim, app, "/services/renewal", "1445820", "91868", "1526575")
    post_form(salim, "/services/renewal/period", {"months": "12", "voucher_code": "", "step": "continue"})
    assert confirm(salim, "/services/renewal").status_code == 200
    with app.app_context():
        orders = {o.service: o.reference for o in db.session.scalars(select(ServiceOrder))}
        serial = db.session.scalar(select(Certificate.serial))
        db.session.remove()
    return orders, serial


def test_another_members_cr_occi_order_receipt_and_certificate_are_not_found(app, salim, hashmi):
    orders, serial = _salim_has_a_free_membership_and_an_unpaid_renewal(app, salim)
    before = counts(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(hashmi.get("/services/renewal/"))).group(1)

    # A CR the registry does not list under hashmi's civil ID, typed into the company form.
    assert hashmi.post("/services/new-membership/", data={"csrf_token": token, "cr_number": "1229237"}).status_code == 404
    assert hashmi.post("/services/renewal/", data={"csrf_token": token, "cr_number": "1229237"}).status_code == 404
    # An OCCI number of another company, under a CR hashmi does sign for.
    assert hashmi.post("/services/renewal/", data={"csrf_token": token, "cr_number": "1445820"}).status_code == 302
    assert hashmi.post("/services/renewal/membership",
                       data={"csrf_token": token, "occi_number": "104410"}).status_code == 404
    # Salim's requests and certificate, by editing the URL.
    for reference in orders.values():
        assert hashmi.get(f"/services/receipt/{reference}").status_code == 404
        assert hashmi.post(f"/services/orders/{reference}/pay", data={"csrf_token": token}).status_code == 404
        assert hashmi.post(f"/services/orders/{reference}/cancel", data={"csrf_token": token}).status_code == 404
    assert hashmi.get(f"/services/certificates/{serial}.pdf").status_code == 404
    assert counts(app) == before
    with app.app_context():
        statuses = {o.service: o.status for o in db.session.scalars(select(ServiceOrder))}
        db.session.remove()
    assert statuses == {"new_membership": "fulfilled", "renewal": "pending_payment"}

    # Salim, the owner, still reaches all of it.
    assert salim.get(f"/services/receipt/{orders['renewal']}").status_code == 200


def test_the_wizard_state_cannot_be_pointed_at_another_company(app, salim, hashmi):
    """Skipping the company step by posting straight to a later step finds nothing to act on."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(hashmi.get("/services/renewal/"))).group(1)
    response = hashmi.post("/services/renewal/membership", data={"csrf_token": token, "occi_number": "91868"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/services/renewal/")
    assert hashmi.get("/services/renewal/check").status_code == 302


def test_a_signatory_removed_at_the_registry_loses_the_company(app, hashmi, tmp_path):
    data = json.loads(open(DEMO_REGISTRY_FILE, encoding="utf-8").read())
    for company in data["companies"]:
        if company["cr_number"] == "1102345":
            company["signatories"] = [s for s in company["signatories"] if s["civil_id"] != "7324674"]
    changed = tmp_path / "registry.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    saved = app.config.get("REGISTRY_FILE")
    app.config["REGISTRY_FILE"] = str(changed)
    try:
        page = text(hashmi.get("/services/renewal/"))
        assert re.findall(r'<option value="(\d+)"', page) == ["1310022", "1445820"]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert hashmi.post("/services/renewal/", data={"csrf_token": token, "cr_number": "1102345"}).status_code == 404
    finally:
        app.config["REGISTRY_FILE"] = saved


def test_a_member_without_a_verified_account_is_refused(app, seeded, client):
    from tests.integration.helpers import login, make_user

    make_user(app, "visitor", "Member")
    login(client, "visitor")
    assert client.get("/services/renewal/").status_code == 403


def test_staff_are_not_members(app, seeded, client):
    from tests.integration.helpers import login, make_user

    make_user(app, "clerk", "Staff")
    login(client, "clerk")
    assert client.get("/services/renewal/").status_code in (302, 403)
