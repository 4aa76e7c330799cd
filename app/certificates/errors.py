"""Typed errors of the membership certificate: bad snapshots, bad dates, refused resources."""

from __future__ import annotations

from typing import Any


class CertificateError(Exception):
    """Base of every certificate error; `message` is translatable, `params` fill it."""

    def __init__(self, message: Any, **params: Any) -> None:
        # Kept lazy until shown, so a view can print it in the reader's language.
        self.message = message
        self.params = params
        super().__init__(str(message % params) if params else str(message))


class CertificateSnapshotError(CertificateError, ValueError):
    """A stored snapshot cannot be read back: a field is missing, extra or malformed."""


class CertificateDatesInvalid(CertificateError, ValueError):
    """The certificate would expire before it was issued; nothing is rendered."""


class CertificateVerifyUrlInvalid(CertificateError, ValueError):
    """The verification address to print and encode in the QR code is not an http(s) URL."""


class CertificateFontMissing(CertificateError):
    """The Arabic font is not where set-up puts it, so the certificate cannot be drawn."""


class CertificateEmblemMissing(CertificateError):
    """The configured chamber emblem file does not exist."""


class CertificateEmblemInvalid(CertificateError):
    """The configured chamber emblem file is not an image Pillow can read."""


class CertificateResourceRefused(CertificateError):
    """The certificate template asked the PDF renderer for something it may not read."""


class CertificateRenderFailed(CertificateError):
    """The PDF renderer reported errors, so no certificate was produced."""
