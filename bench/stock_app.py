"""The app the benchmark serves: Ghurfa as built by create_app(), plus stock Flask-AppBuilder views over the same tables.

    gunicorn -w 2 'bench.stock_app:create_app()'

The stock views (under /stockcompanyview/, /stockmembershipview/, /stocksignatoryview/)
show the same columns with the same page size as Ghurfa's, and nothing else: plain
ModelView and SQLAInterface, no base order, no eager loading, relation selects in the
search form, Flask-AppBuilder's own user loader and permission check (roles and groups
by lazy loads, the user resolved again for every check) and its menu rendered every time.

GHURFA_BENCH_COUNT_QUERIES=1 adds an X-Query-Count header to every response: the SQL
statements the request ran until its response was ready (an engine listener). Bench only.
"""
from __future__ import annotations

import os

from flask import Flask, g, has_request_context, request
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.sqla.manager import SecurityManager
from sqlalchemy import event

from models import Company, Membership, Signatory
from views.admin.companies import CompanyView, MembershipView, SignatoryView

QUERY_COUNT_HEADER = "X-Query-Count"
STOCK_PREFIX = "/stock"


class StockSignatoryView(ModelView):
    datamodel = SQLAInterface(Signatory)
    page_size = SignatoryView.page_size
    list_columns = SignatoryView.list_columns
    search_columns = SignatoryView.search_columns
    show_columns = SignatoryView.show_columns
    label_columns = dict(SignatoryView.label_columns)


class StockMembershipView(ModelView):
    datamodel = SQLAInterface(Membership)
    page_size = MembershipView.page_size
    list_columns = MembershipView.list_columns
    search_columns = MembershipView.search_columns
    show_columns = MembershipView.show_columns
    label_columns = dict(MembershipView.label_columns)


class StockCompanyView(ModelView):
    datamodel = SQLAInterface(Company)
    related_views = [StockSignatoryView, StockMembershipView]
    show_template = CompanyView.show_template
    page_size = CompanyView.page_size
    list_columns = CompanyView.list_columns
    search_columns = CompanyView.search_columns
    show_columns = CompanyView.show_columns
    label_columns = dict(CompanyView.label_columns)


STOCK_VIEWS = (StockCompanyView, StockMembershipView, StockSignatoryView)


def create_app(**overrides) -> Flask:
    from app import create_app as create_ghurfa_app

    application = create_ghurfa_app(**overrides)
    with application.app_context():
        appbuilder = application.appbuilder
        for view in STOCK_VIEWS:
            appbuilder.add_view_no_menu(view)
        _stock_security(appbuilder.sm)
        _stock_menu(application)
        if os.environ.get("GHURFA_BENCH_COUNT_QUERIES") == "1":
            install_query_counter(application)
    return application


def _stock_request() -> bool:
    return has_request_context() and request.path.startswith(STOCK_PREFIX)


def _stock_security(sm) -> None:
    """Requests for stock pages load the user and check permissions the way Flask-AppBuilder does."""
    ghurfa_loader, ghurfa_has_access = sm.load_user, sm.has_access

    def load_user(pk):
        return SecurityManager.load_user(sm, pk) if _stock_request() else ghurfa_loader(pk)

    def has_access(permission_name, view_name):
        if _stock_request():
            return SecurityManager.has_access(sm, permission_name, view_name)
        return ghurfa_has_access(permission_name, view_name)

    sm.lm.user_loader(load_user)
    sm.has_access = has_access


def _stock_menu(application: Flask) -> None:
    """Stock pages render the menu on every request, as Flask-AppBuilder does."""
    cache = application.jinja_env.globals["ghurfa_navbar_menu"]

    def menu():
        return cache.render() if _stock_request() else cache()

    application.jinja_env.globals["ghurfa_navbar_menu"] = menu


def install_query_counter(application: Flask) -> None:
    from app.extensions import db

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        if has_request_context():
            g.bench_query_count = g.get("bench_query_count", 0) + 1

    def report(response):
        response.headers[QUERY_COUNT_HEADER] = str(g.get("bench_query_count", 0))
        return response

    event.listen(db.engine, "before_cursor_execute", count)
    application.after_request(report)
