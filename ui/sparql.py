"""SPARQL console: the query library, a read-only editor, readable results and W3C downloads.

The query is kept in the URL (``/sparql?query=…``) so it can be shared. Queries run through
``kg.sparql.console`` (read-only check, 10 s time limit, row cap), as ``python -m kg sparql`` does
without the cap.
"""

import pandas as pd
import streamlit as st

from kg.config import ONTOLOGY_NS as PCG
from kg.rdf.terms import id_from_iri, sparql_prologue
from kg.sparql.result_formats import FORMATS, serialize
from kg.store.bound_values import with_values
from kg.store.queries import library, runnable_library_query
from ui import common

LABELS_QUERY = """SELECT ?iri ?label ?kind ?provisionId WHERE {
  OPTIONAL { ?iri pcg:citation ?citation }
  OPTIONAL { ?iri rdfs:label ?rdfsLabel }
  OPTIONAL { ?iri skos:prefLabel ?prefLabel }
  OPTIONAL { ?iri dcterms:title ?title }
  OPTIONAL { ?iri a ?kind . FILTER(?kind IN (pcg:Provision, pcg:Instrument, pcg:Obligation)) }
  OPTIONAL { ?iri pcg:provision/dcterms:identifier ?provisionId }
  BIND(COALESCE(?citation, ?rdfsLabel, ?prefLabel, ?title) AS ?label)
}"""
MAX_LABELLED = 2000


def labels(iris: list[str]) -> dict[str, tuple[str, str | None]]:
    """IRI → (readable label, link into the app or None), from one query with the IRIs as VALUES."""
    from pyoxigraph import NamedNode

    from kg.store import read
    from kg.store.queries import select

    if not iris:
        return {}
    values = " ".join(str(NamedNode(i)) for i in iris[:MAX_LABELLED])
    query = with_values(LABELS_QUERY, {"iri": values})
    out: dict[str, tuple[str, str | None]] = {}
    for row in select(read.store(), query):
        label, link = out.get(row["iri"], (None, None))
        label = label or row["label"]
        entity_id = id_from_iri(row["iri"])
        if row["kind"] in (PCG + "Provision",) and entity_id:
            link = common.provision_link(entity_id)
        elif row["kind"] == PCG + "Instrument" and entity_id:
            link = common.instrument_link(entity_id)
        elif row["kind"] == PCG + "Obligation" and row["provisionId"]:
            link = common.provision_link(row["provisionId"])
        out[row["iri"]] = (label or row["iri"], link)
    return out


def frame(result) -> tuple[pd.DataFrame, list[str]]:
    """The results as a table, and the columns to show as links. An IRI the app can open is a link
    into the app ("/browse?…#label") in a column whose every value is one; anything else shows as
    text: its label, or the value itself. Nothing a query returns (a shared link chooses the query)
    becomes a link of its own: an IRI such as ``javascript:…`` or a literal stays text."""
    iris = sorted({b["value"] for row in result.bindings for b in row.values() if b["type"] == "uri"})
    named = labels(iris)
    cells, not_links = [], set()
    for binding in result.bindings:
        row = {}
        for var in result.variables:
            b = binding.get(var)
            if b is None:
                row[var] = None
            elif b["type"] == "uri":
                row[var] = named.get(b["value"], (b["value"], None))
            else:
                row[var] = (b["value"] if not isinstance(b["value"], dict) else str(b["value"]), None)
            if row[var] is not None and row[var][1] is None:
                not_links.add(var)
        cells.append(row)
    links = [v for v in result.variables if v not in not_links and any(r[v] is not None for r in cells)]
    table = pd.DataFrame([{v: None if r[v] is None else f"{r[v][1]}#{r[v][0]}" if v in links else r[v][0]
                           for v in result.variables} for r in cells], columns=result.variables)
    return table, links


def load_library_query() -> None:
    name = st.session_state.get("library_choice")
    if name:
        st.session_state["query_text"] = runnable_library_query(name)
        st.query_params["query"] = st.session_state["query_text"]


st.title("SPARQL console")
st.caption("Read-only SPARQL 1.1 over the whole graph (the union of all named graphs). These prefixes are "
           "declared for you: " + ", ".join(f"`{line.split()[1]}`" for line in sparql_prologue().splitlines())
           + ". Updates, LOAD/CLEAR/DROP and SERVICE are refused; queries stop after 10 s or "
           f"{5000:,} rows (use `python -m kg sparql` for no cap).")

with common.friendly_errors():
    common.build_id()
    queries = {q["name"]: q for q in library()}
    if "query_text" not in st.session_state:
        st.session_state["query_text"] = st.query_params.get("query") or runnable_library_query("instruments")
    st.selectbox("Start from a library query", [""] + list(queries), key="library_choice",
                 format_func=lambda n: queries[n]["title"] if n else "— choose —", on_change=load_library_query)
    choice = st.session_state.get("library_choice")
    if choice:
        st.caption(queries[choice]["description"])
    text = st.text_area("Query", key="query_text", height=320)
    run_clicked = st.button("Run query", type="primary")
    if run_clicked or "query" in st.query_params:
        from kg.sparql.console import APP_ROW_CAP, APP_TIMEOUT_S, run

        st.query_params["query"] = text
        result = run(text, row_cap=APP_ROW_CAP, timeout=APP_TIMEOUT_S)
        if result.form == "ask":
            st.markdown(f"**Answer:** `{'true' if result.boolean else 'false'}`")
        else:
            st.caption(f"{len(result.bindings):,} row(s) in {result.seconds:.2f} s")
            if result.truncated:
                st.warning(result.limit_message())
            table, link_columns = frame(result)
            st.dataframe(table, hide_index=True, use_container_width=True,
                         column_config={c: st.column_config.LinkColumn(c, display_text=r"#(.+)$")
                                        for c in link_columns})
            st.markdown("Links open provisions, instruments and obligations in the app.")
        columns = st.columns(len(FORMATS))
        for column, fmt in zip(columns, FORMATS.values()):
            column.download_button(f"Download {fmt.label}", serialize(result, fmt.name),
                                   file_name=f"results.{fmt.extension}", mime=fmt.media_type,
                                   key=f"download-{fmt.name}")
        st.caption("CSV (for spreadsheets) writes a cell that a spreadsheet would run as a formula (one "
                   "starting with =, +, -, @) as text. The SPARQL formats are the exact W3C results formats, "
                   "for programs: they keep every value as it is in the graph.")
