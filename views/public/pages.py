"""Pages every visitor may see: "Contact us", the site icon, and the styled error pages (403, 404, 500,
and the refusal of a form sent without its valid CSRF token)."""
from __future__ import annotations

import logging

from flask import Flask, current_app, g, redirect, render_template, request, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.services.settings.chamber_details import chamber_details, chamber_details_or_defaults

log = logging.getLogger("ghurfa.errors")

ERROR_PAGES = {
    403: (_l("You cannot open this page"),
          _l("Your account does not give access to this page. If you think it should, contact the chamber.")),
    404: (_l("Page not found"),
          _l("There is no page at this address. It may have moved, or the link may be incomplete.")),
    500: (_l("Something went wrong"),
          _l("The portal could not finish your request. Nothing was charged twice; please try again in a moment.")),
    413: (_l("The file is too large"),
          _l("The file sent is larger than this page accepts. Nothing was kept: go back and send a smaller file.")),
    "csrf": (_l("This form has expired"),
             _l("The form was open too long, or it was sent from another site. Nothing was changed: go back, "
                "reload the page and send the form again.")),
}


def _arabic() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "ar"


class ContactView(BaseView):
    """The chamber's address, telephone, email and opening hours, as configured."""

    route_base = "/contact"
    default_view = "contact"

    @expose("/")
    def contact(self):
        chamber = chamber_details()
        language = "ar" if _arabic() else "en"
        details = {
            "address": chamber.in_language("address", language),
            "hours": chamber.in_language("hours", language),
            "phone": chamber.phone,
            "email": chamber.email,
            "website": chamber.website,
        }
        return self.render_template("public/contact.html", details=details, title=_l("Contact us"))


def way_back() -> str:
    """Where an error page sends the reader: their dashboard, the back office's start, or the home page."""
    from flask_login import current_user

    try:
        if current_user.is_authenticated:
            from app.extensions import db
            from app.services.accounts import verification_codes as accounts

            if accounts.member_of(db.session, current_user.id) is not None:
                return url_for("MemberPortalView.dashboard")
    except Exception:  # an error page must render even when the database is what failed
        log.debug("no member lookup for the error page", exc_info=True)
    return current_app.appbuilder.get_url_for_index


def error_page(status: int, kind: str | None = None):
    title, explanation = ERROR_PAGES[kind or status]
    if status == 500:
        from app.extensions import db

        db.session.rollback()
    try:
        body = render_template("errors/error.html", appbuilder=current_app.appbuilder,
                               base_template=current_app.appbuilder.base_template, status=status, title=title,
                               explanation=explanation, back_url=way_back(), kind=kind or status,
                               request_id=g.get("request_id"))
    except Exception:
        log.exception("the styled error page could not be rendered")
        body = render_template("errors/bare.html", status=status, title=title, explanation=explanation,
                               request_id=g.get("request_id"))
    return body, status


def _handle_http(error: HTTPException):
    return error_page(error.code)


def _handle_csrf(error: CSRFError):
    from flask_login import current_user

    log.warning("form refused on %s %s: %s", request.method, request.path, error.description)
    # Refused before FAB's own before_request hook, which sets g.user for the page's navigation bar.
    if "user" not in g:
        g.user = current_user
    return error_page(400, "csrf")


def _handle_unexpected(error: Exception):
    original = getattr(error, "original_exception", None) or error
    if isinstance(original, HTTPException) and original.code != 500:
        return original
    log.exception("unhandled error on %s %s", request.method, request.path, exc_info=original)
    return error_page(500)


def register(appbuilder, app: Flask) -> None:
    appbuilder.add_view_no_menu(ContactView)
    app.jinja_env.globals["ghurfa_contact_url"] = lambda: url_for("ContactView.contact")
    app.jinja_env.globals["ghurfa_chamber"] = chamber_details_or_defaults
    app.add_url_rule("/favicon.ico", "favicon", lambda: redirect(url_for("static", filename="favicon.svg"), 301))
    for status in (403, 404, 413):
        app.register_error_handler(status, _handle_http)
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(500, _handle_unexpected)
