"""Every view Ghurfa has, registered in one place."""
from __future__ import annotations

from flask_appbuilder import AppBuilder


def register_views(appbuilder: AppBuilder) -> None:
    from flask import current_app

    from views.admin import register as register_admin
    from views.navbar import install_menu_cache

    register_admin(appbuilder)
    install_menu_cache(current_app, appbuilder)
