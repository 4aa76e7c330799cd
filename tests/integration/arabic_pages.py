"""What an Arabic page must not show: a raw code, `None`, or a number or Latin code inside Arabic text outside an isolate.

`problems(html)` reads a page and returns one line per problem. What must be isolated
is what the bidirectional algorithm would reorder (see REORDERED). A text run counts as
isolated inside a `<bdi>` or an inline element that sets `dir`; it counts as "inside
Arabic text" when the block holding it (its paragraph) also holds Arabic letters.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from app.domain import labels

ARABIC = re.compile(r"[\u0600-\u06ff]")
# What the bidirectional algorithm reorders inside Arabic text: Latin words and codes, and
# numbers joined by separators or signed (dates, times, amounts, phones, serials, references).
# A plain number ("خلال 30 يومًا", "عدد السجلات: 1204") keeps its digits in order.
REORDERED = re.compile(r"[A-Za-z]|\+\s*[0-9]|[0-9][-/:.,+][0-9]|[0-9]-|-[0-9]")
UNICODE_ISOLATE = re.compile("[\u2066\u2067\u2068][^\u2069]*\u2069")
NONE_WORD = re.compile(r"(?<![\w-])None(?![\w-])")
SKIPPED = {"script", "style", "pre", "code", "textarea", "head", "title", "template", "noscript", "svg"}
INLINE = {"a", "span", "strong", "em", "b", "i", "label", "small", "button", "abbr", "u", "sub", "sup", "font",
          "mark", "q", "cite", "time", "var", "kbd", "samp", "s"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Codes no Arabic page may show bare: every code of the catalogue written in code style.
RAW_CODES = {code for family, entries in labels.FAMILIES.items() if family not in ("permission", "boolean")
             for code in entries if code.islower() or "_" in code}


class _Element:
    __slots__ = ("tag", "isolated", "texts", "skipped")

    def __init__(self, tag: str, isolated: bool, skipped: bool) -> None:
        self.tag, self.isolated, self.skipped = tag, isolated, skipped
        self.texts: list[tuple[str, bool]] = []  # (text, isolated) of its own and its children's runs


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack = [_Element("#root", False, False)]
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        parent = self.stack[-1]
        attributes = dict(attrs)
        # Only an inline element (a <bdi>, or a span with dir) sets a run apart from its paragraph;
        # a block with dir (even <html dir="rtl">) starts a paragraph whose runs are checked in it.
        if tag in INLINE or tag == "bdi":
            isolated = parent.isolated or tag == "bdi" or "dir" in attributes
        else:
            isolated = False
        skipped = parent.skipped or tag in SKIPPED or "hidden" in attributes or "sr-only" in (attributes.get("class") or "")
        if tag not in VOID:
            self.stack.append(_Element(tag, isolated, skipped))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                while len(self.stack) > depth:
                    self._close(self.stack.pop())
                return

    def handle_data(self, data):
        element = self.stack[-1]
        if element.skipped or not data.strip():
            return
        # A run between LEFT-TO-RIGHT ISOLATE and POP DIRECTIONAL ISOLATE is isolated (for <option>, which holds no tags).
        text = UNICODE_ISOLATE.sub("", data).strip()
        if not text:
            return
        if NONE_WORD.search(text):
            self.found.append(f"'None' shown: {text[:80]!r}")
        if text in RAW_CODES:
            self.found.append(f"raw code shown: {text!r}")
        element.texts.append((text, element.isolated))

    def _close(self, element: _Element) -> None:
        if element.skipped:
            return
        if element.tag in INLINE:
            self.stack[-1].texts.extend(element.texts)
            return
        # A block is a paragraph of its own for the bidirectional algorithm.
        whole = " ".join(text for text, _ in element.texts)
        if ARABIC.search(whole):
            for text, isolated in element.texts:
                if not isolated and REORDERED.search(text):
                    self.found.append(f"not isolated in <{element.tag}>: {text[:60]!r} in {whole[:120]!r}")

    def close(self):
        super().close()
        while len(self.stack) > 1:
            self._close(self.stack.pop())
        self._close(self.stack[0])


def problems(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.found
