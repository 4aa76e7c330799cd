"""Voucher uses are reserved when an order is placed, counted once when paid, released when it closes:
concurrent confirmations at the voucher's last use give exactly one discounted order."""
from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from sqlalchemy import func, select

from app.domain.errors import VoucherNotUsable, VoucherTaken
from app.extensions import db
from app.services.audit.trail import acting_as
from app.services.membership.quotes import plan_new_membership, plan_renewal
from app.services.payments.engine import expire_order
from app.services.payments.orders import cancel_order, place_order
from models import (
    Certificate, Company, Grade, Membership, Notification, Payment, ServiceOrder, Voucher, VoucherRedemption,
)
from tests.conftest import csrf_from

from .helpers import SEED_NOW, SEED_TODAY, choose_membership, confirm, login_member, pay_on_sandbox, post_form, text

BASE = "/services/renewal"


def add_voucher(app, code="LAST", *, kind="percent", value=50, use_limit=3, times_used=2, **limits) -> int:
    with app.app_context(), acting_as("test"):
        voucher = Voucher(code=code, kind=kind, value=value, valid_from=dt.date(2018, 1, 1),
                          valid_to=dt.date(2018, 12, 31), use_limit=use_limit, times_used=times_used, **limits)
        db.session.add(voucher)
        db.session.commit()
        pk = voucher.id
        db.session.remove()
        return pk


def voucher_state(app, code="LAST"):
    with app.app_context():
        voucher = db.session.scalar(select(Voucher).where(Voucher.code == code))
        redemptions = sorted(r.status for r in voucher.redemptions)
        result = (voucher.times_used, voucher.times_reserved, redemptions)
        db.session.remove()
        return result


def member_companies(app, count: int) -> list[int]:
    """`count` companies, each with a Fourth grade membership expiring on the seed's date."""
    with app.app_context(), acting_as("test"):
        fourth = db.session.scalar(select(Grade).where(Grade.code == "fourth"))
        ids = []
        for n in range(count):
            company = Company(cr_number=f"90{n:05d}", name_en=f"Company {n}", name_ar=f"شركة {n}",
                              cr_status="active", registry_grade=fourth)
            db.session.add(company)
            db.session.add(Membership(occi_number=f"80{n:05d}", company=company, grade=fourth,
                                      joined_on=dt.date(2017, 3, 19), expires_on=dt.date(2018, 3, 19)))
            db.session.flush()
            ids.append(company.id)
        db.session.commit()
        db.session.remove()
        return ids


def user_id(app, username="iamsa@chamberoman.com") -> int:
    with app.app_context():
        uid = app.appbuilder.sm.find_user(username=username).id
        db.session.remove()
        return uid


def confirm_together(app, company_ids: list[int], code: str) -> list[tuple[str, str | None]]:
    """Each company's renewal with `code` confirmed by its own thread and session, all released at once.

    A thread told the voucher is gone places the order without it, as the member may.
    """
    barrier = threading.Barrier(len(company_ids))
    outcomes: list[tuple[str, str | None]] = []
    errors: list[BaseException] = []
    uid = user_id(app)

    def confirm_one(company_id: int) -> None:
        try:
            with app.app_context():
                membership = db.session.scalar(select(Membership).where(Membership.company_id == company_id))
                plan = plan_renewal(db.session, membership, 12, today=SEED_TODAY, grace_days=30, voucher_code=code)
                # Hand the connection back while waiting: twenty threads outnumber the pool.
                db.session.commit()
                barrier.wait(timeout=60)
                try:
                    order = place_order(db.session, plan, user_id=uid, now=SEED_NOW.replace(tzinfo=None),
                                        ttl_minutes=60)
                    outcomes.append(("discounted", order.reference))
                except VoucherNotUsable as refusal:
                    assert isinstance(refusal, VoucherTaken)
                    plan = plan_renewal(db.session, membership, 12, today=SEED_TODAY, grace_days=30)
                    order = place_order(db.session, plan, user_id=uid, now=SEED_NOW.replace(tzinfo=None),
                                        ttl_minutes=60)
                    outcomes.append(("without", order.reference))
                db.session.remove()
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    threads = [threading.Thread(target=confirm_one, args=(cid,)) for cid in company_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return outcomes


@pytest.mark.parametrize("racers", [2, 20])
def test_concurrent_confirmations_at_the_last_use_give_one_discounted_order(app, seeded, racers):
    add_voucher(app)  # 3 uses, 2 already paid: one left
    outcomes = confirm_together(app, member_companies(app, racers), "LAST")
    assert len(outcomes) == racers
    assert sorted(kind for kind, _ in outcomes).count("discounted") == 1
    with app.app_context():
        orders = db.session.scalars(select(ServiceOrder)).all()
        assert len(orders) == racers
        discounted = [o for o in orders if o.voucher_id is not None]
        assert len(discounted) == 1 and discounted[0].total == 12_500
        assert all(o.total == 25_000 for o in orders if o.voucher_id is None)
        db.session.remove()
    assert voucher_state(app) == (2, 1, ["reserved"])


def test_two_members_confirm_together_one_is_told_and_continues_without_it(app, seeded):
    add_voucher(app)
    clients = []
    for cr, occi in (("1445820", "91868"), ("1102345", "100234")):
        client = app.test_client()
        login_member(client, "iamsa@chamberoman.com")
        choose_membership(client, app, BASE, cr, occi, "7324674")
        post_form(client, f"{BASE}/period", {"months": "12", "voucher_code": "last", "step": "continue"})
        html = text(client.get(f"{BASE}/check"))
        assert "LAST" in html  # the voucher is on the summary
        clients.append((client, {"csrf_token": csrf_from(html),
                                 "fingerprint": re.search(r'name="fingerprint" value="([^"]+)"', html).group(1)}))
    barrier = threading.Barrier(2)
    responses = {}

    def press(index, client, data) -> None:
        barrier.wait(timeout=10)
        responses[index] = client.post(f"{BASE}/check", data=data)

    threads = [threading.Thread(target=press, args=(i, *pair)) for i, pair in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(r.status_code for r in responses.values())
    assert statuses == [200, 409]
    loser = next(i for i, r in responses.items() if r.status_code == 409)
    page = text(responses[loser])
    assert "has just been used up by another request, so it was not applied" in page
    assert 'name="fingerprint"' in page  # the price without the voucher, ready to confirm
    client = clients[loser][0]
    again = confirm(client, BASE)
    assert again.status_code == 200 and "gateway-form" in text(again)
    with app.app_context():
        orders = db.session.scalars(select(ServiceOrder).order_by(ServiceOrder.id)).all()
        assert len(orders) == 2 and sum(1 for o in orders if o.voucher_id is not None) == 1
        db.session.remove()


def test_a_use_is_counted_once_when_paid_and_released_when_the_order_closes(app, seeded, hashmi):
    add_voucher(app, use_limit=2, times_used=0)
    choose_membership(hashmi, app, BASE, "1445820", "91868", "7324674")
    post_form(hashmi, f"{BASE}/period", {"months": "12", "voucher_code": "LAST", "step": "continue"})
    gateway_page = text(confirm(hashmi, BASE))
    assert voucher_state(app) == (0, 1, ["reserved"])
    reply = pay_on_sandbox(hashmi, gateway_page)
    hashmi.post("/payments/receipt", data=reply)
    hashmi.post("/payments/notify", data=reply)  # the same reply again changes nothing
    assert voucher_state(app) == (1, 0, ["used"])
    # A second order reserves the last use; cancelling it gives the use back.
    choose_membership(hashmi, app, BASE, "1102345", "100234", "7324674")
    post_form(hashmi, f"{BASE}/period", {"months": "12", "voucher_code": "LAST", "step": "continue"})
    assert confirm(hashmi, BASE).status_code == 200
    assert voucher_state(app) == (1, 1, ["reserved", "used"])
    with app.app_context():
        order = db.session.scalar(select(ServiceOrder).where(ServiceOrder.status == "pending_payment"))
        cancel_order(db.session, order)
        cancel_order_again = order.status
        db.session.remove()
    assert cancel_order_again == "cancelled"
    assert voucher_state(app) == (1, 0, ["released", "used"])


def test_an_expired_order_gives_its_use_back(app, seeded):
    add_voucher(app, use_limit=1, times_used=0)
    [company_id] = member_companies(app, 1)
    outcomes = confirm_together(app, [company_id], "LAST")
    assert outcomes[0][0] == "discounted"
    assert voucher_state(app) == (0, 1, ["reserved"])
    with app.app_context(), acting_as("test"):
        order = db.session.scalar(select(ServiceOrder))
        assert expire_order(db.session, order)
        db.session.commit()
        db.session.remove()
    assert voucher_state(app) == (0, 0, ["released"])


def test_limits_by_service_grade_and_company(app, seeded, hashmi):
    add_voucher(app, "RENEWONLY", value=10, use_limit=None, times_used=0, services=["renewal"])
    add_voucher(app, "FIRSTONLY", value=10, use_limit=None, times_used=0, grades=["first"])
    add_voucher(app, "ONCE", value=10, use_limit=None, times_used=0, once_per_company=True)
    uid = user_id(app)
    with app.app_context():
        company = db.session.scalar(select(Company).where(Company.cr_number == "1229237"))
        with pytest.raises(VoucherNotUsable, match="cannot be used for this service"):
            plan_new_membership(db.session, company, today=SEED_TODAY, grace_days=30, voucher_code="renewonly")
        membership = db.session.scalar(select(Membership).where(Membership.occi_number == "91868"))
        with pytest.raises(VoucherNotUsable, match="cannot be used for grade Fourth"):
            plan_renewal(db.session, membership, 12, today=SEED_TODAY, grace_days=30, voucher_code="FIRSTONLY")
        assert plan_renewal(db.session, membership, 12, today=SEED_TODAY, grace_days=30,
                            voucher_code="RENEWONLY").quote.total == 22_500
        plan = plan_renewal(db.session, membership, 12, today=SEED_TODAY, grace_days=30, voucher_code="ONCE")
        with acting_as("test"):
            order = place_order(db.session, plan, user_id=uid, now=SEED_NOW.replace(tzinfo=None), ttl_minutes=60)
            cancel_order(db.session, order)  # a released use does not count against the company
        plan = plan_renewal(db.session, membership, 12, today=SEED_TODAY, grace_days=30, voucher_code="ONCE")
        with acting_as("test"):
            place_order(db.session, plan, user_id=uid, now=SEED_NOW.replace(tzinfo=None), ttl_minutes=60)
        with pytest.raises(VoucherNotUsable, match="once per company"):
            plan_renewal(db.session, membership, 18, today=SEED_TODAY, grace_days=30, voucher_code="ONCE")
        db.session.remove()


def test_a_full_voucher_goes_through_the_whole_flow_exactly_once(app, seeded, salim):
    add_voucher(app, "FREE", value=100, use_limit=5, times_used=0, services=["new_membership"])
    from .test_new_membership import BASE as NEW, start

    start(salim, app)
    post_form(salim, f"{NEW}/details", {"voucher_code": "free"})
    html = text(salim.get(f"{NEW}/check"))
    data = {"csrf_token": csrf_from(html), "fingerprint": re.search(r'name="fingerprint" value="([^"]+)"', html).group(1)}
    first = salim.post(f"{NEW}/check", data=data)
    second = salim.post(f"{NEW}/check", data=data)  # a double press
    assert first.status_code == 303 and "/services/receipt/NEW-2018-" in first.headers["Location"]
    assert second.status_code in (302, 303, 409)  # back to the start, or told: never a second order
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ServiceOrder)) == 1
        assert db.session.scalar(select(func.count()).select_from(Payment)) == 0
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
        channels = sorted(n.channel for n in db.session.scalars(select(Notification)))
        assert channels == ["email", "sms"]
        assert db.session.scalar(select(func.count()).select_from(VoucherRedemption)) == 1
        db.session.remove()
    assert voucher_state(app, "FREE") == (1, 0, ["used"])
