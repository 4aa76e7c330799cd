"""Refusals of the auditor's services (exports, reports), with translatable messages."""
from __future__ import annotations

from app.domain.errors import TranslatableError
from app.domain.messages import N_


class AuditorRequestError(TranslatableError):
    """A request an export or report cannot serve; nothing was read, sent or logged."""


class ExportError(AuditorRequestError):
    """An export that cannot be made; nothing was sent and nothing logged."""


class UnknownEntity(ExportError):
    message_id = N_("There is no list called “%(name)s” to export.")


class UnknownFormat(ExportError):
    message_id = N_("Exports come as CSV or XLSX, not “%(format)s”.")


class InvalidDateRange(ExportError):
    message_id = N_("The start date %(start)s is after the end date %(end)s.")


class NoDateToFilterOn(ExportError):
    message_id = N_("The list “%(name)s” has no date to select a period on.")


class TooManyRowsForExcel(ExportError):
    message_id = N_(
        "An Excel sheet holds at most %(limit)s rows and this list has %(count)s. "
        "Narrow the filter or export CSV."
    )
