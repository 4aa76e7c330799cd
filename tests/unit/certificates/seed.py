"""The old portal's certificate (guide, section 3) as a snapshot, shared by the certificate tests."""

from datetime import date
from pathlib import Path

from app.certificates.snapshot import CertificateSnapshot

REPO_ROOT = Path(__file__).resolve().parents[3]
FONT_DIR = REPO_ROOT / "app" / "static" / "vendor" / "fonts"
VERIFY_URL = "https://eservices.chamberoman.com/certificates/verify/2018-5F3A9C21?t=Qm9vay1rZWVwZXI"

#: The certificate of the old portal's guide (section 3), with the expiry it
#: should have had: one year after issue, not the guide's 19/09/2016.
SEED = CertificateSnapshot(
    serial="2018-5F3A9C21",
    chamber_name_en="Oman Chamber of Commerce & Industry",
    chamber_name_ar="غرفة تجارة وصناعة عمان",
    company_name_en="promising projects",
    company_name_ar="المشاريع الواعدة",
    cr_number="1229237",
    grade_en="Fourth",
    grade_ar="الرابعة",
    occi_number="1128046",
    issued_on=date(2018, 3, 19),
    expires_on=date(2019, 3, 19),
    head_office_en="Muscat Governorate",
    head_office_ar="محافظة مسقط",
)
