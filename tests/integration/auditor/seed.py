"""A small chamber with known figures for the export, report and API tests.

Today is 2025-01-15 (Asia/Muscat). The reports' period is 2024-11-01 to 2025-01-31:
- revenue: 2024-11 renewal 25.000; 2025-01 renewal 100.000 (paid 2024-12-31 21:00 UTC,
  which is 2025-01-01 in Muscat) and replacement 5.000; a pending and a failed request
  do not count;
- renewals by grade: fourth 1 (25.000), first 1 (100.000);
- payments: accepted 3 (130.000), declined 1 (5.000), pending 1 (30.000);
- expiring from today: within 30 days 1 (fourth), within 60 days 2 (+ first), within
  90 days 3 (+ fourth); one already expired and one far off are not counted.
Two company names start with characters a spreadsheet runs as formulas.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.extensions import db
from models import Company, Grade, Membership, OrderLine, Payment, ServiceOrder
from tests.integration.helpers import make_user

TODAY = dt.date(2025, 1, 15)
PERIOD = ("2024-11-01", "2025-01-31")
INJECTION_NAME = '=HYPERLINK("http://evil.example","click")'


def seed_chamber(app) -> dict:
    app.config["CLOCK_TODAY"] = TODAY
    member_id = make_user(app, "member1", "Member")
    with app.app_context():
        grade = {g.code: g.id for g in db.session.scalars(select(Grade))}
        companies = [
            Company(cr_number="1229237", name_en="promising projects", name_ar="المشاريع الواعدة",
                    cr_status="active", created_at=dt.datetime(2024, 11, 5, 9, 0)),
            Company(cr_number="1000001", name_en=INJECTION_NAME, name_ar="+شركة الخليج",
                    cr_status="expired", created_at=dt.datetime(2024, 12, 20, 9, 0)),
            Company(cr_number="1000002", name_en="@SUM(1+1)", name_ar="مؤسسة النور",
                    cr_status="active", created_at=dt.datetime(2025, 1, 10, 9, 0)),
        ]
        db.session.add_all(companies)
        db.session.flush()
        c1, c2, c3 = (c.id for c in companies)

        def membership(number, company, code, expires):
            item = Membership(occi_number=number, company_id=company, grade_id=grade[code],
                              joined_on=dt.date(2017, 3, 19), expires_on=expires)
            db.session.add(item)
            db.session.flush()
            return item.id

        m1 = membership("91868", c1, "fourth", dt.date(2025, 1, 20))
        m2 = membership("91869", c2, "first", dt.date(2025, 2, 25))
        membership("91870", c3, "fourth", dt.date(2025, 4, 10))
        membership("91871", c3, "second", dt.date(2024, 12, 20))
        membership("91872", c1, "excellent", dt.date(2025, 6, 1))

        def order(ref, service, status, company, member_ship, total, paid_at, lines):
            item = ServiceOrder(reference=ref, service=service, status=status, user_id=member_id,
                                company_id=company, membership_id=member_ship, quoted_on=TODAY, total=total,
                                paid_at=paid_at)
            item.lines = [OrderLine(position=i, kind=kind, amount=amount) for i, (kind, amount) in enumerate(lines, 1)]
            db.session.add(item)
            db.session.flush()
            return item.id

        o1 = order("R-1", "renewal", "fulfilled", c1, m1, 25_000, dt.datetime(2024, 11, 10, 10, 0),
                   [("annual_fee", 25_000)])
        o2 = order("R-2", "renewal", "paid", c2, m2, 100_000, dt.datetime(2024, 12, 31, 21, 0),
                   [("annual_fee", 105_000), ("voucher", -5_000)])
        o3 = order("R-3", "replacement", "fulfilled", c1, m1, 5_000, dt.datetime(2025, 1, 5, 8, 0),
                   [("replacement_fee", 5_000)])
        o4 = order("R-4", "new_membership", "pending_payment", c3, None, 30_000, None,
                   [("registration_fee", 30_000)])
        order("R-5", "renewal", "failed", c3, None, 40_000, None, [("annual_fee", 40_000)])

        def payment(uuid, order_id, amount, status, created):
            db.session.add(Payment(order_id=order_id, gateway="sandbox", transaction_uuid=uuid, amount=amount,
                                   status=status, created_at=created))

        payment("p1", o1, 25_000, "accepted", dt.datetime(2024, 11, 10, 9, 55))
        payment("p2", o2, 100_000, "accepted", dt.datetime(2024, 12, 31, 20, 55))
        payment("p3", o3, 5_000, "declined", dt.datetime(2025, 1, 5, 7, 50))
        payment("p4", o3, 5_000, "accepted", dt.datetime(2025, 1, 5, 7, 58))
        payment("p5", o4, 30_000, "pending", dt.datetime(2025, 1, 12, 7, 0))
        payment("p6", o4, 30_000, "declined", dt.datetime(2024, 10, 1, 7, 0))  # before the period
        db.session.commit()
        db.session.remove()
    return {"companies": (c1, c2, c3), "member_user": member_id}
