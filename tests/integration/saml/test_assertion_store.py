"""The store of used assertions: one use per assertion id, in any worker, kept until it expires."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.extensions import db
from app.saml.sp import ValidatedAssertion
from app.services.accounts import pki
from models.saml import SamlAssertion

NOW = dt.datetime(2026, 3, 19, 8, 0, 0)


def assertion(assertion_id: str = "_a1", expires: dt.datetime = NOW + dt.timedelta(minutes=5)) -> ValidatedAssertion:
    return ValidatedAssertion(assertion_id=assertion_id, issuer="https://idp.example", in_response_to="_r1",
                              name_id="7324674", name_id_format=None, name_id_nq=None, name_id_spnq=None,
                              session_index="_s1", authn_instant=NOW, not_on_or_after=expires, attributes={})


def test_an_assertion_is_accepted_once(app):
    with app.test_request_context():
        pki.consume_assertion(assertion(), NOW)
        with pytest.raises(pki.AssertionReplayed):
            pki.consume_assertion(assertion(), NOW)
        assert db.session.scalars(select(SamlAssertion.assertion_id)).all() == ["_a1"]
        db.session.remove()


def test_another_worker_sees_the_assertion_already_used(app, tmp_path):
    """A second app on the same database stands for another gunicorn worker."""
    from app import create_app
    from config import TestConfig

    other_worker = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                              INSTANCE_DIR=app.config["INSTANCE_DIR"], OUTBOX_DIR=str(tmp_path))
    with app.test_request_context():
        pki.consume_assertion(assertion(), NOW)
        db.session.remove()
    try:
        with other_worker.test_request_context():
            with pytest.raises(pki.AssertionReplayed):
                pki.consume_assertion(assertion(), NOW)
            db.session.remove()
    finally:
        with other_worker.app_context():
            db.engine.dispose()


def test_expired_assertions_are_purged_and_fresh_ones_kept(app):
    with app.test_request_context():
        pki.consume_assertion(assertion("_old", expires=NOW - dt.timedelta(hours=1)), NOW - dt.timedelta(hours=2))
        pki.consume_assertion(assertion("_new"), NOW)
        kept = db.session.scalars(select(SamlAssertion.assertion_id)).all()
        db.session.remove()
    assert kept == ["_new"]


def test_a_stored_assertion_is_kept_for_the_clock_allowance_after_it_expires(app):
    with app.test_request_context():
        pki.consume_assertion(assertion("_a1"), NOW)
        row = db.session.get(SamlAssertion, "_a1")
        allowance = dt.timedelta(seconds=app.config["SAML_CLOCK_SKEW_SECONDS"])
        assert row.not_on_or_after == NOW + dt.timedelta(minutes=5) + allowance
        db.session.remove()
