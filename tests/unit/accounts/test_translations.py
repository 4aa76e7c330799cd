"""Every string of the account pages and messages has Arabic, and the SMS reads as the seed's in both languages."""
from __future__ import annotations

import io
from pathlib import Path

import jinja2
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

ROOT = Path(__file__).resolve().parents[3]
OUR_PYTHON = ["app/adapters/captcha.py", "views/portal/__init__.py", "views/portal/accounts.py",
              "views/portal/dashboard.py", "views/portal/forms.py", "views/portal/login.py"]
OUR_TEMPLATES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app/templates/portal").glob("*.html")
                       if p.name != "base.html") + [
    "app/templates/appbuilder/general/security/login_db.html",
    *(f"app/templates/messages/{name}" for name in (
        "email_verification.txt", "email_verification.html", "mobile_verification.txt", "password_reset.txt",
        "password_reset.html", "password_changed.txt")),
]
# Flask-AppBuilder's own strings, translated in the catalog that carries FAB's messages.
FAB_STRINGS = {"Email", "Password", "Login", "Register", "Invalid login. Please try again."}
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def arabic_catalog() -> dict[str, str]:
    sources = sorted((ROOT / "translations" / "pending").glob("*.po"))
    sources += list((ROOT / "translations" / "ar" / "LC_MESSAGES").glob("messages.po"))
    entries: dict[str, str] = {}
    for path in sources:
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string:
                    entries[message.id if isinstance(message.id, str) else message.id[0]] = message.string
    return entries


def our_msgids() -> set[str]:
    found = set()
    for path in OUR_PYTHON:
        for _, msgid, _, _ in extract_from_file("python", ROOT / path, keywords=KEYWORDS):
            found.add(msgid if isinstance(msgid, str) else msgid[0])
    for path in OUR_TEMPLATES:
        for _, msgid, _, _ in extract_from_file("jinja2", ROOT / path, keywords=KEYWORDS):
            found.add(msgid if isinstance(msgid, str) else msgid[0])
    return found


def test_every_string_has_arabic():
    catalog = arabic_catalog()
    msgids = our_msgids() - FAB_STRINGS
    assert len(msgids) > 60
    missing = sorted(m for m in msgids if not catalog.get(m))
    assert missing == []


def render_block(language: str, template: str, block: str, **context) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "app" / "templates"),
                             extensions=["jinja2.ext.i18n"])
    if language == "ar":
        catalog = Catalog(locale="ar")
        for msgid, msgstr in arabic_catalog().items():
            catalog.add(msgid, msgstr)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        env.install_gettext_translations(Translations(buffer), newstyle=True)
    else:
        env.install_null_translations(newstyle=True)
    tmpl = env.get_template(template)
    return "".join(tmpl.blocks[block](tmpl.new_context(context))).strip()


@pytest.mark.parametrize("language, text", [
    ("en", "Your mobile verification code : 951386"),
    ("ar", "رمز التحقق الخاص بهاتفك : 951386"),
])
def test_the_sms_text_is_the_seeds(language, text):
    assert render_block(language, "messages/mobile_verification.txt", "sms", code="951386") == text


def test_the_email_code_reads_in_arabic():
    body = render_block("ar", "messages/email_verification.txt", "text", name="شموقة", code="layLSJ", minutes=10)
    assert "رمز التحقق الخاص ببريدك الإلكتروني : layLSJ" in body
    assert render_block("ar", "messages/email_verification.txt", "subject") == "رمز التحقق من بريدك الإلكتروني"
