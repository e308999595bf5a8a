"""Values bound into a query's text: a ``VALUES`` block at the start of its outer group. The
SPARQL protocol has no equivalent of Oxigraph's ``substitutions``, so a remote store
(kg.store.remote) receives bound values this way, and a library query's example values are written
in this way for a researcher to run (kg.store.queries)."""

from __future__ import annotations

import re

HEADER_LINES_RE = re.compile(r"\A(?:[ \t]*(?:#[^\n]*)?\n)*")


def with_values(query: str, bindings: dict) -> str:
    """``VALUES ?var { term }`` for each binding, first in the query's outer ``{ … }``. Terms are
    written by pyoxigraph (``str(term)`` is N-Triples syntax, escaped), never pasted text."""
    if not bindings:
        return query
    values = "".join(f"\n  VALUES ?{getattr(var, 'value', var)} {{ {term} }}" for var, term in bindings.items())
    body = len(query) - len(HEADER_LINES_RE.sub("", query, count=1))  # skip the header comments
    where = query.upper().find("WHERE", body)
    brace = query.index("{", where if where >= 0 else body)
    return query[:brace + 1] + values + query[brace + 1:]
