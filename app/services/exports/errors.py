"""Refusals of the auditor's services (exports, reports), with translatable messages like the domain's errors."""
from __future__ import annotations

from typing import Any, ClassVar

from app.domain.messages import Message, N_


class AuditorRequestError(Exception):
    """A request an export or report cannot serve; nothing was read, sent or logged.

    Shaped like app.domain.errors.DomainError (`message_id`, `params`, `message`), so the
    web layer renders it the same way: `err.message.translate(gettext)`.
    """

    message_id: ClassVar[str] = N_("The request could not be completed.")

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = dict(params)
        self.message = Message(self.message_id, self.params)
        super().__init__(str(self.message))
