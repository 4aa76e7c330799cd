"""The font of the visible signature: Amiri cut down to the few characters the signature prints.

pyHanko embeds a subset of the font it is given, and subsetting the whole of Amiri (its
Arabic layout tables are large) takes a quarter of a second per signature; cut down once to
these characters, with only the layout features Arabic joining needs, it takes a few
milliseconds. The cut-down file is made once per instance (under INSTANCE_DIR/signing/) and
named by a digest of what it holds, so a change to the signature's wording makes a new one.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from pathlib import Path

from app.certificates.signing import SIGNED_BY_AR, SIGNED_BY_EN, STAMP_FONT, signing_time_lines

SOURCE_FONT = "Amiri-Regular.ttf"
#: The OpenType features HarfBuzz needs to join Arabic letters and place their marks.
FEATURES = ["init", "medi", "fina", "isol", "rlig", "ccmp", "mark", "mkmk", "curs"]
_LOCK = threading.Lock()


def stamp_characters() -> str:
    """Every character the signature may print: its wording, both digit sets, ASCII."""
    sample = signing_time_lines(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    fixed = SIGNED_BY_EN + SIGNED_BY_AR + sample["time_en"] + sample["time_ar"]
    return "".join(sorted(set(fixed + "0123456789٠١٢٣٤٥٦٧٨٩" + "".join(chr(c) for c in range(32, 127)))))


def stamp_font_dir(font_dir: Path, instance_dir: Path) -> Path:
    """A folder holding STAMP_FONT, cut down from font_dir's Amiri; made on first use."""
    text = stamp_characters()
    digest = hashlib.sha256((text + "|" + ",".join(FEATURES)).encode()).hexdigest()[:12]
    folder = Path(instance_dir) / "signing" / f"stamp-font-{digest}"
    target = folder / STAMP_FONT
    if target.is_file():
        return folder
    with _LOCK:
        if not target.is_file():
            _cut_down(Path(font_dir) / SOURCE_FONT, target, text)
    return folder


def _cut_down(source: Path, target: Path, text: str) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = FEATURES
    options.notdef_outline = True
    options.hinting = False
    font = TTFont(str(source))
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    font.save(str(partial))
    os.replace(partial, target)  # whole or not at all, whichever worker gets there first
