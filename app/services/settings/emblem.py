"""The chamber's emblem uploaded in the back office: checked by its content (PNG or JPEG, at most 1 MB,
sensible dimensions), kept under the instance folder and served by the app only."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from app.domain.errors import TranslatableError
from app.domain.messages import N_
from app.services.settings import store
from app.services.settings.chamber_details import EMBLEM, EMBLEM_FOLDER

MAX_BYTES = 1024 * 1024
MIN_SIDE, MAX_SIDE = 64, 2000
KINDS = {b"\x89PNG\r\n\x1a\n": ("png", "PNG"), b"\xff\xd8\xff": ("jpg", "JPEG")}


class EmblemRefused(TranslatableError):
    field = "emblem"


class EmblemNotAnImage(EmblemRefused):
    message_id = N_("The emblem must be a PNG or JPEG image.")


class EmblemTooLarge(EmblemRefused):
    message_id = N_("The emblem file must be at most 1 MB.")


class EmblemDimensions(EmblemRefused):
    message_id = N_("The emblem must be from %(low)s to %(high)s pixels wide and high.")


class EmblemFromEnvironment(EmblemRefused):
    message_id = N_("The emblem is set by the CHAMBER_EMBLEM environment variable and cannot be changed here.")


def check_emblem(data: bytes) -> str:
    """The file extension of an acceptable emblem; refuses anything else."""
    if len(data) > MAX_BYTES:
        raise EmblemTooLarge()
    kind = next((value for magic, value in KINDS.items() if data.startswith(magic)), None)
    if kind is None:
        raise EmblemNotAnImage()
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != kind[1]:
                raise EmblemNotAnImage()
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise EmblemNotAnImage() from None
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise EmblemDimensions(low=MIN_SIDE, high=MAX_SIDE)
    return kind[0]


def save_emblem(session: Session, data: bytes, user_id: int | None) -> str:
    """Checks and stores the emblem, then makes it the one printed; commits. Returns its file name."""
    if store.effective(EMBLEM).overridden:
        raise EmblemFromEnvironment()
    extension = check_emblem(data)
    name = f"emblem-{hashlib.sha256(data).hexdigest()[:16]}.{extension}"
    folder = Path(current_app.config["INSTANCE_DIR"]) / EMBLEM_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    store.save(session, {EMBLEM.key: name}, user_id)
    session.commit()
    store.forget_cached()
    return name
