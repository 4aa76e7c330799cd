"""Arabic and English on Flask-AppBuilder's own screens: catalog, locale choice, RTL page."""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import flask_appbuilder
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask
from flask_appbuilder import AppBuilder, Model
from flask_appbuilder.models.sqla.base import SQLA
from werkzeug.serving import make_server

from app.i18n import (
    I18N_CONFIG,
    LANG_COOKIE,
    LANG_COOKIE_MAX_AGE,
    LANGUAGES,
    TRANSLATIONS_DIR,
    register_i18n,
)

REPO = Path(__file__).resolve().parents[2]
FAB_DIR = Path(flask_appbuilder.__file__).resolve().parent
AR_PO = TRANSLATIONS_DIR / "ar" / "LC_MESSAGES" / "messages.po"
RTL_CSS = "/static/vendor/bootstrap-rtl/bootstrap-rtl.min.css"
ARABIC_PLURAL_FORMS = (
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
    "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"
)
# The keywords of the extraction command documented in babel.cfg.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "__": None,
    "lazy_formatter_gettext": (1,),
}

# Written into the page by the layout probe below and read back from Chromium's DOM.
LAYOUT_PROBE = """<script>
(function () {
  function box(selector) {
    var el = document.querySelector(selector);
    if (!el) { return null; }
    var r = el.getBoundingClientRect();
    return {left: r.left, right: r.right};
  }
  var rtlRules = 0;
  for (var i = 0; i < document.styleSheets.length; i++) {
    var sheet = document.styleSheets[i];
    if (sheet.href && sheet.href.indexOf("bootstrap-rtl") >= 0) {
      rtlRules = sheet.cssRules.length;
    }
  }
  document.body.setAttribute("data-layout", JSON.stringify({
    direction: getComputedStyle(document.body).direction,
    rtlRules: rtlRules,
    brand: box(".navbar-brand"),
    menu: box(".navbar-right"),
    panel: box("#loginbox .panel"),
    label: box("label[for=username]"),
    addon: box("#loginbox .input-group-addon"),
    field: box("#username")
  }));
})();
</script>"""


def _compile_catalogs(dest: Path) -> Path:
    """Compiles the committed .po files, so the test reads what is in the repository."""
    for po in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"):
        locale = po.parent.parent.name
        with po.open("rb") as source:
            catalog = read_po(source, locale=locale)
        out = dest / locale / "LC_MESSAGES"
        out.mkdir(parents=True)
        with (out / "messages.mo").open("wb") as target:
            write_mo(target, catalog)
    return dest


def _build_app(workdir: Path, layout_probe: bool = False) -> Flask:
    app = Flask(
        "ghurfa_i18n_test",
        template_folder=str(REPO / "app" / "templates"),
        static_folder=str(REPO / "app" / "static"),
        static_url_path="/static",
    )
    app.config.update(I18N_CONFIG)
    app.config.update(
        SECRET_KEY="test-only-secret",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'fab.db'}",
        BABEL_TRANSLATION_DIRECTORIES=str(_compile_catalogs(workdir / "translations")),
        APP_NAME="Ghurfa",
    )
    db = SQLA()
    db.init_app(app)
    with app.app_context():
        # FAB's user tables must be in the metadata before Ghurfa's tables that point at them
        # (another test module may have imported Ghurfa's models first).
        import flask_appbuilder.security.sqla.models  # noqa: F401

        Model.metadata.create_all(db.engine)
        AppBuilder().init_app(app, db.session)
        register_i18n(app)
    if layout_probe:

        @app.after_request
        def _probe(response):
            if response.mimetype == "text/html":
                page = response.get_data(as_text=True)
                response.set_data(page.replace("</body>", LAYOUT_PROBE + "</body>"))
            return response

    return app


@pytest.fixture(scope="module")
def fab_app(tmp_path_factory):
    # A bare FAB app with our catalog and templates: FAB's own screens, nothing of Ghurfa's.
    return _build_app(tmp_path_factory.mktemp("fab_i18n"))


@pytest.fixture
def client(fab_app):
    return fab_app.test_client()


def _html_tag(page: str) -> str:
    match = re.search(r"<html[^>]*>", page)
    assert match, "no <html> tag"
    return match.group(0)


# --- the catalog -------------------------------------------------------------------


def test_arabic_catalog_header():
    with AR_PO.open("rb") as source:
        catalog = read_po(source, locale="ar")
    headers = dict(catalog.mime_headers)
    assert headers["Language"] == "ar"
    assert headers["Plural-Forms"] == ARABIC_PLURAL_FORMS
    assert "charset=utf-8" in headers["Content-Type"]
    assert not catalog.fuzzy


def test_arabic_catalog_translates_every_msgid_fab_marks():
    with (REPO / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    fab_msgids = {
        message[0] if isinstance(message, tuple) else message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(FAB_DIR), method_map, options_map, keywords=KEYWORDS
        )
    }
    assert len(fab_msgids) > 150, "babel.cfg no longer extracts FAB's package"
    with AR_PO.open("rb") as source:
        catalog = read_po(source, locale="ar")
    untranslated = sorted(
        msgid
        for msgid in fab_msgids
        if msgid not in catalog
        or not all(
            catalog[msgid].string
            if isinstance(catalog[msgid].string, tuple)
            else (catalog[msgid].string,)
        )
    )
    assert untranslated == []


def test_compiled_catalog_translates_fab_screens_and_counts_in_arabic(tmp_path):
    translations = Translations.load(str(_compile_catalogs(tmp_path)), ["ar"])
    expected = {
        "List": "قائمة",
        "Search": "بحث",
        "Add Filter": "إضافة عامل تصفية",
        "Save": "حفظ",
        "Back": "رجوع",
        "Login": "تسجيل الدخول",
        "Username": "اسم المستخدم",
        "Password": "كلمة المرور",
        "Sign In": "تسجيل الدخول",
        "Edit": "تعديل",
        "Delete": "حذف",
        "Show": "عرض",
        "Record": "سجل",
        "Are you sure you want to delete this item?": "هل أنت متأكد من رغبتك في حذف هذا العنصر؟",
        "Logout": "تسجيل الخروج",
        "Language": "اللغة",
        "User info": "معلومات المستخدم",
        "Security": "الأمان",
        "List Users": "قائمة المستخدمين",
        "List Roles": "قائمة الأدوار",
        "Permissions": "الصلاحيات",
        "Reset Password": "إعادة تعيين كلمة المرور",
        "Cancel": "إلغاء",
        "OK": "موافق",
    }
    assert {msgid: translations.gettext(msgid) for msgid in expected} == expected
    # zero, one, two, few (3-10), many (11-99), other (100, 101, 102)
    assert [translations.plural(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 101, 102, 103)] == [
        0, 1, 2, 3, 3, 4, 4, 5, 5, 5, 3,
    ]


def test_translations_dir_is_the_repository_catalog():
    assert TRANSLATIONS_DIR.is_absolute()
    assert TRANSLATIONS_DIR == REPO / "translations"
    assert (TRANSLATIONS_DIR / "en" / "LC_MESSAGES" / "messages.po").is_file()
    assert LANGUAGES == {
        "en": {"flag": "gb", "name": "English"},
        "ar": {"flag": "om", "name": "العربية"},
    }
    flags = (FAB_DIR / "static/appbuilder/css/flags/flags16.css").read_text()
    assert ".om{" in flags and ".gb{" in flags


# --- pages ---------------------------------------------------------------------------


def test_arabic_login_page_is_right_to_left(client):
    page = client.get("/login/", headers={"Accept-Language": "ar-OM,ar;q=0.9"}).get_data(
        as_text=True
    )
    tag = _html_tag(page)
    assert 'lang="ar"' in tag and 'dir="rtl"' in tag
    bootstrap = page.index("css/bootstrap.min.css")
    assert page.index(RTL_CSS) > bootstrap
    assert page.index("/static/css/ghurfa-rtl.css") > page.index("/static/css/ghurfa.css")
    for arabic in ("تسجيل الدخول", "اسم المستخدم", "كلمة المرور", "أدخل اسم المستخدم وكلمة المرور أدناه"):
        assert arabic in page
    assert "Enter your login and password below" not in page
    # FAB's language menu shows the flag of the language the page is in.
    assert 'class="flag om"' in page


def test_english_login_page_is_left_to_right(client):
    page = client.get("/login/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(
        as_text=True
    )
    tag = _html_tag(page)
    assert 'lang="en"' in tag and 'dir="ltr"' in tag
    assert RTL_CSS not in page and "ghurfa-rtl.css" not in page
    assert "/static/css/ghurfa.css" in page
    assert "Enter your login and password below" in page and "Username" in page
    assert "تسجيل الدخول" not in page


def test_confirmation_dialog_buttons_are_translated(client):
    page = client.get("/login/?_l_=ar").get_data(as_text=True)
    assert "إلغاء" in page and "موافق" in page


def test_stylesheets_are_served(client):
    for path in ("/static/css/ghurfa.css", "/static/css/ghurfa-rtl.css"):
        assert client.get(path).status_code == 200
    response = client.get(RTL_CSS)
    assert response.status_code == 200, "front-end assets missing: run scripts/setup.sh"
    assert b"direction:rtl" in response.data


# --- choosing the locale -------------------------------------------------------------


def _lang_of(client, path="/login/", **kwargs) -> str:
    tag = _html_tag(client.get(path, **kwargs).get_data(as_text=True))
    return re.search(r'lang="([^"]+)"', tag).group(1)


def test_accept_language_picks_the_best_supported_locale(fab_app):
    assert _lang_of(fab_app.test_client(), headers={"Accept-Language": "fr, ar-OM;q=0.8"}) == "ar"
    assert _lang_of(fab_app.test_client(), headers={"Accept-Language": "fr, de"}) == "en"
    assert _lang_of(fab_app.test_client()) == "en"


def test_cookie_is_honoured_when_the_session_has_no_locale(fab_app):
    client = fab_app.test_client()
    client.set_cookie(LANG_COOKIE, "ar")
    assert _lang_of(client, headers={"Accept-Language": "en"}) == "ar"
    unknown = fab_app.test_client()
    unknown.set_cookie(LANG_COOKIE, "xx")
    assert _lang_of(unknown, headers={"Accept-Language": "en"}) == "en"


def test_session_beats_cookie_and_query_argument_beats_session(client):
    with client.session_transaction() as session:
        session["locale"] = "en"
    client.set_cookie(LANG_COOKIE, "ar")
    assert _lang_of(client) == "en"
    assert _lang_of(client, "/login/?_l_=ar") == "ar"
    # ?_l_= is for one request only and never remembered.
    assert _lang_of(client) == "en"
    assert _lang_of(client, "/login/?_l_=xx") == "en"


def test_language_switch_sticks_in_session_and_long_lived_cookie(client, fab_app):
    response = client.get("/lang/ar")
    assert response.status_code == 302
    cookie = next(
        header for header in response.headers.getlist("Set-Cookie")
        if header.startswith(f"{LANG_COOKIE}=")
    )
    assert cookie.startswith(f"{LANG_COOKIE}=ar;")
    assert f"Max-Age={LANG_COOKIE_MAX_AGE}" in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert _lang_of(client, headers={"Accept-Language": "en"}) == "ar"

    # A new browser session that kept only the cookie still gets Arabic.
    returning = fab_app.test_client()
    returning.set_cookie(LANG_COOKIE, client.get_cookie(LANG_COOKIE).value)
    assert _lang_of(returning, headers={"Accept-Language": "en"}) == "ar"

    client.get("/lang/en")
    assert client.get_cookie(LANG_COOKIE).value == "en"
    assert _lang_of(client) == "en"


def test_unknown_language_is_refused_and_not_remembered(client):
    response = client.get("/lang/fr")
    assert response.status_code == 404
    assert client.get_cookie(LANG_COOKIE) is None


def test_register_i18n_refuses_to_run_before_appbuilder(tmp_path):
    app = Flask("ghurfa_i18n_early")
    with pytest.raises(RuntimeError, match="after AppBuilder.init_app"):
        register_i18n(app)


# --- the page as a browser lays it out -------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _render(browser: str, url: str, accept_lang: str, *extra: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                browser, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--no-first-run", f"--user-data-dir={profile}",
                "--window-size=1280,900", f"--accept-lang={accept_lang}", *extra, url,
            ],
            capture_output=True, text=True, timeout=120, check=True,
        )
    return done.stdout


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium is not installed")
def test_login_page_layout_in_chromium(tmp_path):
    app = _build_app(tmp_path, layout_probe=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/login/"
    try:
        layouts = {}
        for lang in ("ar", "en"):
            dom = _render(_chromium(), url, lang, "--dump-dom")
            found = re.search(r'data-layout="([^"]+)"', dom)
            assert found, f"layout probe did not run for {lang}"
            layouts[lang] = json.loads(html.unescape(found.group(1)))
        shots = os.environ.get("GHURFA_SCREENSHOT_DIR")
        if shots:
            _render(_chromium(), url, "ar", f"--screenshot={Path(shots) / 'login_ar.png'}")
    finally:
        server.shutdown()
        thread.join(timeout=10)

    ar, en = layouts["ar"], layouts["en"]
    assert ar["direction"] == "rtl" and en["direction"] == "ltr"
    assert ar["rtlRules"] > 100 and en["rtlRules"] == 0
    # Brand on the right and the language/login menu on the left, mirrored from English.
    assert ar["brand"]["left"] > ar["menu"]["right"]
    assert en["brand"]["right"] < en["menu"]["left"]
    # Labels start at the panel's right edge; the icon sits before the field.
    middle = (ar["panel"]["left"] + ar["panel"]["right"]) / 2
    assert ar["label"]["left"] > middle
    assert en["label"]["right"] < (en["panel"]["left"] + en["panel"]["right"]) / 2
    assert ar["addon"]["left"] >= ar["field"]["right"] - 1
    assert en["addon"]["right"] <= en["field"]["left"] + 1
