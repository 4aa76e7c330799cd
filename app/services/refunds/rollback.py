"""Undoing the service a refund pays back: the membership and its certificate as they were before the order.

A full refund undoes the service: a new membership ends on the day it began, a renewal's
or grade change's expiry and grade go back, a name change's names go back. A refund of
a renewal's second-year or half-year line shortens the renewal by that time. Values are put
back only while they are still what the order made them; if something changed them since,
nothing is undone and the refund records that staff must look at it. The certificate the
order issued is revoked ("the payment was refunded"), and a certificate for the membership
as it now stands is issued while it is still current. A replacement certificate's refund
undoes nothing: the membership's facts did not change; nor does paying back a charge taken twice.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.dates import add_months
from app.domain.membership import certificate_dates_valid
from app.services.certificates.issue import current_certificate, issue_certificate
from app.services.certificates.lifecycle import revoke
from models import Certificate, Grade, Refund

_SHORTENING_MONTHS = {"year_2": 12, "half_year": 6}


def undo_service(session: Session, refund: Refund, *, today: dt.date, now: dt.datetime) -> dict:
    """Rolls the membership back as far as the refund undoes it (no commit); what was done, for the record."""
    order = refund.order
    membership = order.membership
    result = (order.details or {}).get("result") or {}
    done: dict = {"service": order.service}
    # A charge taken twice is paid back on its own: the service was bought once and stays.
    if membership is None or order.service == "replacement" or not result or refund.scope == "duplicate":
        done["undone"] = False
        return done
    full = refund.scope == "full" or refund.amount >= order.total
    expected_expiry = result.get("expires_on")
    changed = False
    if order.service == "renewal" and not full:
        months = sum(_SHORTENING_MONTHS.get(line.kind, 0) for line in order.lines if line.id in refund.line_ids)
        if months and membership.expires_on.isoformat() == expected_expiry:
            done["expires_on"] = [membership.expires_on.isoformat(), None]
            membership.expires_on = add_months(membership.expires_on, -months)
            changed = True
    elif full and membership.expires_on.isoformat() == expected_expiry:
        done["expires_on"] = [membership.expires_on.isoformat(), None]
        if order.service == "new_membership":
            membership.expires_on = membership.joined_on
            changed = True
        elif order.service == "renewal":
            membership.expires_on = dt.date.fromisoformat(order.details["current_expiry"])
            changed = True
        elif order.service == "grade_change" and membership.grade.code == order.details["new_grade"]:
            membership.grade = session.scalar(select(Grade).where(Grade.code == order.details["current_grade"]))
            membership.expires_on = dt.date.fromisoformat(order.details["current_expiry"])
            done["grade"] = [order.details["new_grade"], order.details["current_grade"]]
            changed = True
        elif order.service == "name_change":
            company = membership.company
            if (company.name_en, company.name_ar) == (order.details["new_name_en"], order.details["new_name_ar"]):
                company.name_en, company.name_ar = order.details["old_name_en"], order.details["old_name_ar"]
                done["names"] = [order.details["new_name_en"], order.details["old_name_en"]]
                changed = True
    if "expires_on" in done:
        done["expires_on"][1] = membership.expires_on.isoformat()
    if not changed:
        done["undone"] = False
        done["needs_staff"] = full  # a full refund whose service could not be undone automatically
        return done
    done["undone"] = True
    session.flush()
    issued = session.scalar(select(Certificate).where(Certificate.order_id == order.id))
    if issued is not None and issued.revoked_at is None and issued.superseded_by_id is None:
        revoke(session, issued, reason="refunded", now=now, by=refund.decided_by, allowed=("refunded",))
        done["revoked"] = issued.serial
    if current_certificate(session, membership.id) is None and certificate_dates_valid(today, membership.expires_on):
        done["issued"] = issue_certificate(session, membership, today=today).serial
    return done
