"""The domain's messages: translatable, translated into Arabic, and free of framework imports."""
import ast
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.domain import errors
from app.domain.errors import DomainError, NegativeFee, VoucherExpired, VoucherOverLimit
from app.domain.messages import Message

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = ROOT / "app" / "domain"
PO_FILE = ROOT / "translations" / "ar" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def marked_msgids():
    """Every string wrapped in N_(...) in app/domain."""
    found = set()
    for path in DOMAIN.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
                found.add(ast.literal_eval(node.args[0]))
    return found


def catalog():
    with PO_FILE.open("rb") as handle:
        known = {m.id: m.string for m in read_po(handle) if m.id}
    # Translations still waiting in translations/pending/ count, as in scripts/catalog.py.
    for pending in sorted((ROOT / "translations" / "pending").glob("*.po")):
        with pending.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string and not known.get(message.id):
                    known[message.id] = message.string
    return known


def all_error_classes(base=DomainError):
    for sub in base.__subclasses__():
        yield sub
        yield from all_error_classes(sub)


def test_every_marked_msgid_has_an_arabic_translation_with_the_same_placeholders():
    translations = catalog()
    msgids = marked_msgids()
    assert len(msgids) > 40
    for msgid in msgids:
        assert translations.get(msgid), f"no Arabic for {msgid!r}"
        arabic = translations[msgid]
        assert re.search("[\u0600-\u06ff]", arabic), f"not Arabic: {arabic!r}"
        assert sorted(PLACEHOLDER.findall(arabic)) == sorted(PLACEHOLDER.findall(msgid)), msgid
        assert arabic.count("%%") == msgid.count("%%"), msgid


def test_the_catalog_holds_every_domain_message():
    assert marked_msgids() <= set(catalog())


def test_every_error_class_has_a_marked_message():
    msgids = marked_msgids()
    classes = [DomainError, *all_error_classes()]
    assert len(classes) > 30
    for cls in classes:
        assert cls.message_id in msgids, cls.__name__
        assert cls.__module__ == errors.__name__


def test_error_exposes_message_id_params_and_message():
    error = VoucherExpired(code="WELCOME", valid_to=date(2018, 3, 31))
    assert error.message_id == "Voucher %(code)s expired on %(valid_to)s."
    assert error.params == {"code": "WELCOME", "valid_to": date(2018, 3, 31)}
    assert error.message == Message(error.message_id, error.params)
    assert str(error) == "Voucher WELCOME expired on 2018-03-31."


def test_message_is_translated_late_with_the_callers_gettext():
    translations = catalog()
    error = VoucherExpired(code="WELCOME", valid_to=date(2018, 3, 31))
    assert error.message.translate(translations.get) == "انتهت صلاحية القسيمة WELCOME في 2018-03-31."
    # The web layer can format values for the reader, e.g. dates as on the certificate.
    shown = error.message.translate(
        translations.get,
        lambda v: v.strftime("%d/%m/%Y") if isinstance(v, date) else v,
    )
    assert shown == "انتهت صلاحية القسيمة WELCOME في 31/03/2018."
    # The simple recipe works too when no parameter is itself a Message.
    assert translations[error.message_id] % error.params == (
        "انتهت صلاحية القسيمة WELCOME في 2018-03-31.")


def test_percent_sign_survives_translation():
    error = VoucherOverLimit(value=150)
    assert str(error) == "A percentage voucher cannot be more than 100%."
    assert error.message.translate(catalog().get) == "لا يجوز أن تزيد نسبة القسيمة على 100%."


def test_nested_labels_are_translated_not_concatenated_in_english():
    error = NegativeFee(fee=Message("Registration fee"))
    assert str(error) == "Registration fee cannot be negative."
    assert error.message.translate(catalog().get) == "لا يجوز أن تكون قيمة رسوم التسجيل سالبة."


def test_message_params_are_read_only():
    message = Message("Voucher %(code)s expired on %(valid_to)s.", {"code": "A"})
    with pytest.raises(TypeError):
        message.params["code"] = "B"


FORBIDDEN = ("flask", "flask_babel", "flask_appbuilder", "sqlalchemy", "flask_sqlalchemy")


def test_domain_imports_no_framework():
    for path in DOMAIN.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_domain_never_reads_the_clock():
    for path in DOMAIN.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for call in ("date.today(", "datetime.now(", "datetime.utcnow(", "time.time("):
            assert call not in source, f"{path.name} calls {call}"
