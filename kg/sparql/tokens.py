"""The SPARQL 1.1 terminals (https://www.w3.org/TR/sparql11-query/#terminals), for the read-only check.

A query is read token by token exactly as the grammar's terminals say, strings, IRIs, prefixed
names with their escapes (``ex:a\\#b`` is one name, not a name and a comment) and comments
included. What the check decides on is then the text Oxigraph executes: the query with its
comments blanked out (line and column kept), made only of the tokens read here, so the engine
cannot see a keyword the check did not see. Anything that is not a terminal stops the reading: the
check fails closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PN_CHARS_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
                 "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
PN_CHARS_U = PN_CHARS_BASE + "_"
PN_CHARS = PN_CHARS_U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
PN_PREFIX = rf"[{PN_CHARS_BASE}](?:[{PN_CHARS}.]*[{PN_CHARS}])?"
PN_LOCAL = rf"(?:[{PN_CHARS_U}:0-9]|{PLX})(?:(?:[{PN_CHARS}.:]|{PLX})*(?:[{PN_CHARS}:]|{PLX}))?"
VARNAME = rf"[{PN_CHARS_U}0-9][{PN_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"
ECHAR = r"\\[tbnrf\\\"']"
EXPONENT = r"[eE][+-]?[0-9]+"

TERMINALS = [  # (kind, pattern): the first that matches at a position wins, as in the grammar's order
    ("WS", r"[ \t\r\n]+"),
    ("COMMENT", r"#[^\r\n]*"),
    ("STRING", rf'"""(?:(?:"|"")?(?:[^"\\]|{ECHAR}))*"""'),
    ("STRING", rf"'''(?:(?:'|'')?(?:[^'\\]|{ECHAR}))*'''"),
    ("STRING", rf'"(?:[^"\\\n\r]|{ECHAR})*"'),
    ("STRING", rf"'(?:[^'\\\n\r]|{ECHAR})*'"),
    ("IRIREF", r'<[^<>"{}|^`\\\x00-\x20]*>'),
    ("PNAME", rf"(?:{PN_PREFIX})?:(?:{PN_LOCAL})?"),
    ("BLANK_NODE_LABEL", rf"_:[{PN_CHARS_U}0-9](?:[{PN_CHARS}.]*[{PN_CHARS}])?"),
    ("VAR", rf"[?$]{VARNAME}"),
    ("LANGTAG", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("NUMBER", rf"[0-9]+\.[0-9]*{EXPONENT}|\.[0-9]+{EXPONENT}|[0-9]+{EXPONENT}|[0-9]*\.[0-9]+|[0-9]+"),
    ("KEYWORD", r"[A-Za-z][A-Za-z0-9_]*"),
    ("PUNCT", r"\^\^|&&|\|\||!=|<=|>=|<<|>>|\{\||\|\}|[{}()\[\];,.=<>!+\-*/^|?]"),
]
TOKEN_RE = re.compile("|".join(f"(?P<{kind}{n}>{pattern})" for n, (kind, pattern) in enumerate(TERMINALS)))
OPEN, CLOSE = "{([", "})]"


@dataclass(frozen=True)
class Token:
    kind: str  # one of the TERMINALS kinds (WS and COMMENT are dropped)
    text: str
    start: int  # offset in the query text

    @property
    def keyword(self) -> str | None:
        return self.text.upper() if self.kind == "KEYWORD" else None


class UnreadableQuery(ValueError):
    """The text holds something that is no SPARQL terminal (or an unclosed string, IRI or bracket)."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


def tokens(text: str) -> list[Token]:
    """The query's terminals in order, comments and white space left out."""
    out: list[Token] = []
    position = 0
    while position < len(text):
        m = TOKEN_RE.match(text, position)
        if m is None or m.end() == position:
            raise UnreadableQuery(_unreadable(text, position), position)
        kind = re.sub(r"\d+$", "", m.lastgroup)
        if kind not in ("WS", "COMMENT"):
            out.append(Token(kind, m.group(0), position))
        position = m.end()
    return out


def _unreadable(text: str, position: int) -> str:
    char = text[position]
    if char in "\"'":
        return "a string opened here is not closed on its line"
    if char == "<":
        return "an IRI opened here is not closed by '>' (IRIs hold no spaces)"
    return f"{char!r} is not part of any SPARQL token"


def without_comments(text: str, read: list[Token]) -> str:
    """The text made only of the tokens read: every character outside them becomes a space, line
    breaks kept, so line and column numbers stay those of the original."""
    chars = [c if c in "\r\n" else " " for c in text]
    for token in read:
        chars[token.start : token.start + len(token.text)] = token.text
    return "".join(chars)


def nesting_depth(read: list[Token]) -> tuple[int, int]:
    """The deepest nesting of brackets and where it is reached; UnreadableQuery if they do not match."""
    stack: list[Token] = []
    deepest, at = 0, 0
    for token in read:
        if token.kind != "PUNCT":
            continue
        if token.text in OPEN or token.text == "{|":
            stack.append(token)
            if len(stack) > deepest:
                deepest, at = len(stack), token.start
        elif token.text in CLOSE or token.text == "|}":
            if not stack:
                raise UnreadableQuery(f"{token.text!r} closes nothing", token.start)
            stack.pop()
    if stack:
        raise UnreadableQuery(f"{stack[-1].text!r} opened here is never closed", stack[-1].start)
    return deepest, at


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
