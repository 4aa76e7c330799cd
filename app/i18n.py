"""Languages, text direction and the visitor's locale choice, for our screens and FAB's."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, current_app, has_request_context, request, session
from flask_babel import get_babel, get_locale

# FAB's config key LANGUAGES: the flags are css classes of FAB's flags16.css.
LANGUAGES: dict[str, dict[str, str]] = {
    "en": {"flag": "gb", "name": "English"},
    "ar": {"flag": "om", "name": "العربية"},
}
DEFAULT_LOCALE = "en"

# Absolute on purpose: FAB prepends its own catalog directory to this setting, and
# Flask-Babel resolves a relative entry against app.root_path (the app/ package).
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"

# Settings the configuration must carry before AppBuilder.init_app() runs.
I18N_CONFIG: dict[str, object] = {
    "LANGUAGES": LANGUAGES,
    "BABEL_DEFAULT_LOCALE": DEFAULT_LOCALE,
    "BABEL_TRANSLATION_DIRECTORIES": str(TRANSLATIONS_DIR),
}

LANG_COOKIE = "ghurfa_lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
# FAB's one-request override (its REST API documents ?_l_=ar); never remembered.
LOCALE_ARG = "_l_"
# The session key FAB's LocaleView writes and FAB's language menu reads.
SESSION_KEY = "locale"
# FAB's /lang/<locale> view: the only place a visitor chooses a language.
LOCALE_VIEW_ENDPOINT = "LocaleView.index"


def _languages() -> dict[str, dict[str, str]]:
    return current_app.config.get("LANGUAGES") or LANGUAGES


def _default_locale() -> str:
    return current_app.config.get("BABEL_DEFAULT_LOCALE") or DEFAULT_LOCALE


def locale_selector() -> str | None:
    """Picks the request's locale: ?_l_=, then session, cookie, Accept-Language, default."""
    if not has_request_context():
        return None
    languages = _languages()
    override = request.args.get(LOCALE_ARG)
    if override in languages:
        return override
    chosen = session.get(SESSION_KEY)
    if chosen in languages:
        return chosen
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen not in languages:
        chosen = request.accept_languages.best_match(
            list(languages), default=_default_locale()
        )
    # FAB's language menu shows the flag of session["locale"], so it must agree
    # with what the page is rendered in.
    session[SESSION_KEY] = chosen
    return chosen


def ghurfa_locale() -> str:
    """The active locale as a LANGUAGES key ('en', 'ar'); Jinja global."""
    locale = get_locale()
    return str(locale) if locale is not None else DEFAULT_LOCALE


def ghurfa_text_direction() -> str:
    """'rtl' or 'ltr' for the active locale, from CLDR; Jinja global."""
    locale = get_locale()
    return locale.text_direction if locale is not None else "ltr"


def remember_locale_choice(response: Response) -> Response:
    """After FAB's /lang/<locale> stored a choice in the session, keeps it in a cookie."""
    chosen = (request.view_args or {}).get("locale")
    if (
        request.endpoint == LOCALE_VIEW_ENDPOINT
        and response.status_code < 400
        and chosen in _languages()
    ):
        response.set_cookie(
            LANG_COOKIE,
            chosen,
            max_age=LANG_COOKIE_MAX_AGE,
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
    return response


def register_i18n(app: Flask) -> None:
    """Puts our locale choice in place of FAB's and adds the layout's Jinja helpers (and asset_url).

    Must run after ``AppBuilder.init_app(app, ...)``: FAB builds Flask-Babel there
    with its own selector, which would replace ours if we went first.
    """
    if "babel" not in app.extensions:
        raise RuntimeError(
            "register_i18n(app) must be called after AppBuilder.init_app(app, ...)"
        )
    get_babel(app).locale_selector = locale_selector
    from app.assets import asset_url

    app.jinja_env.globals.update(
        ghurfa_locale=ghurfa_locale,
        ghurfa_text_direction=ghurfa_text_direction,
        asset_url=asset_url,
    )
    app.after_request(remember_locale_choice)
