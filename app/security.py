"""Ghurfa's security manager: a small subclass of Flask-AppBuilder's, never a copy."""
from __future__ import annotations

from flask_appbuilder.security.sqla.manager import SecurityManager
from sqlalchemy import inspect

from app import permissions


class GhurfaSecurityManager(SecurityManager):
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
