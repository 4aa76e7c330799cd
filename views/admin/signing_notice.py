"""The back-office notice that the chamber's signing key expires soon or cannot be loaded, shown to Admins and Staff."""
from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup

from app.permissions import ADMIN, STAFF
from app.services.certificates.key_expiry import key_status
from views.display import ltr


def signing_key_notice() -> Markup | None:
    """The notice's text for staff, None for anyone else or when all is well."""
    try:
        if not current_user.is_authenticated or not any(role.name in (ADMIN, STAFF) for role in current_user.roles):
            return None
    except Exception:  # no user can be loaded (an error page): no notice
        return None
    status = key_status(current_app.config, dt.datetime.now(dt.timezone.utc))
    if not status.loaded:
        return Markup(gettext("The chamber's signing key cannot be loaded: new certificates are issued unsigned "
                              "and queued for signing. Check the signing configuration."))
    if not status.renewal_due:
        return None
    if status.days_left < 0:
        return Markup(gettext("The chamber's signing key expired on %(date)s: PDFs signed now are not valid. "
                              "Configure the new key.", date=ltr(f"{status.expires_at:%Y-%m-%d}")))
    return Markup(gettext("The chamber's signing key expires on %(date)s, in %(days)s days: renew it and configure "
                          "the new key before then.", date=ltr(f"{status.expires_at:%Y-%m-%d}"),
                          days=ltr(str(status.days_left))))


def register(app) -> None:
    app.jinja_env.globals["signing_key_notice"] = signing_key_notice
