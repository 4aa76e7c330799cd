"""The navigation menu, rendered once per language and set of built-in roles instead of on every page.

FAB renders its menu for every page: 26 items, each a permission check, a URL and a
translation, about 6 ms of a 35 ms page. With built-in roles (app.permissions) who may
see which item never changes while the app runs, so the HTML is kept per (language,
script root, role rules). Users holding a role kept in the database get a fresh render.
"""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_appbuilder import AppBuilder
from flask_babel import get_locale
from jinja2 import ChoiceLoader, DictLoader
from markupsafe import Markup

FAB_MENU_TEMPLATE = "appbuilder/navbar_menu.html"


class MenuCache:
    def __init__(self, appbuilder: AppBuilder) -> None:
        self.appbuilder = appbuilder
        self._html: dict[tuple, Markup] = {}
        self._template = None

    def render(self) -> Markup:
        """FAB's own menu template (the app's template of that name only calls the cache)."""
        if self._template is None:
            fab_templates = current_app.blueprints["appbuilder"].jinja_loader
            self._template = current_app.jinja_env.overlay(loader=fab_templates).get_template(FAB_MENU_TEMPLATE)
        context = {"appbuilder": self.appbuilder, "menu": self.appbuilder.menu}
        current_app.update_template_context(context)
        return Markup(self._template.render(context))

    def __call__(self) -> Markup:
        rules = self.appbuilder.sm.request_role_rules()
        if rules is None:
            return self.render()
        key = (str(get_locale()), request.script_root, rules)
        html = self._html.get(key)
        if html is None:
            html = self._html[key] = self.render()
        return html


def install_menu_cache(app: Flask, appbuilder: AppBuilder) -> MenuCache:
    """Serves FAB's appbuilder/navbar_menu.html, for this app only, from the cache."""
    cache = MenuCache(appbuilder)
    app.jinja_env.globals["ghurfa_navbar_menu"] = cache
    app.jinja_env.loader = ChoiceLoader([
        DictLoader({FAB_MENU_TEMPLATE: "{{ ghurfa_navbar_menu() }}"}),
        app.jinja_env.loader,
    ])
    return cache
