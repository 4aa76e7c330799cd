"""Passwords set in Flask-AppBuilder's own screens (a user's "reset my password", an administrator's
"reset password" and "add user") follow the same policy as members' passwords, and a changed password
is announced by email to the account's owner, as after a reset by link."""
from __future__ import annotations

import logging

from flask import current_app, g, has_request_context, request
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import LazyString, gettext

from app.domain.errors import PasswordRefused
from app.services.accounts.passwords import check_password_policy

log = logging.getLogger("ghurfa.accounts")


def _target_email() -> str | None:
    """The email of the account whose password the current screen sets."""
    if not has_request_context():
        return None
    if request.endpoint == "ResetPasswordView.this_form_post" and request.args.get("pk"):
        user = current_app.appbuilder.sm.get_user_by_id(request.args.get("pk"))
        return user.email if user is not None else None
    if request.endpoint == "ResetMyPasswordView.this_form_post":
        user = getattr(g, "user", None)
        return getattr(user, "email", None)
    return request.form.get("email") or None


def fab_password_check(password: str) -> None:
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: Ghurfa's policy, with its message in the reader's language."""
    try:
        check_password_policy(password or "", _target_email())
    except PasswordRefused as refusal:
        raise PasswordComplexityValidationError(refusal.message.translate(gettext)) from None


def password_changed(session, user, *, by_someone_else: bool) -> None:
    """After FAB saved a new password: end the account's sessions when an administrator set it, and
    email its owner (queued in the outbox, sent at once when possible)."""
    from app.services.accounts import login_sessions
    from app.services.accounts.members import member_of
    from app.services.accounts.password_reset import announce_password_changed
    from app.services.notifications.outbox import deliver_now

    if by_someone_else:
        login_sessions.end_all(session, user.id)
    notes = announce_password_changed(session, user, member_of(session, user.id)) if user.email else []
    session.commit()
    deliver_now(session, notes)
    log.info("password of user %s changed in the back office (by %s)", user.id,
             "an administrator" if by_someone_else else "its owner")


def install(app) -> None:
    """Turns FAB's password validator on with Ghurfa's policy, and replaces its form's hint (which says
    nothing is checked) with the policy's."""
    from flask_appbuilder.security.forms import ResetPasswordForm

    app.config["FAB_PASSWORD_COMPLEXITY_ENABLED"] = True
    app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"] = fab_password_check
    ResetPasswordForm.password.kwargs["description"] = LazyString(lambda: gettext(
        "At least %(min)s characters; not a common password, a run of keys or your email address.",
        min=int(current_app.config.get("PASSWORD_MIN_LENGTH", 12))))
