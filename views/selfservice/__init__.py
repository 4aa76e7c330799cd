"""Member self-service: the five service wizards, receipts, certificates and the payment endpoints."""
from __future__ import annotations

from flask import current_app
from flask_appbuilder import AppBuilder

from app.extensions import csrf


def register(appbuilder: AppBuilder) -> None:
    from views.selfservice.certificates import MemberCertificateView
    from views.selfservice.grade_change import SelfServiceGradeChangeView
    from views.selfservice.home import SelfServiceView
    from views.selfservice.name_change import SelfServiceNameChangeView
    from views.selfservice.new_membership import SelfServiceNewMembershipView
    from views.selfservice.payments import payments_blueprint
    from views.selfservice.receipts import SelfServiceReceiptView
    from views.selfservice.renewal import SelfServiceRenewalView
    from views.selfservice.replacement import SelfServiceReplacementView

    app = current_app._get_current_object()
    for view in (SelfServiceView, SelfServiceReceiptView, MemberCertificateView, SelfServiceNewMembershipView,
                 SelfServiceRenewalView, SelfServiceReplacementView, SelfServiceNameChangeView,
                 SelfServiceGradeChangeView):
        appbuilder.add_view_no_menu(view())
    app.register_blueprint(payments_blueprint)
    csrf.exempt(payments_blueprint)
