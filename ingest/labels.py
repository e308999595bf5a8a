"""Paragraph and point labels: what kind each is, and how it appears in ids and citations."""

from __future__ import annotations

import re

ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
ROMAN_RE = re.compile(r"^(x{0,3})(ix|iv|v?i{0,3})$")

NUM_DOT = "num-dot"  # 1.
NUM_PAREN = "num-paren"  # (1), (2A)
ALPHA_PAREN = "alpha-paren"  # (a), (ja)
ROMAN_PAREN = "roman-paren"  # (i), (iv)
UPPER_PAREN = "upper-paren"  # (A)
ALPHA_BRACKET = "alpha-bracket"  # a)
NUM_BARE = "num-bare"  # 1  (schedule paragraph on its own line)

LABEL_RE = re.compile(
    r"^(?P<label>\((?P<paren>\d+[A-Za-z]{0,2}|[a-z]{1,4}|[A-Z]{1,2})\)|(?P<dot>\d+[a-z]?)\.|(?P<bracket>[a-z]{1,2})\))"
    r"(?:\s+|$)"
)


def is_roman(token: str) -> bool:
    return bool(token) and bool(ROMAN_RE.match(token))


def roman_to_int(token: str) -> int:
    total, prev = 0, 0
    for ch in reversed(token.lower()):
        value = ROMAN_VALUES[ch]
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total


def previous_letter(token: str) -> str | None:
    """The alphabetical predecessor of a one-letter label: 'i' → 'h'."""
    if len(token) == 1 and token.isalpha() and token not in "aA":
        return chr(ord(token) - 1)
    return None


def match_label(line: str) -> tuple[str, str, str, int] | None:
    """Return (printed label, id number, candidate kind, offset of the text after it) or None."""
    m = LABEL_RE.match(line)
    if not m:
        return None
    printed = m.group("label")
    if m.group("paren") is not None:
        token = m.group("paren")
        if token[0].isdigit():
            kind = NUM_PAREN
        elif token.isupper():
            kind = UPPER_PAREN
        elif is_roman(token):
            kind = ROMAN_PAREN  # may be re-read as a letter by the parser (e.g. (i) after (h))
        else:
            kind = ALPHA_PAREN
    elif m.group("dot") is not None:
        token, kind = m.group("dot"), NUM_DOT
    else:
        token, kind = m.group("bracket"), ALPHA_BRACKET
    return printed, token.lower(), kind, m.end()


def roman_upper(number: int) -> str:
    pairs = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
             (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for value, sym in pairs:
        while number >= value:
            out.append(sym)
            number -= value
    return "".join(out)


def parse_number(token: str) -> int | None:
    """Arabic or upper-case Roman numeral → int ('IV' → 4, '12' → 12)."""
    if token.isdigit():
        return int(token)
    if is_roman(token.lower()):
        return roman_to_int(token)
    return None
