"""Every view Ghurfa has, registered in one place."""
from __future__ import annotations

from flask_appbuilder import AppBuilder


def register_views(appbuilder: AppBuilder) -> None:
    from flask import current_app

    from views.admin import register as register_admin
    from views.selfservice import register as register_selfservice

    register_admin(appbuilder)
    register_selfservice(appbuilder)

    from views.public.verify import CertificateCheckView

    appbuilder.add_view_no_menu(CertificateCheckView)
    from views.public.verify import install_upload_limit

    install_upload_limit(current_app)
    from views.public.receipts import ReceiptCheckView

    appbuilder.add_view_no_menu(ReceiptCheckView)

    from views.public.pages import register as register_public_pages

    register_public_pages(appbuilder, current_app)

    from views.public import csp_report

    csp_report.register(current_app)

    from views.pki import register as register_pki

    register_pki(appbuilder)

    from views.portal import register as register_portal

    register_portal(appbuilder)

    from views.auditor import register as register_auditor
    from views.api import register as register_api

    register_auditor(appbuilder)
    register_api(appbuilder)

    from views.navbar import install_menu_cache

    install_menu_cache(current_app, appbuilder)
