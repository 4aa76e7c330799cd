"""How many SMS parts a text costs: GSM-7 when every character is in the GSM 03.38 set, UCS-2 otherwise.

GSM-7: 160 characters in one SMS; a longer text is split in parts of 153 (each part carries
a header). Characters of the extension table (^ { } \\ [ ~ ] | €) take two places. UCS-2
(any Arabic letter): 70 characters in one SMS, parts of 67; characters outside the Basic
Multilingual Plane (emoji) take two places.
"""
from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7 = "gsm7"
UCS2 = "ucs2"
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class SmsCost:
    encoding: str  # "gsm7" or "ucs2"
    length: int  # characters as the network counts them
    parts: int
    per_part: int  # characters each part holds at this length


def encoding_of(text: str) -> str:
    return GSM7 if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text) else UCS2


def sms_cost(text: str) -> SmsCost:
    """The encoding, counted length and parts of `text`; an empty text costs no part."""
    encoding = encoding_of(text)
    if encoding == GSM7:
        length = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
    else:
        length = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
    single, multi = LIMITS[encoding]
    if length == 0:
        return SmsCost(encoding, 0, 0, single)
    if length <= single:
        return SmsCost(encoding, length, 1, single)
    return SmsCost(encoding, length, -(-length // multi), multi)
