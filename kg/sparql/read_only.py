"""Read-only check for SPARQL typed by people: refuse what could change the graph or leave it.

The check reads the query's terminals (:mod:`kg.sparql.tokens`) and refuses a query that holds an
update keyword (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY, WITH) or ``SERVICE``
(a federated query: a request to any server the query names) anywhere. Keywords of the language are
bare words, so a keyword the engine could act on is a token here. The text that then runs is the
one read: the query with its comments blanked out (``CheckedQuery.text``), so what Oxigraph parses
is made only of the tokens checked. The check fails closed: a text it cannot read token by token,
brackets that do not match, codepoint escapes (``\u0053``: SPARQL decodes them before parsing, so
they could spell a keyword), a query nested deeper than ``MAX_DEPTH`` or longer than ``MAX_CHARS``
is refused with the reason and its place. Nothing is evaluated while checking; the engine's own
syntax errors come from running the checked text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import ForbiddenQueryError, QuerySyntaxError
from kg.sparql.tokens import UnreadableQuery, line_and_column, nesting_depth, tokens, without_comments

UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
QUERY_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "construct", "DESCRIBE": "describe"}
READ_ONLY_HINT = ("the SPARQL console, `kg sparql` and `kg serve` only read the graph (change the data through "
                  "the sources and `python -m kg build`)")
SERVICE_REFUSED = ("SERVICE (a federated query to another endpoint) is not allowed: queries here run over "
                   "this graph only")
UNDECODABLE_RE = re.compile("[\ud800-\udfff]")
MAX_CHARS = 200_000  # a query this long is a mistake or an attack; the whole library's longest is 3 kB
MAX_DEPTH = 32  # groups, brackets and parentheses nested deeper than this: the engine's parser recurses
CODEPOINT_ESCAPE_RE = re.compile(r"\\[uU]")
POSITION_RE = re.compile(r"error at (\d+):(\d+)")


@dataclass(frozen=True)
class CheckedQuery:
    text: str  # what runs: the query's tokens, comments blanked out (positions unchanged)
    form: str  # select, ask, construct or describe
    # the query names its own dataset (FROM / FROM NAMED): it runs over those graphs, not over the
    # union of all graphs that queries read by default
    own_dataset: bool = False


def check_read_only(text: str) -> CheckedQuery:
    """The checked text and form of a read-only query; ForbiddenQueryError or QuerySyntaxError otherwise."""
    if not text or not text.strip():
        raise QuerySyntaxError("the query is empty")
    if len(text) > MAX_CHARS:
        raise QuerySyntaxError(f"the query is {len(text):,} characters long; queries up to {MAX_CHARS:,} are "
                               "accepted (put long lists of values in a VALUES block of fewer rows, or in several "
                               "queries)")
    undecodable = UNDECODABLE_RE.search(text)
    if undecodable:
        # a lone surrogate is what Python makes of bytes that are not UTF-8 (a command-line argument,
        # a file read with errors="surrogateescape"); no engine can be given it
        raise _unreadable(text, "the query is not valid UTF-8 text here; save or type it as UTF-8",
                          undecodable.start())
    escape = CODEPOINT_ESCAPE_RE.search(text)
    if escape:
        raise _unreadable(text, "codepoint escapes such as \\u0041 are not accepted: write the character itself",
                          escape.start())
    try:
        read = tokens(text)
        depth, deepest_at = nesting_depth(read)
    except UnreadableQuery as err:
        raise _unreadable(text, str(err), err.offset) from None
    keywords = [(t.keyword, t) for t in read if t.keyword]
    service = next((t for k, t in keywords if k == "SERVICE"), None)
    if service is not None:
        raise ForbiddenQueryError(SERVICE_REFUSED + _at(text, service.start))
    updates = sorted({k for k, _ in keywords if k in UPDATE_KEYWORDS})
    if updates:
        raise ForbiddenQueryError(f"{', '.join(updates)}: updates are not allowed: {READ_ONLY_HINT}")
    if depth > MAX_DEPTH:
        raise _unreadable(text, f"brackets nested {depth} deep; up to {MAX_DEPTH} levels are accepted "
                                "(write the pattern flatter)", deepest_at)
    form = next((QUERY_FORMS[k] for k, _ in keywords if k in QUERY_FORMS), None)
    if form is None:
        raise QuerySyntaxError("this is not a query: it has no SELECT, ASK, CONSTRUCT or DESCRIBE")
    return CheckedQuery(without_comments(text, read), form, any(k == "FROM" for k, _ in keywords))


def reading_position(text: str) -> tuple[int, int] | None:
    """Where a second, independent parser (rdflib's) stops reading a query the engine refused: the
    start of the clause at fault, usually nearer the mistake than the engine's furthest position.
    Only for the message: it evaluates nothing, and the text was already checked."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(text)
    except ParseException as err:
        return err.lineno, err.col
    except Exception:  # noqa: BLE001 — any other failure: no better position than the engine's
        return None
    return None


def _at(text: str, offset: int) -> str:
    line, column = line_and_column(text, offset)
    return f" (line {line}, column {column})"


def _unreadable(text: str, reason: str, offset: int) -> QuerySyntaxError:
    return syntax_error(text, reason, line_and_column(text, offset))


def syntax_error(text: str, message: str, position: tuple[int, int] | None = None) -> QuerySyntaxError:
    """``line L, column C: message`` and the offending line with a caret under the column.

    ``position`` is where rdflib's parser could no longer read (the start of the clause at
    fault), which is usually nearer the mistake than Oxigraph's furthest-read position."""
    m = POSITION_RE.search(message)
    detail = POSITION_RE.sub("", message).strip(" :")
    expected = detail.removeprefix("expected one of ").split(", ")
    if detail.startswith("expected one of ") and len(expected) > 6:
        detail = "expected one of " + ", ".join(expected[:6]) + ", …"
    if position is None and m:
        position = (int(m.group(1)), int(m.group(2)))
    if position is None:
        return QuerySyntaxError(f"syntax error: {detail}")
    line, column = position
    lines = text.splitlines() or [""]
    source = lines[min(line, len(lines)) - 1]
    caret = " " * max(column - 1, 0) + "^"
    return QuerySyntaxError(f"syntax error at line {line}, column {column} (the query cannot be read from here; "
                            f"{detail})\n{line:>4} | {source}\n     | {caret}")
