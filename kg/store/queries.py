"""Running SPARQL against the built store: named library queries, bound values, plain rows.

User-supplied values are always passed as bindings (``substitutions``), never pasted into
query text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Store, Variable

from kg.config import QUERIES_DIR
from kg.rdf.terms import XSD, entity, prefixes
from kg.store.bound_values import with_values

INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger")}
HEADER_RE = re.compile(r"^#\s*(\w+):\s*(.*)$")
READERS_DIR = QUERIES_DIR / "readers"


@lru_cache(maxsize=None)
def library_query(name: str) -> str:
    """A researcher's library query (``kg/queries/NAME.rq``) or one of the app's readers
    (``kg/queries/readers/NAME.rq``: bulk reads with bound values, kept out of the library)."""
    for folder in (QUERIES_DIR, READERS_DIR):
        if (folder / f"{name}.rq").is_file():
            return (folder / f"{name}.rq").read_text(encoding="utf-8")
    raise FileNotFoundError(f"no query named {name!r} in {QUERIES_DIR}")


def query_header(text: str) -> dict[str, str]:
    """``# title:`` / ``# description:`` comment lines at the top of a .rq file."""
    header, key = {}, None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = HEADER_RE.match(line)
        if m:
            key = m.group(1)
            header[key] = m.group(2).strip()
        elif key:
            header[key] += " " + line.lstrip("# ").strip()
    return header


def to_python(term):
    if term is None:
        return None
    if isinstance(term, Literal):
        datatype = term.datatype.value
        if datatype in INTEGER_TYPES:
            return int(term.value)
        if datatype == XSD + "boolean":
            return term.value == "true"
        if datatype in (XSD + "decimal", XSD + "double", XSD + "float"):
            return float(term.value)
        return term.value
    if isinstance(term, (NamedNode, BlankNode)):
        return term.value
    return str(term)


def select(store: Store, query: str, bindings: dict | None = None) -> list[dict]:
    substitutions = {Variable(k): v for k, v in (bindings or {}).items()}
    solutions = store.query(query, prefixes=prefixes(), use_default_graph_as_union=True,
                            substitutions=substitutions)
    assert isinstance(solutions, QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{name: to_python(row[name]) for name in names} for row in solutions]


def library() -> list[dict]:
    """The query library: every ``kg/queries/*.rq`` with its name, title, description and example."""
    out = []
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        header = query_header(library_query(path.stem))
        out.append({"name": path.stem, "title": header.get("title", path.stem),
                    "description": header.get("description", ""), "example": header.get("example", "")})
    return out


def example_bindings(text: str) -> dict[str, NamedNode]:
    """``# example: provision=uk-msa-2015/s54`` → {"provision": <…/id/uk-msa-2015/s54>}."""
    pairs = (part.split("=", 1) for part in query_header(text).get("example", "").split() if "=" in part)
    return {name: entity(value) for name, value in pairs}


def runnable_library_query(name: str) -> str:
    """A library query as a researcher would run it: its example values written in as VALUES."""
    text = library_query(name)
    return with_values(text, example_bindings(text))


def select_named(store: Store, name: str, **bindings) -> list[dict]:
    """Run ``kg/queries/<name>.rq`` with ids bound as instance IRIs."""
    terms = {k: entity(v) if isinstance(v, str) else v for k, v in bindings.items()}
    return select(store, library_query(name), terms)
