"""Our SAML service provider: signed requests out; responses and logout messages in, checked strictly.

python3-saml (with lxml and xmlsec) is imported when a SAML message is first made or read: a
worker that serves no PKI login does not hold it.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import current_app, request

from app.saml.settings import build_settings

if TYPE_CHECKING:
    from onelogin.saml2.auth import OneLogin_Saml2_Auth


class SamlRejected(Exception):
    """A SAML message we refuse. The reason is for the log, never for the user."""


@dataclass(frozen=True)
class ValidatedAssertion:
    """What a response that passed every check says, with what we need to stop its replay."""

    assertion_id: str
    issuer: str
    in_response_to: str
    name_id: str | None
    name_id_format: str | None
    name_id_nq: str | None
    name_id_spnq: str | None
    session_index: str | None
    authn_instant: dt.datetime  # naive UTC
    not_on_or_after: dt.datetime  # naive UTC: the latest moment any part of it is valid
    attributes: Mapping[str, list[str]] = field(default_factory=dict)

    def attribute(self, name: str) -> str | None:
        values = self.attributes.get(name) or []
        return str(values[0]).strip() if values and values[0] is not None else None


@dataclass(frozen=True)
class LogoutOutcome:
    """A logout message handled: `answer_url` is the LogoutResponse to send back to the IdP, if any."""

    kind: str  # "request" (the IdP ends our session) or "response" (the IdP confirms our request)
    answer_url: str | None
    relay_state: str | None


def _utc(timestamp: int | float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).replace(tzinfo=None)


@functools.cache
def _strict_response() -> type:
    """python3-saml's Response with our clock allowance (its own is a fixed five minutes)."""
    from onelogin.saml2.response import OneLogin_Saml2_Response
    from onelogin.saml2.utils import OneLogin_Saml2_Utils, OneLogin_Saml2_ValidationError, return_false_on_exception

    class StrictResponse(OneLogin_Saml2_Response):
        clock_skew_seconds = 60

        @return_false_on_exception
        def validate_timestamps(self):
            now = OneLogin_Saml2_Utils.now()
            for conditions in self._query_assertion("/saml:Conditions"):
                not_before = conditions.get("NotBefore")
                not_on_or_after = conditions.get("NotOnOrAfter")
                if not_before and OneLogin_Saml2_Utils.parse_SAML_to_time(not_before) > now + self.clock_skew_seconds:
                    raise OneLogin_Saml2_ValidationError(
                        "Could not validate timestamp: not yet valid.",
                        OneLogin_Saml2_ValidationError.ASSERTION_TOO_EARLY)
                if not_on_or_after and (
                    OneLogin_Saml2_Utils.parse_SAML_to_time(not_on_or_after) + self.clock_skew_seconds <= now
                ):
                    raise OneLogin_Saml2_ValidationError(
                        "Could not validate timestamp: expired.", OneLogin_Saml2_ValidationError.ASSERTION_EXPIRED)
            return True

        def authn_instant(self) -> int | None:
            """AuthnInstant of the signed assertion (python3-saml offers no reader for it)."""
            nodes = self._query_assertion("/saml:AuthnStatement")
            value = nodes[0].get("AuthnInstant") if nodes else None
            return OneLogin_Saml2_Utils.parse_SAML_to_time(value) if value else None

        def conditions_not_on_or_after(self) -> int | None:
            nodes = self._query_assertion("/saml:Conditions")
            value = nodes[0].get("NotOnOrAfter") if nodes else None
            return OneLogin_Saml2_Utils.parse_SAML_to_time(value) if value else None

    return StrictResponse


def request_data() -> dict:
    """The current request as python3-saml reads it. Scheme and host are PUBLIC_BASE_URL's, never the
    request's Host header (which the host check has already matched against the trusted hosts)."""
    public = urlsplit(str(current_app.config["PUBLIC_BASE_URL"]))
    return {
        "https": "on" if public.scheme == "https" else "off",
        "http_host": public.netloc,
        "script_name": request.path,
        "get_data": request.args.copy(),
        "post_data": request.form.copy(),
        # Redirect-binding signatures are checked over the query exactly as the IdP encoded it.
        "query_string": request.query_string.decode("latin-1"),
        "validate_signature_from_qs": True,
    }


class ServiceProvider:
    """One request's view of our SP, built from the app's configuration."""

    def __init__(self, config: Mapping) -> None:
        self.config = config
        self.settings = build_settings(config)

    def _auth(self) -> OneLogin_Saml2_Auth:
        from onelogin.saml2.auth import OneLogin_Saml2_Auth

        return OneLogin_Saml2_Auth(request_data(), self.settings)

    def _saml_settings(self, **options):
        from onelogin.saml2.settings import OneLogin_Saml2_Settings

        return OneLogin_Saml2_Settings(self.settings, **options)

    def metadata(self) -> str:
        settings = self._saml_settings(sp_validation_only=True)
        xml = settings.get_sp_metadata()
        errors = settings.validate_metadata(xml)
        if errors:
            raise SamlRejected(f"our own metadata is invalid: {errors}")
        return xml.decode("utf-8") if isinstance(xml, bytes) else xml

    def authn_request(self, *, force_authn: bool, relay_state: str) -> tuple[str, str]:
        """The IdP URL carrying a signed AuthnRequest, and the request's ID to expect back."""
        auth = self._auth()
        url = auth.login(return_to=relay_state, force_authn=force_authn)
        return url, auth.get_last_request_id()

    def in_response_to(self) -> str | None:
        """The InResponseTo the posted Response claims (not yet verified)."""
        from onelogin.saml2.response import OneLogin_Saml2_Response

        try:
            response = OneLogin_Saml2_Response(self._saml_settings(),
                                               request.form["SAMLResponse"])
            return response.get_in_response_to()
        except Exception:  # undecodable: the caller treats it as unsolicited and refuses it
            return None

    def validate_response(self, request_id: str) -> ValidatedAssertion:
        """The posted Response, checked: signatures, algorithms, InResponseTo, Destination, audience, times."""
        if "SAMLResponse" not in request.form:
            raise SamlRejected("no SAMLResponse in the form")
        try:
            response = _strict_response()(self._saml_settings(), request.form["SAMLResponse"])
            response.clock_skew_seconds = int(self.config.get("SAML_CLOCK_SKEW_SECONDS", 60))
            # python3-saml lets a response without InResponseTo through; we answer only our own requests.
            if response.get_in_response_to() != request_id:
                raise SamlRejected("the response does not answer the request this session made")
            response.is_valid(request_data(), request_id, raise_exceptions=True)
            name_id = response.get_nameid_data()
            authn_instant = response.authn_instant()
            if authn_instant is None:
                raise SamlRejected("the assertion has no AuthnInstant")
            ends = [t for t in (response.get_assertion_not_on_or_after(), response.conditions_not_on_or_after()) if t]
            if not ends:
                raise SamlRejected("the assertion never expires")
            return ValidatedAssertion(
                assertion_id=response.get_assertion_id(),
                issuer=self.settings["idp"]["entityId"],
                in_response_to=request_id,
                name_id=name_id.get("Value"),
                name_id_format=name_id.get("Format"),
                name_id_nq=name_id.get("NameQualifier"),
                name_id_spnq=name_id.get("SPNameQualifier"),
                session_index=response.get_session_index(),
                authn_instant=_utc(authn_instant),
                not_on_or_after=_utc(max(ends)),
                attributes=response.get_attributes(),
            )
        except SamlRejected:
            raise
        except Exception as err:
            raise SamlRejected(str(err)) from err

    def logout_request(self, *, name_id: str | None, session_index: str | None, name_id_format: str | None,
                       nq: str | None, spnq: str | None, relay_state: str) -> tuple[str, str]:
        """The IdP URL carrying our signed LogoutRequest, and its ID to expect back."""
        auth = self._auth()
        url = auth.logout(return_to=relay_state, name_id=name_id, session_index=session_index,
                          name_id_format=name_id_format, nq=nq, spnq=spnq)
        return url, auth.get_last_request_id()

    def process_logout(self, expected_request_id: str | None) -> LogoutOutcome:
        """A LogoutRequest from the IdP (answered) or the LogoutResponse to the request we sent."""
        auth = self._auth()
        relay_state = request.args.get("RelayState")
        try:
            if "SAMLResponse" in request.args:
                if expected_request_id is None:
                    raise SamlRejected("a LogoutResponse nobody here asked for")
                from onelogin.saml2.logout_response import OneLogin_Saml2_Logout_Response

                answered = OneLogin_Saml2_Logout_Response(self._saml_settings(),
                                                          request.args["SAMLResponse"]).get_in_response_to()
                if answered != expected_request_id:
                    raise SamlRejected("the LogoutResponse answers another request")
                auth.process_slo(keep_local_session=True, request_id=expected_request_id)
                kind, answer_url = "response", None
            elif "SAMLRequest" in request.args:
                answer_url = auth.process_slo(keep_local_session=True)
                kind = "request"
            else:
                raise SamlRejected("no SAMLRequest or SAMLResponse in the query")
        except SamlRejected:
            raise
        except Exception as err:
            raise SamlRejected(str(err)) from err
        if auth.get_errors():
            raise SamlRejected(f"{auth.get_errors()}: {auth.get_last_error_reason()}")
        return LogoutOutcome(kind=kind, answer_url=answer_url, relay_state=relay_state)
