"""Query results in the W3C SPARQL 1.1 Query Results formats (one registry entry per format).

CSV, TSV, JSON and XML are written by pyoxigraph's own serialisers from the SPARQL JSON of a
``QueryResult``, so they follow the W3C specifications (TSV keeps datatypes and language tags;
CSV keeps plain values). ``csv`` is for spreadsheets: a value that starts like a formula is
written as text (kg.spreadsheet); ``sparql-csv`` is the exact W3C CSV, for programs. ``table`` is
an aligned text table for terminals.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, parse_query_results

from kg.errors import UnknownFormatError
from kg.spreadsheet import neutralise_csv
from kg.sparql.execution import QueryResult


@dataclass(frozen=True)
class ResultsFormat:
    name: str
    label: str
    media_type: str
    extension: str
    oxigraph: QueryResultsFormat


FORMATS = {f.name: f for f in (
    ResultsFormat("csv", "CSV (for spreadsheets)", "text/csv", "csv", QueryResultsFormat.CSV),
    ResultsFormat("sparql-csv", "SPARQL CSV", "text/csv", "csv",
                  QueryResultsFormat.CSV),
    ResultsFormat("tsv", "SPARQL TSV", "text/tab-separated-values", "tsv", QueryResultsFormat.TSV),
    ResultsFormat("json", "SPARQL JSON", "application/sparql-results+json", "srj", QueryResultsFormat.JSON),
    ResultsFormat("xml", "SPARQL XML", "application/sparql-results+xml", "srx", QueryResultsFormat.XML),
)}


def results_format(name: str) -> ResultsFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise UnknownFormatError(f"unknown results format '{name}'; choose one of: {', '.join(FORMATS)}") from None


def serialize(result: QueryResult, name: str) -> bytes:
    """The result in format ``name``; ``csv`` is the W3C CSV with formula-like cells neutralised for
    spreadsheets (kg.spreadsheet), ``sparql-csv`` the exact W3C CSV."""
    fmt = results_format(name)
    parsed = parse_query_results(json.dumps(result.sparql_json()).encode("utf-8"), format=QueryResultsFormat.JSON)
    data = parsed.serialize(format=fmt.oxigraph)
    if name == "csv":
        return neutralise_csv(data.decode("utf-8")).encode("utf-8")
    return data


def cell(binding: dict | None) -> str:
    if binding is None:
        return ""
    if binding["type"] == "uri":
        return f"<{binding['value']}>"
    if binding["type"] == "bnode":
        return f"_:{binding['value']}"
    return binding["value"] if not isinstance(binding["value"], dict) else json.dumps(binding["value"])


def table(result: QueryResult, width: int = 60) -> str:
    """An aligned plain-text table (cells cut at ``width`` characters)."""
    if result.form == "ask":
        return "true" if result.boolean else "false"
    rows = [[cell(b.get(v)).replace("\n", " ")[:width] for v in result.variables] for b in result.bindings]
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(result.variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)
