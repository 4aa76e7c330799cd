"""Ghurfa's security manager: a small subclass of Flask-AppBuilder's, never a copy."""
from __future__ import annotations

from flask import session
from flask_appbuilder.security.sqla.manager import SecurityManager
from sqlalchemy import inspect

from app import permissions
from app.extensions import limiter
from app.services import login_sessions
from views.portal.login import GhurfaAuthDBView


class GhurfaSecurityManager(SecurityManager):
    authdbview = GhurfaAuthDBView

    def create_limiter(self, app):
        """FAB's rate limits go through Ghurfa's one limiter (and its shared storage), not a second one."""
        return limiter

    def create_login_manager(self, app):
        login_manager = super().create_login_manager(app)
        login_manager.user_loader(self.load_session_user)
        login_sessions.install(app)
        return login_manager

    def load_session_user(self, pk):
        """The session's user, only while its server-side login session is open (logout ends it)."""
        if not login_sessions.is_live(int(pk), session.get(login_sessions.TOKEN_KEY)):
            return None
        return self.load_user(pk)
    def create_db(self) -> None:
        """Schema comes from Alembic migrations; here only the roles are ensured."""
        engine = self.session.get_bind(mapper=None, clause=None)
        if "ab_role" not in inspect(engine).get_table_names():
            return
        self.ensure_roles()

    def ensure_roles(self) -> None:
        """Creates every Ghurfa role once; their permissions live in app.permissions (built-in roles)."""
        for name in (permissions.ADMIN, permissions.STAFF, permissions.AUDITOR,
                     permissions.MEMBER, permissions.PUBLIC):
            if self.find_role(name) is None:
                self.add_role(name)
