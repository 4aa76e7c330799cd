"""Refusals of the auditor's services (exports, reports), with translatable messages."""
from __future__ import annotations

from app.domain.errors import TranslatableError


class AuditorRequestError(TranslatableError):
    """A request an export or report cannot serve; nothing was read, sent or logged."""
