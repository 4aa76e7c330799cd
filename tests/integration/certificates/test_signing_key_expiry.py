"""A signing key that expires within 30 days (or cannot be loaded) is flagged to staff: a warning in /readyz
that never fails readiness, and a notice on every back-office page; members and the public see nothing."""
from __future__ import annotations

import datetime as dt

import pytest

from app.domain.signing_key import days_left, renewal_due
from tests.integration.helpers import login, make_user

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("expires,days,due", [
    (NOW + dt.timedelta(days=31), 31, False),
    (NOW + dt.timedelta(days=30), 30, False),
    (NOW + dt.timedelta(days=29, hours=23), 29, True),
    (NOW + dt.timedelta(hours=1), 0, True),
    (NOW - dt.timedelta(days=2), -2, True),
])
def test_renewal_is_due_within_the_warning_days(expires, days, due):
    assert days_left(expires, NOW) == days and renewal_due(expires, NOW, 30) is due


def _short_lived_key(app, tmp_path, days: int) -> None:
    from app.certificates.signing_keys import make_chamber_ca

    make_chamber_ca(tmp_path, password="pw", now=dt.datetime.now(dt.timezone.utc), chamber_name="Chamber",
                    signer_days=days)
    app.config.update(SIGNING_PKCS12=str(tmp_path / "chamber-signing.p12"), SIGNING_PKCS12_PASSWORD="pw",
                      SIGNING_DEV_TSA=str(tmp_path / "chamber-tsa.p12"))


def test_a_key_expiring_soon_is_flagged_to_staff_only(app, client, tmp_path):
    make_user(app, "keystaff", "Staff")
    staff = app.test_client()
    login(staff, "keystaff")
    assert "signing-key-notice" not in staff.get("/companyview/list/").get_data(as_text=True)
    assert "warning" not in staff.get("/readyz").json["checks"]["signing_key"]

    _short_lived_key(app, tmp_path, days=20)
    ready = staff.get("/readyz")
    assert ready.status_code == 200
    check = ready.json["checks"]["signing_key"]
    assert check["ok"] and check["warning"] and "renew it" in check["detail"]
    page = staff.get("/companyview/list/").get_data(as_text=True)
    assert "signing-key-notice" in page and "The chamber's signing key expires on" in page
    staff.get("/lang/ar")
    assert "signing-key-notice" in staff.get("/companyview/list/").get_data(as_text=True)
    assert "signing-key-notice" not in client.get("/verify/").get_data(as_text=True)


def test_a_key_that_cannot_be_loaded_is_flagged_and_readiness_holds(app, tmp_path):
    app.config["SIGNING_PKCS12"] = str(tmp_path / "missing.p12")
    make_user(app, "keyadmin", "Admin")
    admin = app.test_client()
    login(admin, "keyadmin")
    ready = admin.get("/readyz")
    assert ready.status_code == 200 and ready.json["checks"]["signing_key"]["warning"]
    assert "cannot be loaded" in admin.get("/companyview/list/").get_data(as_text=True)
