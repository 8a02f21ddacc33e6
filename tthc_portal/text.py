"""What text the portal stores, decided once where text comes in.

Stored text is valid Unicode that every writer (XML of .xlsx and .docx, PDF, JSON, PostgreSQL)
can print: no control characters but line break and tab, no lone surrogates (a JSON file can
hold "\\ud800"), no non-characters (U+FFFE, U+FFFF, U+FDD0–U+FDEF and the last two code points
of every plane), which XML refuses or which mean "not a character". They are removed, silently:
nobody types them on purpose (they come with pasted text), and nothing the officer can see is lost.
A carriage return becomes a line break.

Where text comes in: the browser's form fields (middleware.CleanTextMiddleware), the uploaded
or imported files (reports.interchange.parse_json, the Excel reader) and the services that store
free text (rules.clean_text, which also trims).
"""
import re

_REFUSED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
    + "]"
)


def clean(value):
    """`value` as the portal stores it (not trimmed)."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return _REFUSED.sub("", text)


def is_clean(value):
    return "\r" not in value and _REFUSED.search(value) is None
