"""The certificate's pictures as inline data URIs: the verification QR code and the chamber's emblem."""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

#: Pixels per QR module: sharp when scaled to about 30 mm, and small, because
#: a larger image costs milliseconds per render to decode and embed.
QR_BOX_SIZE = 4
#: The quiet zone the QR specification asks for, in modules.
QR_BORDER = 4


def png_data_uri(image: Image.Image) -> str:
    png = io.BytesIO()
    image.save(png, format="PNG")
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode("ascii")


#: A fixed mask rather than qrcode's search for the best of the eight: the
#: search lays the symbol out nine times and was 14 of the 17 ms a new
#: certificate's QR code took. Every reader handles every mask (the mask is
#: named in the symbol itself); the search only evens out dark and light
#: modules, and checked with an independent decoder, mask 0 read back as
#: reliably as the searched mask from pages rendered down to 60 dpi.
QR_MASK_PATTERN = 0


@lru_cache(maxsize=256)
def qr_data_uri(url: str) -> str:
    """`url` as a QR code PNG, inlined so nothing is fetched for it.

    Cached because a certificate is re-rendered from its snapshot with the same
    URL; the PNG encoder is deterministic, so caching cannot change the bytes.
    The picture is made from the module grid directly (grey-scale, which
    reportlab embeds faster than 1-bit), not through qrcode's image factory,
    which draws it box by box.
    """
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, border=QR_BORDER, mask_pattern=QR_MASK_PATTERN
    )
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    grid = Image.new("L", (size, size))
    grid.putdata([0 if dark else 255 for row in matrix for dark in row])
    return png_data_uri(grid.resize((size * QR_BOX_SIZE,) * 2, Image.Resampling.NEAREST))


def emblem_data_uri(path: Path) -> str:
    """The chamber's emblem file, fitted for the certificate and inlined.

    Read here, by our own code, so that the PDF renderer needs no access to
    the file; fitted to EMBLEM_PIXELS and re-encoded as JPEG because
    reportlab re-compresses a PNG's pixels on every render (a 240-pixel PNG
    cost 17 ms a certificate, the JPEG a third of that). Cached by the
    file's size and modification time, so a new emblem is picked up.
    """
    stat = path.stat()
    return _emblem_data_uri(str(path), stat.st_mtime_ns, stat.st_size)


#: The emblem is printed 21 mm wide: 200 pixels is about 240 dpi.
EMBLEM_PIXELS = 200


@lru_cache(maxsize=8)
def _emblem_data_uri(path: str, _mtime_ns: int, _size: int) -> str:
    with Image.open(path) as source:
        source.load()
        image = source.convert("RGBA")
    image.thumbnail((EMBLEM_PIXELS, EMBLEM_PIXELS), Image.Resampling.LANCZOS)
    # JPEG has no transparency: flatten onto the white page.
    flat = Image.new("RGB", image.size, "white")
    flat.paste(image, mask=image.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, format="JPEG", quality=90)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")
