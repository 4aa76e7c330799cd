"""Helpers for the PKI login tests: members, signatories, and SAML messages made with the development IdP's signer."""
from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from app.extensions import db
from app.saml.dev_idp.issuer import Audience, Authentication, build_response, new_id, post_binding_value, sign_response
from app.saml.dev_idp.metadata import idp_endpoints, idp_key_pair
from app.saml.settings import sp_endpoints

BASE_URL = "http://localhost"  # the test client's host
CIVIL_ID = "7324674"
OTHER_CIVIL_ID = "1526575"


def make_member(app, civil_id: str = CIVIL_ID, username: str = "iamsa@chamberoman.com", *,
                verified: bool = True, active: bool = True) -> int:
    """A portal account (FAB user with the Member role) registered with this civil ID; returns the user id."""
    from models import Member

    with app.app_context():
        sm = app.appbuilder.sm
        email = username if "@" in username else f"{username}@example.om"
        user = sm.add_user(username, "Shmoouqa", "AL-hashmi", email, sm.find_role("Member"),
                           hashed_password="!")  # no usable password: PKI only
        now = dt.datetime(2026, 1, 1) if verified else None
        db.session.add(Member(user_id=user.id, first_name="Shmoouqa", family_name="AL-hashmi", mobile="+96899416689",
                              id_type="civil_id", id_number=civil_id, language="en",
                              email_verified_at=now, mobile_verified_at=now))
        if not active:
            user.active = False
        db.session.commit()
        user_id = user.id
        db.session.remove()
        return user_id


def make_company(app, cr_number: str = "1229237", signatories: tuple[tuple[str, bool], ...] = ((CIVIL_ID, True),)) -> int:
    from models import Company, Signatory

    with app.app_context():
        company = Company(cr_number=cr_number, name_en="Promising Projects", name_ar="المشاريع الواعدة")
        for civil_id, active in signatories:
            company.signatories.append(Signatory(civil_id=civil_id, active=active))
        db.session.add(company)
        db.session.commit()
        company_id = company.id
        db.session.remove()
        return company_id


@dataclass(frozen=True)
class SentRequest:
    """A redirect-binding request our SP sent to the IdP, decoded."""

    url: str
    id: str
    xml: etree._Element
    params: dict

    @property
    def force_authn(self) -> bool:
        return self.xml.get("ForceAuthn") == "true"


def sent_request(location: str) -> SentRequest:
    params = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    kind = "SAMLRequest" if "SAMLRequest" in params else "SAMLResponse"
    xml = etree.fromstring(OneLogin_Saml2_Utils.decode_base64_and_inflate(params[kind]))
    return SentRequest(url=location, id=xml.get("ID"), xml=xml, params=params)


def start_login(client, next_path: str | None = None) -> SentRequest:
    response = client.get("/saml/login/", query_string={"next": next_path} if next_path else None)
    assert response.status_code == 302, response.status_code
    return sent_request(response.location)


def idp_response(app, in_response_to: str | None, civil_id: str = CIVIL_ID, *, now: dt.datetime | None = None,
                 authn_instant: dt.datetime | None = None, audience: str | None = None, acs_url: str | None = None,
                 issuer: str | None = None, pair=None, lifetime: dt.timedelta = dt.timedelta(minutes=5),
                 **sign_options) -> str:
    """A SAMLResponse (POST binding value) as the development IdP issues it, with any detail overridden."""
    with app.app_context():
        config = app.config
        sp = sp_endpoints(config)
        now = now or dt.datetime.now(dt.timezone.utc)
        authentication = Authentication(civil_id=civil_id, method="card", authn_instant=authn_instant or now,
                                        session_index=new_id())
        response = build_response(
            issuer=issuer or idp_endpoints(config).entity_id,
            audience=Audience(audience or sp.entity_id, acs_url or sp.acs_url),
            authentication=authentication, civil_id_attribute=config["SAML_CIVIL_ID_ATTRIBUTE"],
            in_response_to=in_response_to, now=now, lifetime=lifetime)
        return post_binding_value(sign_response(response, pair or idp_key_pair(config), **sign_options))


def post_acs(client, saml_response: str, relay_state: str | None = None):
    data = {"SAMLResponse": saml_response}
    if relay_state is not None:
        data["RelayState"] = relay_state
    return client.post("/saml/acs/", data=data)


def logged_in_user_id(client) -> int | None:
    with client.session_transaction() as session:
        value = session.get("_user_id")
        return int(value) if value else None


def assertion_count(app) -> int:
    from sqlalchemy import func, select

    from models.saml import SamlAssertion

    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(SamlAssertion))
        db.session.remove()
        return count


def form_fields(page: str) -> dict[str, str]:
    """The hidden inputs of the first form on a page (the IdP's auto-post form)."""
    return {name: html.unescape(value)
            for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)}


def local(url: str) -> str:
    """A URL on the test client's host as a path the client can request."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE_URL, url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def pki_login(app, client, civil_id: str = CIVIL_ID) -> None:
    """Logs the member with this civil ID in through the SAML login (the IdP's pages skipped)."""
    response = post_acs(client, idp_response(app, start_login(client).id, civil_id=civil_id))
    assert response.status_code == 302, response.get_data(as_text=True)


def start_step_up(client, company_id: int, next_path: str = "/services/renewal/") -> SentRequest:
    response = client.get("/saml/step-up/", query_string={"company": company_id, "next": next_path})
    assert response.status_code == 302, response.status_code
    return sent_request(response.location)
