"""The identity check before a transaction: a fresh authentication, by the member, as a signatory of the company."""
from __future__ import annotations

import datetime as dt

import pytest

from app.extensions import db
from app.services.accounts import stepup
from tests.integration.saml.helpers import (
    CIVIL_ID,
    OTHER_CIVIL_ID,
    form_fields,
    idp_response,
    logged_in_user_id,
    make_company,
    make_member,
    pki_login,
    post_acs,
    start_step_up,
)
from tests.integration.saml.test_login import through_dev_idp


@pytest.fixture
def member(app, client):
    user_id = make_member(app)
    pki_login(app, client)
    return user_id


@pytest.fixture
def company(app):
    return make_company(app)


def proof_in(client, company_id: int):
    """current_proof() as the self-service views see it for this browser."""
    with client:
        client.get("/saml/metadata/")
        return stepup.current_proof(company_id)


def test_a_fresh_check_by_the_member_as_a_signatory_records_a_proof(app, client, member, company):
    sent = start_step_up(client, company)
    assert sent.force_authn
    response = post_acs(client, idp_response(app, sent.id))
    assert response.status_code == 302 and response.location == "/services/renewal/"
    proof = proof_in(client, company)
    assert proof is not None
    assert (proof.company_id, proof.civil_id) == (company, CIVIL_ID)
    assert logged_in_user_id(client) == member


def test_the_check_through_the_dev_idp_asks_for_the_pin_again(app, client, member, company):
    sent = start_step_up(client, company)
    done = through_dev_idp(client, sent.url)
    fields = form_fields(done.get_data(as_text=True))
    assert post_acs(client, fields["SAMLResponse"], fields.get("RelayState")).status_code == 302
    assert proof_in(client, company) is not None


def test_require_answers_none_with_a_proof_and_the_force_authn_sign_in_request_without(app, client, member, company):
    with client:
        client.get("/saml/metadata/")
        sign_in = stepup.require(company, "/services/renewal/")
        assert sign_in is not None and "/dev-idp/sso?" in sign_in
    post_acs(client, idp_response(app, start_step_up(client, company).id))
    with client:
        client.get("/saml/metadata/")
        assert stepup.require(company, "/services/renewal/") is None
        stepup.clear()
        assert stepup.current_proof(company) is None


def test_a_stale_authentication_is_refused(app, client, member, company):
    sent = start_step_up(client, company)
    ten_minutes_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=10)
    response = post_acs(client, idp_response(app, sent.id, authn_instant=ten_minutes_ago))
    assert response.status_code == 403
    assert "did not ask for your PIN again" in response.get_data(as_text=True)
    assert proof_in(client, company) is None


def test_another_civil_id_than_the_members_is_refused(app, client, member):
    company = make_company(app, signatories=((CIVIL_ID, True), (OTHER_CIVIL_ID, True)))
    sent = start_step_up(client, company)
    response = post_acs(client, idp_response(app, sent.id, civil_id=OTHER_CIVIL_ID))
    assert response.status_code == 403
    assert "belongs to another civil ID" in response.get_data(as_text=True)
    assert proof_in(client, company) is None


def test_a_member_who_is_not_a_signatory_is_refused(app, client, member):
    company = make_company(app, cr_number="1445820", signatories=((OTHER_CIVIL_ID, True),))
    response = post_acs(client, idp_response(app, start_step_up(client, company).id))
    assert response.status_code == 403
    assert "is not an authorised signatory of company 1445820" in response.get_data(as_text=True)
    assert proof_in(client, company) is None


def test_a_signatory_removed_at_the_registry_is_refused(app, client, member):
    company = make_company(app, signatories=((CIVIL_ID, False),))
    response = post_acs(client, idp_response(app, start_step_up(client, company).id))
    assert response.status_code == 403
    assert proof_in(client, company) is None


def test_the_proof_expires_after_the_maximum_age(app, client, member, company):
    post_acs(client, idp_response(app, start_step_up(client, company).id))
    assert proof_in(client, company) is not None
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=app.config["SAML_STEP_UP_MAX_AGE_SECONDS"] + 5)
    app.config["CLOCK_NOW"] = later
    assert proof_in(client, company) is None


def test_a_proof_for_one_company_does_not_serve_another(app, client, member, company):
    other = make_company(app, cr_number="1445820")
    post_acs(client, idp_response(app, start_step_up(client, company).id))
    assert proof_in(client, company) is not None
    assert proof_in(client, other) is None


def test_the_proof_ends_when_the_signatory_is_removed(app, client, member, company):
    from models import Signatory

    post_acs(client, idp_response(app, start_step_up(client, company).id))
    with app.app_context():
        db.session.query(Signatory).filter_by(company_id=company).update({"active": False})
        db.session.commit()
        db.session.remove()
    assert proof_in(client, company) is None


def test_the_check_needs_a_logged_in_member(app, client, company):
    response = client.get("/saml/step-up/", query_string={"company": company, "next": "/x/"})
    assert response.status_code == 302 and response.location.startswith("/saml/login/")


def test_a_check_answered_after_logging_out_is_refused(app, client, member, company):
    sent = start_step_up(client, company)
    with client.session_transaction() as session:
        session.pop("_user_id")
    response = post_acs(client, idp_response(app, sent.id))
    assert response.status_code == 403
    assert proof_in(client, company) is None


def test_the_return_path_is_only_ever_our_own(app, client, member, company):
    sent = start_step_up(client, company, next_path="https://evil.example/steal")
    response = post_acs(client, idp_response(app, sent.id))
    assert response.status_code == 302 and response.location == "/portal/"
