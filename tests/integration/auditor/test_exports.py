"""Exports from the back office and the command line: what the file holds and what the audit log says."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from sqlalchemy import insert, select

from app.extensions import db
from app.infrastructure import xlsx_stream
from app.services.exports.export import ExportRequest, TooManyRowsForExcel, UnknownEntity, open_export
from models import AuditEntry, Company
from tests.integration.auditor.seed import INJECTION_NAME, seed_chamber
from tests.integration.helpers import login, make_user

BOM = "\ufeff"


def _exports(app) -> list[AuditEntry]:
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")
                                     .order_by(AuditEntry.seq)).all()
        db.session.expunge_all()
        return entries


def _csv_rows(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM):])))


@pytest.fixture
def auditor(app, client):
    seed_chamber(app)
    make_user(app, "auditor1", "Auditor")
    login(client, "auditor1")
    return client


def test_the_list_offers_exports_that_carry_its_filter(auditor):
    html = auditor.get("/companyview/list/?_flt_3_cr_status=active&_oc_CompanyView=name_en&_od_CompanyView=asc"
                       ).get_data(as_text=True)
    links = re.findall(r'href="(/export/CompanyView/[^"]+)"', html)
    assert len(links) == 2
    assert all("_flt_3_cr_status=active" in link and "_oc_CompanyView=name_en" in link for link in links)


def test_csv_has_a_bom_keeps_arabic_and_neutralises_formulas(app, auditor):
    response = auditor.get("/export/CompanyView/csv/")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert re.match(r'attachment; filename="companies-\d{8}-\d{4}\.csv"', response.headers["Content-Disposition"])
    rows = _csv_rows(response)
    assert rows[0][:3] == ["CR number", "Name (English)", "Name (Arabic)"]
    by_cr = {row[0]: row for row in rows[1:]}
    assert by_cr["1229237"][1:3] == ["promising projects", "المشاريع الواعدة"]
    assert by_cr["1000001"][1:3] == ["'" + INJECTION_NAME, "'+شركة الخليج"]
    assert by_cr["1000002"][1] == "'@SUM(1+1)"


def test_the_export_is_exactly_the_filtered_list_and_is_logged(app, auditor):
    response = auditor.get("/export/CompanyView/csv/?_flt_3_cr_status=active&_oc_CompanyView=cr_number"
                           "&_od_CompanyView=desc")
    rows = _csv_rows(response)
    assert [row[0] for row in rows[1:]] == ["1229237", "1000002"]
    (entry,) = _exports(app)
    assert entry.actor == "auditor1" and entry.entity == "companies"
    assert entry.after["rows"] == 2 and entry.after["complete"] is True and entry.after["format"] == "csv"
    assert entry.after["filters"] == [["cr_status", "eq", ["active"]]]
    assert entry.after["order"] == ["cr_number", "desc"]


def test_amounts_stay_numbers_even_when_negative(app, auditor):
    rows = _csv_rows(auditor.get("/export/OrderLineView/csv/?_oc_OrderLineView=id&_od_OrderLineView=asc"))
    assert rows[0] == ["Service request", "Service", "Status", "Line", "Fee", "Amount"]
    assert ["R-2", "renewal", "paid", "2", "voucher", "-5.000"] in rows


def test_xlsx_opens_in_a_spreadsheet_with_real_numbers_and_dates(app, auditor):
    response = auditor.get("/export/ServiceOrderView/xlsx/?_flt_0_service=renewal")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Reference", "Service", "Status")
    records = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert set(records) == {"R-1", "R-2", "R-5"}
    assert records["R-2"]["Total"] == 100.0 and records["R-2"]["Company"] == "'" + INJECTION_NAME
    assert records["R-1"]["Paid at"].year == 2024 and records["R-5"]["Paid at"] is None
    (entry,) = _exports(app)
    assert entry.after["rows"] == 3 and entry.after["format"] == "xlsx"


def test_memberships_export_their_status_on_the_chamber_s_today(app, auditor):
    rows = _csv_rows(auditor.get("/export/MembershipView/csv/"))
    status = {row[0]: row[6] for row in rows[1:]}
    assert status["91868"] == "Membership active"
    assert status["91871"] == "Membership in grace period"  # expired 2024-12-20, in its 30 days of grace


def test_a_download_cut_off_halfway_is_logged_as_incomplete(app, auditor):
    with app.app_context():
        db.session.execute(insert(Company), [
            {"cr_number": f"5{i:06d}", "name_en": f"company {i} " + "x" * 60, "name_ar": "شركة", "cr_status": "active"}
            for i in range(3000)])
        db.session.commit()
    response = auditor.get("/export/CompanyView/csv/", buffered=False)
    pieces = iter(response.response)
    next(pieces), next(pieces)
    response.close()
    (entry,) = _exports(app)
    assert entry.after["complete"] is False and 0 < entry.after["rows"] < 3003


@pytest.mark.parametrize("role", ["Staff", "Member"])
def test_other_roles_cannot_export(app, client, role):
    seed_chamber(app)
    make_user(app, "someone", role)
    login(client, "someone")
    response = client.get("/export/CompanyView/csv/")
    assert response.status_code in (302, 403)
    assert b"1229237" not in response.get_data()
    assert _exports(app) == []


def test_unknown_lists_and_formats_are_refused_without_a_log_entry(app, auditor):
    assert auditor.get("/export/UserDBModelView/csv/").status_code == 404
    response = auditor.get("/export/CompanyView/pdf/?_flt_3_cr_status=active")
    assert response.status_code == 302 and "/companyview/list/" in response.headers["Location"]
    assert "_flt_3_cr_status=active" in response.headers["Location"]
    assert _exports(app) == []


def test_the_service_refuses_unknown_lists_and_oversized_sheets(app, monkeypatch):
    seed_chamber(app)
    with app.app_context():
        with pytest.raises(UnknownEntity):
            open_export(db.session, ExportRequest("passwords", "csv"), app.config)
        monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 3)  # Excel's real limit is a million rows
        with pytest.raises(TooManyRowsForExcel) as refused:
            open_export(db.session, ExportRequest("companies", "xlsx"), app.config)
        assert refused.value.params == {"limit": 2, "count": 3}


def test_the_command_line_exports_a_period_with_the_same_log(app, tmp_path):
    seed_chamber(app)
    out = tmp_path / "companies.csv"
    result = app.test_cli_runner().invoke(args=[
        "export", "companies", "--format", "csv", "--from", "2024-12-01", "--to", "2025-01-10",
        "--out", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    assert sorted(row[0] for row in rows[1:]) == ["1000001", "1000002"]
    (entry,) = _exports(app)
    assert entry.actor.startswith("cli:") and entry.after["from"] == "2024-12-01" and entry.after["rows"] == 2


def test_the_command_line_writes_xlsx_and_refuses_a_backwards_period(app, tmp_path):
    seed_chamber(app)
    out = tmp_path / "orders.xlsx"
    result = app.test_cli_runner().invoke(args=["export", "orders", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).active.max_row == 6
    bad = app.test_cli_runner().invoke(args=["export", "orders", "--from", "2025-02-01", "--to", "2025-01-01",
                                             "--out", str(tmp_path / "x.csv")])
    assert bad.exit_code != 0 and "after the end date" in bad.output
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("kind, values", [
    ("money", [0, 1, -1, -500, 999, 25_000, 37_500, -5_000, 1_000_000_000]),
    ("text", ["=1+1", "+971", "-2", "@SUM(A1)", "\tcmd", "\rcmd", "plain", "", None, "المشاريع الواعدة", "a=b"]),
    ("datetime", [dt.datetime(2024, 12, 31, 21, 0, 59, 999_999), dt.datetime(2025, 1, 1), None]),
])
def test_the_database_formats_csv_cells_exactly_as_python_would(app, kind, values):
    """A CSV export lets the database format text, amounts and timestamps; it must match the Python rules."""
    from sqlalchemy import BigInteger, DateTime, String, literal

    from app.services.exports.cells import csv_converter as _csv_converter, sql_formatted as _sql_formatted

    sql_type = {"money": BigInteger(), "text": String(), "datetime": DateTime()}[kind]
    with app.app_context():
        dialect = db.session.get_bind().dialect.name
        for value in values:
            expression = _sql_formatted(literal(value, sql_type), kind, dialect)
            assert db.session.scalar(select(expression)) == _csv_converter(kind)(value), value
