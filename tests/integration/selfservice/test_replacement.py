"""Extract your certificate: RO 4 from the schedule, a new certificate that supersedes the lost one."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.extensions import db
from app.services.audit.trail import acting_as
from app.services.certificates.issue import issue_certificate
from models import Certificate, Membership

from .helpers import SEED_TODAY, choose_membership, confirm, counts, deliver, flat, pay_on_sandbox, text

BASE = "/services/replacement"


def test_a_replacement_supersedes_the_lost_certificate(app, hashmi):
    with app.app_context(), acting_as("test"):
        membership = db.session.scalar(select(Membership).where(Membership.occi_number == "104410"))
        lost = issue_certificate(db.session, membership, today=dt.date(2017, 12, 13)).serial
        db.session.commit()
        db.session.remove()
    choose_membership(hashmi, app, BASE, "1310022", "104410", "7324674")
    details = text(hashmi.get(f"{BASE}/details"))
    for shown in ("Nizwa Date Factory", "2018-12-13", "1310022", "7324674", "iamsa@chamberoman.com",
                  "Extract your certificate"):
        assert shown in details
    assert "Replacement certificate fee RO 4 Total RO 4" in flat(text(hashmi.get(f"{BASE}/check")))
    gateway_page = text(confirm(hashmi, BASE))
    assert 'name="amount" value="4.000"' in gateway_page
    deliver(hashmi, pay_on_sandbox(hashmi, gateway_page))
    with app.app_context():
        old, new = db.session.scalars(select(Certificate).order_by(Certificate.id))
        assert old.serial == lost and old.superseded_by_id == new.id
        assert new.superseded_by_id is None and new.issued_on == SEED_TODAY
        assert new.expires_on == dt.date(2018, 12, 13)
        db.session.remove()


def test_a_replacement_is_refused_once_the_membership_has_expired(app, hashmi):
    app.config["CLOCK_TODAY"] = dt.date(2018, 3, 25)  # 91868 expired on 2018-03-19 (in grace)
    choose_membership(hashmi, app, BASE, "1445820", "91868", "7324674")
    before = counts(app)
    details = text(hashmi.get(f"{BASE}/details"))
    assert "Please renew the company first." in details and 'id="renew-first"' in details
    assert hashmi.get(f"{BASE}/check").status_code == 422
    assert counts(app) == before
