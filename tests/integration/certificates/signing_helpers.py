"""What the signing tests share: a membership with an issued certificate, and pdfsig's verdict on a PDF."""
from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.services.certificates.issue import issue_certificate
from models import Company, Governorate, Grade, Membership

ISSUED = dt.date(2026, 3, 19)
PDFSIG = "/usr/bin/pdfsig"


def membership(app, cr: str = "1229237", occi: str = "1128046") -> int:
    with app.app_context():
        company = Company(cr_number=cr, name_en="promising projects", name_ar="المشاريع الواعدة", cr_status="active",
                          governorate=db.session.scalar(select(Governorate).where(Governorate.code == "muscat")))
        row = Membership(occi_number=occi, company=company, joined_on=ISSUED, expires_on=dt.date(2027, 3, 19),
                         grade=db.session.scalar(select(Grade).where(Grade.code == "fourth")))
        db.session.add(row)
        db.session.commit()
        return row.id


def issue(app, membership_id: int, on: dt.date = ISSUED) -> tuple[int, str]:
    with app.test_request_context():
        certificate = issue_certificate(db.session, db.session.get(Membership, membership_id), today=on)
        db.session.commit()
        return certificate.id, certificate.serial


def pdfsig(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    return subprocess.run([PDFSIG, str(path)], capture_output=True, text=True, timeout=60).stdout
