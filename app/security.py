"""Ghurfa's security manager: a small subclass of Flask-AppBuilder's, never a copy."""
from __future__ import annotations

import logging
import re
import time

from flask import current_app, g, has_request_context, session
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_login import current_user
from sqlalchemy import inspect, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from app import permissions
from app.extensions import limiter
from app.services.accounts import login_sessions
from views.admin import security as readable
from views.portal.login import GhurfaAuthDBView

log = logging.getLogger("ghurfa.security")


class GhurfaSecurityManager(SecurityManager):
    authdbview = GhurfaAuthDBView
    userdbmodelview = readable.UserDBModelView
    rolemodelview = readable.RoleModelView
    permissionmodelview = readable.PermissionModelView
    viewmenumodelview = readable.ViewMenuModelView
    permissionviewmodelview = readable.PermissionViewModelView
    userstatschartview = readable.UserStatsChartView

    def create_limiter(self, app):
        """FAB's rate limits go through Ghurfa's one limiter (and its shared storage), not a second one."""
        return limiter

    def create_login_manager(self, app):
        login_manager = super().create_login_manager(app)
        login_manager.user_loader(self.load_session_user)
        login_sessions.install(app)
        return login_manager

    def reset_password(self, userid, password):
        """FAB's reset (its policy checked by the form's validator), then the owner is told by email."""
        from app.services.accounts.staff_passwords import password_changed

        super().reset_password(userid, password)
        user = self.get_user_by_id(userid)
        changer = getattr(g, "user", None) if has_request_context() else None
        password_changed(self.session, user, by_someone_else=getattr(changer, "id", None) != user.id)

    def auth_user_db(self, username, password):
        """FAB's password check behind the account lockout; the login form and the API login both come here."""
        from app.services.accounts import lockout as login_lockout

        if login_lockout.is_locked(username):
            return None
        user = super().auth_user_db(username, password)
        if user is None:
            login_lockout.record_failure(username)
        else:
            login_lockout.record_success(username)
        return user

    def load_session_user(self, pk):
        """The session's user, only while its server-side login session is open (logout ends it).

        One query: the open-session check rides along with the user and role lookup.
        """
        live = login_sessions.live_condition(int(pk), session.get(login_sessions.TOKEN_KEY))
        if live is None:
            return None
        return self.load_user(pk, live)

    def create_db(self) -> None:
        """Schema comes from Alembic migrations; here only the roles are ensured."""
        engine = self.session.get_bind(mapper=None, clause=None)
        try:
            if "ab_role" not in inspect(engine).get_table_names():
                return
            self.ensure_roles()
        except OperationalError as exc:
            # A worker (re)started while the database is down still starts, and answers 503 until it is back;
            # `flask ghurfa init` ensures the roles once per release anyway.
            self.session.rollback()
            log.warning("roles not checked at start: the database is unreachable (%s)", type(exc).__name__)

    def ensure_roles(self) -> None:
        """Creates every Ghurfa role once; their permissions live in app.permissions (built-in roles)."""
        for name in (permissions.ADMIN, permissions.STAFF, permissions.AUDITOR,
                     permissions.MEMBER, permissions.PUBLIC):
            if self.find_role(name) is None:
                self.add_role(name)

    def load_user(self, pk, *criteria):
        """The signed-in user with roles and groups in one query: every permission check after it is in memory."""
        user = self.session.scalars(
            select(self.user_model).where(self.user_model.id == int(pk), *criteria).options(
                joinedload(self.user_model.roles),
                joinedload(self.user_model.groups).joinedload(self.group_model.roles),
            )
        ).unique().one_or_none()
        return user if user is not None and user.is_active else None

    def has_access(self, permission_name: str, view_name: str) -> bool:
        """FAB's check, with the signed-in user's built-in role rules resolved once per request.

        A page asks 30 times (one per menu item and button); FAB re-resolves the user and
        their roles each time. Users with a role kept in the database take FAB's path.
        """
        rules = self.request_role_rules()
        if rules is None:
            return super().has_access(permission_name, view_name)
        return any(re.match(view, view_name) and re.match(permission, permission_name) for view, permission in rules)

    def is_item_public(self, permission_name: str, view_name: str) -> bool:
        """FAB's check for a visitor not logged in, against the Public role's permissions read once.

        FAB reads the role and its permissions from the database for every menu item and
        button; they are read once per request here, and kept BACK_OFFICE_CACHE_SECONDS in
        the worker (an edit of the Public role in the back office shows within that time).
        """
        return (view_name, permission_name) in self.public_permissions()

    def public_permissions(self) -> frozenset[tuple[str, str]]:
        if has_request_context() and "ghurfa_public_permissions" in g:
            return g.ghurfa_public_permissions
        ttl = current_app.config.get("BACK_OFFICE_CACHE_SECONDS", 0)
        now = time.monotonic()
        cached = getattr(self, "_public_permissions", None)
        if ttl and cached is not None and now - cached[0] < ttl:
            found = cached[1]
        else:
            found = frozenset((pv.view_menu.name, pv.permission.name) for pv in self.get_public_permissions() or ())
            self._public_permissions = (now, found)
        if has_request_context():
            g.ghurfa_public_permissions = found
        return found

    def request_role_rules(self) -> tuple[tuple[str, str], ...] | None:
        """The (view, permission) patterns of the signed-in user's roles, or None when FAB must decide."""
        if not has_request_context() or getattr(g, "_api_key_user", False) or not current_user.is_authenticated:
            return None
        user = current_user._get_current_object()
        cached = g.get("ghurfa_role_rules")
        if cached is not None and cached[0] == user.id:
            return cached[1]
        roles = self.get_user_roles(user) if user.is_active else []
        rules = None
        if roles and all(role.name in self.builtin_roles for role in roles):
            rules = tuple(tuple(rule) for role in roles for rule in self.builtin_roles[role.name])
        g.ghurfa_role_rules = (user.id, rules)
        return rules
