"""Every string a user can see has an Arabic translation with the same placeholders."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalog_tool():
    spec = importlib.util.spec_from_file_location("catalog_tool", ROOT / "scripts" / "catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_string_of_ours_has_an_arabic_translation():
    gaps = _catalog_tool().missing()
    assert gaps == [], "untranslated: " + "; ".join(f"{where} {msgid!r}" for msgid, where in gaps[:20])


def test_translations_keep_every_placeholder():
    tool = _catalog_tool()
    wrong = []
    for message in tool.load(tool.CATALOG):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if text and set(PLACEHOLDER.findall(text)) != wanted:
                wrong.append(ids[0])
    assert wrong == []
