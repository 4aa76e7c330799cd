"""Assertions the national PKI identity provider sent us, kept until they expire so none is accepted twice."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column


class SamlAssertion(Model):
    """One accepted assertion. Its id is the primary key: a replay in any worker is a unique violation."""

    __tablename__ = "saml_assertion"

    assertion_id: Mapped[str] = mapped_column(String(256), primary_key=True)
    issuer: Mapped[str] = mapped_column(String(512), nullable=False)
    # After this moment (plus the clock allowance) the assertion is refused as expired anyway.
    not_on_or_after: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, index=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)

    def __repr__(self) -> str:
        return self.assertion_id
