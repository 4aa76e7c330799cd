"""Turning digits typed on Arabic keyboards into ASCII digits before validation."""
from __future__ import annotations

# Arabic-Indic (U+0660..) and Extended/Persian (U+06F0..) digits mean the same
# numbers as 0-9; the Arabic decimal separator (U+066B) means ".".
_TO_ASCII = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "\u066b": ".",
    }
)


def to_ascii_digits(text: str) -> str:
    """Return `text` with Arabic-Indic digits and decimal separator as ASCII."""
    return text.translate(_TO_ASCII)
