"""Read-only guard for SPARQL typed by people: parse first, refuse what could change or leave the graph.

The check works on the parsed query, not on the raw string: rdflib's SPARQL parser says whether
the text is a query (SELECT, ASK, CONSTRUCT, DESCRIBE) or an update (INSERT, DELETE, LOAD, CLEAR,
DROP, CREATE, ADD, MOVE, COPY), and the parse tree is walked for ``SERVICE`` at any depth,
subqueries included. Oxigraph is the engine, so a query rdflib cannot parse is handed to
Oxigraph's parser (on an empty in-memory store) for a positioned syntax error; if Oxigraph
accepts what rdflib could not read, a token scan (strings, IRIs and comments removed) still
refuses ``SERVICE``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.errors import ForbiddenQueryError, QuerySyntaxError

READ_FORMS = {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "construct",
              "DescribeQuery": "describe"}
UPDATE_KEYWORDS = {"InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
                   "Modify": "INSERT/DELETE … WHERE", "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP",
                   "Create": "CREATE", "Add": "ADD", "Move": "MOVE", "Copy": "COPY"}
READ_ONLY_HINT = ("the SPARQL console, `kg sparql` and `kg serve` only read the graph (change the data through "
                  "the sources and `python -m kg build`)")
SERVICE_REFUSED = ("SERVICE (a federated query to another endpoint) is not allowed: queries here run over "
                   "this graph only")
POSITION_RE = re.compile(r"error at (\d+):(\d+)")
# what a token scan must skip: IRIs, strings (long and short) and comments
NON_CODE_RE = re.compile(r'<[^<>"{}|^`\\\s]*>|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
                         r"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    form: str  # select, ask, construct or describe


def check_read_only(text: str) -> CheckedQuery:
    """The query's form if it is a read-only query; ForbiddenQueryError or QuerySyntaxError otherwise."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    if not text or not text.strip():
        raise QuerySyntaxError("the query is empty")
    try:
        tree = parseQuery(text)
    except ParseException as err:
        tree, first_error = None, err
    if tree is not None:
        query = tree[1]
        if _contains(tree, "ServiceGraphPattern"):
            raise ForbiddenQueryError(SERVICE_REFUSED)
        return CheckedQuery(text, READ_FORMS.get(query.name, "select"))
    try:
        update = parseUpdate(text)
    except ParseException:
        update = None
    if update is not None and update.request:
        names = sorted({UPDATE_KEYWORDS.get(op.name, op.name) for op in update.request})
        raise ForbiddenQueryError(f"{', '.join(names)} is an update, and updates are not allowed: {READ_ONLY_HINT}")
    return CheckedQuery(text, _oxigraph_check(text, (first_error.lineno, first_error.col)))


def _contains(node, name: str) -> bool:
    if getattr(node, "name", None) == name:
        return True
    if isinstance(node, dict):
        return any(_contains(v, name) for v in node.values())
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return any(_contains(v, name) for v in node)
    return False


def _oxigraph_check(text: str, position: tuple[int, int] | None = None) -> str:
    """Oxigraph's own parser: a positioned error, or the form of a query rdflib could not read."""
    from pyoxigraph import QueryBoolean, QuerySolutions, Store

    from kg.namespaces import prefixes

    code = NON_CODE_RE.sub(" ", text)
    if re.search(r"\bSERVICE\b", code, re.IGNORECASE):
        raise ForbiddenQueryError(SERVICE_REFUSED)
    for keyword in ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP"):
        if re.search(rf"\b{keyword}\b", code, re.IGNORECASE):
            raise ForbiddenQueryError(f"{keyword} is not allowed: {READ_ONLY_HINT}")
    try:
        result = Store().query(text, prefixes=prefixes())  # empty store: parses, evaluates nothing
    except SyntaxError as err:
        raise syntax_error(text, str(err), position) from None
    if isinstance(result, QueryBoolean):
        return "ask"
    return "select" if isinstance(result, QuerySolutions) else "construct"


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
