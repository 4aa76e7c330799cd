"""Translation catalog upkeep.

    .venv/bin/python scripts/catalog.py compile   # .mo files from the catalogs (+ pending/ entries)
    .venv/bin/python scripts/catalog.py merge     # fold translations/pending/*.po into the Arabic catalog
    .venv/bin/python scripts/catalog.py missing   # our msgids with no Arabic translation (exit 1 if any)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "translations" / "ar" / "LC_MESSAGES" / "messages.po"
PENDING = ROOT / "translations" / "pending"
KEYWORDS = {
    "_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None,
    "__": None, "lazy_formatter_gettext": None, "pgettext": ((1, "c"), 2),
}
METHOD_MAP = [
    ("app/**.py", "python"), ("views/**.py", "python"), ("models/**.py", "python"), ("jobs/**.py", "python"),
    ("config.py", "python"), ("app/templates/**.html", "jinja2"), ("app/templates/**.txt", "jinja2"),
]
OPTIONS = {"app/templates/**.html": {"extensions": "jinja2.ext.do,jinja2.ext.loopcontrols"},
           "app/templates/**.txt": {"extensions": "jinja2.ext.do,jinja2.ext.loopcontrols"}}


def load(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale="ar")


def our_msgids() -> dict[str, str]:
    """msgid → where it was first seen, for every translatable string in our code and templates."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, METHOD_MAP, OPTIONS, keywords=KEYWORDS, strip_comment_tags=True
    ):
        msgid = message[0] if isinstance(message, (tuple, list)) else message
        if msgid and not filename.startswith((".venv", "node_modules")):
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def translations() -> dict[str, object]:
    """msgid → Arabic, from the catalog and from translations still waiting in pending/."""
    known = {m.id: m.string for m in load(CATALOG) if m.id}
    for pending in sorted(PENDING.glob("*.po")):
        for message in load(pending):
            if message.id and message.string and not known.get(message.id):
                known[message.id] = message.string
    return known


def missing() -> list[tuple[str, str]]:
    known = translations()
    out = []
    for msgid, where in sorted(our_msgids().items()):
        text = known.get(msgid)
        if isinstance(text, (tuple, list)):
            text = text[0]
        if not text:
            out.append((msgid, where))
    return out


def compile_catalogs() -> None:
    """Writes every locale's messages.mo (Arabic with pending entries), atomically."""
    for po in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po"):
        locale = po.parent.parent.name
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        if locale == "ar":
            for pending in sorted(PENDING.glob("*.po")):
                for message in load(pending):
                    existing = catalog.get(message.id) if message.id else None
                    if message.id and message.string and (existing is None or not existing.string):
                        catalog.add(message.id, message.string, flags=message.flags)
        target = po.with_suffix(".mo")
        partial = target.with_name(f"messages.{os.getpid()}.mo.tmp")
        with partial.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        # Readers (other test workers, a running server) see the old or the new file, never half of one.
        os.replace(partial, target)


def merge() -> None:
    catalog = load(CATALOG)
    added = 0
    for pending in sorted(PENDING.glob("*.po")):
        for message in load(pending):
            if not message.id or not message.string:
                continue
            existing = catalog.get(message.id)
            if existing is None or not existing.string:
                catalog.add(message.id, message.string, flags=message.flags)
                added += 1
        pending.unlink()
    with CATALOG.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_output=False)
    print(f"{added} translations merged into {CATALOG.relative_to(ROOT)}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "missing"
    if command == "compile":
        compile_catalogs()
    elif command == "merge":
        merge()
    elif command == "missing":
        gaps = missing()
        for msgid, where in gaps:
            print(f"{where}: {msgid!r}")
        print(f"{len(gaps)} strings without an Arabic translation")
        sys.exit(1 if gaps else 0)
    else:
        sys.exit(__doc__)
