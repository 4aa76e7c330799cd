"""The floor: what any Flask page with one query can do on this machine, against the same database.

    gunicorn -w 2 'bench.floor_app:create_app()'     (DATABASE_URL names the database)

GET /company/<id> reads one company by primary key with SQLAlchemy and returns its name as
JSON. Every Ghurfa page in the bench is compared with it in the same run.
"""
from __future__ import annotations

import os

from flask import Flask, abort, jsonify
from sqlalchemy import create_engine, text


def create_app() -> Flask:
    application = Flask(__name__)
    engine = create_engine(os.environ["DATABASE_URL"], pool_size=4, pool_pre_ping=False)
    query = text("SELECT id, cr_number, name_en FROM company WHERE id = :id")

    @application.get("/company/<int:company_id>")
    def company(company_id: int):
        with engine.connect() as conn:
            row = conn.execute(query, {"id": company_id}).first()
        if row is None:
            abort(404)
        response = jsonify(id=row.id, cr_number=row.cr_number, name_en=row.name_en)
        response.headers["X-Query-Count"] = "1"
        return response

    return application
