"""Running a query that has passed the read-only check (kg.sparql.read_only), in this process,
and reading its answer as plain data: a :class:`QueryResult` of SPARQL 1.1 JSON bindings, so the
query worker's answer (kg.sparql.worker), the app's table and the download formats
(kg.sparql.result_formats) all read the same structure.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, Triple

from kg.sparql.read_only import reading_position, syntax_error
from kg.rdf.terms import XSD, prefixes

XSD_STRING = XSD + "string"
TRIPLE_VARIABLES = ["subject", "predicate", "object"]


@dataclass
class QueryResult:
    form: str  # select, ask, construct, describe
    variables: list[str] = field(default_factory=list)
    bindings: list[dict] = field(default_factory=list)  # SPARQL JSON: {var: {"type", "value", …}}
    boolean: bool | None = None
    truncated: bool = False
    row_cap: int | None = None
    seconds: float = 0.0

    def sparql_json(self) -> dict:
        if self.form == "ask":
            return {"head": {}, "boolean": bool(self.boolean)}
        return {"head": {"vars": self.variables}, "results": {"bindings": self.bindings}}

    def limit_message(self) -> str | None:
        if not self.truncated:
            return None
        return (f"Row cap of {self.row_cap:,} reached — add LIMIT/OFFSET to page through the results, "
                f"or use `python -m kg sparql` (no cap).")

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("form", "variables", "bindings", "boolean", "truncated", "row_cap",
                                              "seconds")}


def term_json(term) -> dict:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, Triple):
        return {"type": "triple", "value": {k: term_json(getattr(term, k)) for k in TRIPLE_VARIABLES}}
    return {"type": "literal", "value": str(term)}


def collect(results, form: str, row_cap: int | None) -> QueryResult:
    """Read a pyoxigraph result (solutions, boolean or triples) up to ``row_cap`` rows."""
    if isinstance(results, (QueryBoolean, bool)):
        return QueryResult("ask", boolean=bool(results))
    if isinstance(results, QuerySolutions):
        variables = [v.value for v in results.variables]
        rows = ({v: row[v] for v in variables} for row in results)
    else:
        form = form if form in ("construct", "describe") else "construct"
        variables = TRIPLE_VARIABLES
        rows = ({"subject": t.subject, "predicate": t.predicate, "object": t.object} for t in results)
    out = QueryResult(form if form != "ask" else "select", variables, row_cap=row_cap)
    for row in rows:
        if row_cap is not None and len(out.bindings) >= row_cap:
            out.truncated = True
            break
        out.bindings.append({k: term_json(v) for k, v in row.items() if v is not None})
    return out


def execute(store, text: str, form: str, row_cap: int | None, timeout: float | None = None,
            own_dataset: bool = False) -> QueryResult:
    """Run an already checked query on ``store`` (embedded or remote) in this process: over the union
    of the named graphs, unless the query names its own dataset with FROM."""
    started = time.perf_counter()
    kwargs = {"timeout": timeout} if timeout is not None and not hasattr(store, "bulk_extend") else {}
    try:
        results = store.query(text, prefixes=prefixes(), use_default_graph_as_union=not own_dataset, **kwargs)
    except SyntaxError as err:
        raise syntax_error(text, str(err), reading_position(text)) from None
    out = collect(results, form, row_cap)
    out.seconds = time.perf_counter() - started
    return out
