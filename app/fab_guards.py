"""Two of Flask-AppBuilder's generic model routes, closed where Ghurfa has nothing for them.

- /<view>/download/<filename> serves files from UPLOAD_FOLDER for file columns; Ghurfa has none,
  so the route answers 404 instead of failing on a missing setting (or reading a folder).
- /<view>/action/<name>/<pk> with an action name the view does not have answers 404 instead of
  failing while it looks the action's permission up.
"""
from __future__ import annotations

from flask import abort
from flask_appbuilder.views import ModelView

_fab_action_permission_name = ModelView.get_action_permission_name


def _no_download(self, filename):
    abort(404)


def _action_permission_name(self, name: str) -> str:
    if name not in self.actions:
        abort(404)
    return _fab_action_permission_name(self, name)


def install() -> None:
    """Called before any view is registered (the routes are bound when blueprints are built)."""
    if getattr(ModelView.download, "_ghurfa_closed", False):
        return
    _no_download._ghurfa_closed = True
    _no_download.__name__ = "download"
    # Keep FAB's route and permission metadata (expose, has_access) on the replacement.
    for attribute in ("_urls", "_permission_name"):
        if hasattr(ModelView.download, attribute):
            setattr(_no_download, attribute, getattr(ModelView.download, attribute))
    ModelView.download = _no_download
    ModelView.get_action_permission_name = _action_permission_name
