"""Overview: what is in the graph, how complete each text is and which version we hold,
provisions per instrument, and a map of the references between instruments."""

import math
from collections import Counter

import altair as alt
import pandas as pd
import streamlit as st

from ui import charts, common

# Graphviz, not the Altair drawing of the Coordination gaps page: these edges have a direction and
# a count, and Graphviz lays out a directed graph with arrowheads, edge labels, tooltips and
# clickable nodes; Streamlit renders the DOT source in the browser, so no package is added.
NODE_STYLE = ('shape=box, style="rounded,filled", fillcolor="#e8f0f7", color="#1f5f8b", fontname="Helvetica", '
              'fontsize=11')
EDGE_STYLE = 'color="#1f5f8bAA", fontname="Helvetica", fontsize=10, fontcolor="#1f5f8b", arrowsize=0.7'

if "provision" in st.query_params or "instrument" in st.query_params:
    # a shared link of the form /?provision=… opens the provision view
    st.switch_page("ui/browse.py", query_params=dict(st.query_params))


def dot_text(*lines) -> str:
    """A DOT string literal: quotes and backslashes escaped, one DOT line break between ``lines``."""
    escaped = [" ".join(str(line).split()).replace("\\", "\\\\").replace('"', '\\"') for line in lines]
    return '"' + "\\n".join(escaped) + '"'


def reference_counts(references: list[dict]) -> Counter:
    """(citing instrument, cited instrument) → number of provision-level references."""
    return Counter((r["citing_instrument"], r["cited_instrument"]) for r in references
                   if r["citing_instrument"] != r["cited_instrument"])


def references_network(counts: Counter, instruments: dict[str, dict]) -> str:
    """DOT source: one node per instrument that cites or is cited, one arrow per citing → cited
    pair, labelled with its number of references; hovering says what it is, clicking opens it."""
    cites, cited = Counter(), Counter()
    for (a, b), n in counts.items():
        cites[a] += n
        cited[b] += n

    def name(iid: str) -> str:
        return instruments.get(iid, {}).get("shortTitle", iid)

    lines = ["digraph references {", "  rankdir=LR; bgcolor=transparent; nodesep=0.3; ranksep=1.1;",
             f"  node [{NODE_STYLE}];", f"  edge [{EDGE_STYLE}];"]
    for iid in sorted(set(cites) | set(cited)):
        row = instruments.get(iid, {})
        tip = (f"{row.get('title', iid)}. It cites other instruments {cites[iid]} time(s) and is cited by them "
               f"{cited[iid]} time(s). Click to browse it.")
        lines.append(f"  {dot_text(iid)} [label={dot_text(name(iid), row.get('jurisdiction', ''))}, "
                     f"tooltip={dot_text(tip)}, URL={dot_text(common.instrument_link(iid))}, target=\"_self\"];")
    for (a, b), n in sorted(counts.items()):
        tip = f"{name(a)} cites {name(b)}: {n} provision-level reference(s)"
        width = 1 + 1.2 * math.log1p(n)  # a hundred references should not hide a single one
        lines.append(f"  {dot_text(a)} -> {dot_text(b)} [label={dot_text(n)}, penwidth={width:.1f}, "
                     f"tooltip={dot_text(tip)}, labeltooltip={dot_text(tip)}];")
    return "\n".join(lines + ["}"])


def versions(frame: pd.DataFrame) -> None:
    """Which version of each text the graph holds: a consolidated text and a text as adopted
    answer different questions, so the note is shown, not hidden in a table cell."""
    noted = frame[frame["versionNote"].fillna("").astype(str).str.len() > 0]
    st.markdown("\n".join(
        f"- **{common.md(r.shortTitle)}** ({common.md(r.jurisdiction)}"
        + (f", text of {common.md(r.versionDate)}" if pd.notna(r.versionDate) else "")
        + f"): {common.md(r.versionNote)}"
        for r in noted.itertuples()))


st.title("Policy Coherence Graph")
st.markdown(
    "A knowledge graph of anti-trafficking and financial-sector law: every provision with a stable "
    "id, its exact text and a citation, linked to its instrument, jurisdiction and source."
)

with common.friendly_errors():
    build = common.build_id()
    rows = common.instruments(build)
    frame = pd.DataFrame(rows)
    if "versionNote" not in frame:
        frame["versionNote"] = None
    partial = frame[frame["partial"]]

    cols = st.columns(4)
    cols[0].metric("Instruments", len(frame))
    cols[1].metric("Provisions", f"{int(frame['provisions'].sum()):,}")
    cols[2].metric("Jurisdictions", frame["jurisdiction"].nunique())
    cols[3].metric("Partial texts", len(partial), help="Texts with parts missing from our copy")

    frame["text"] = frame["partial"].map({True: "partial text", False: "complete"})
    # short title and jurisdiction, whole: the UK and the Australian Modern Slavery Acts differ
    frame["name"] = frame["id"].map(charts.instrument_names(rows))
    frame["label"] = frame["name"].map(lambda n: charts.wrap(n, 40))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("provisions:Q", title="Provisions (articles, sections and their sub-provisions)"),
            y=alt.Y("label:N", sort="-x", title=None, axis=charts.axis()),
            color=alt.Color("text:N", title="Our copy", legend=alt.Legend(orient="top"),
                            scale=alt.Scale(domain=["complete", "partial text"], range=["#1f5f8b", "#e39b2d"])),
            tooltip=[alt.Tooltip("name", title="Instrument"), "jurisdiction", "kind", "provisions", "text",
                     "versionDate"],
        )
        .properties(height=alt.Step(34), title="Provisions per instrument")
    )
    st.altair_chart(charts.svg(chart), width="stretch")

    st.subheader("Instruments")
    table = frame.assign(open=frame["id"].map(common.instrument_link))[
        ["open", "shortTitle", "jurisdiction", "kind", "provisions", "text", "versionDate", "versionNote", "licence"]
    ]
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "open": st.column_config.LinkColumn("Browse", display_text="open"),
            "shortTitle": "Instrument", "jurisdiction": "Jurisdiction", "kind": "Kind",
            "provisions": st.column_config.NumberColumn("Provisions"), "text": "Our copy",
            "versionDate": "Version of text",
            "versionNote": st.column_config.TextColumn("Which version", width="large"),
            "licence": "Licence",
        },
    )

    st.subheader("Which version of each text")
    versions(frame)

    if len(partial):
        st.subheader("What is missing from partial texts")
        for row in partial.itertuples():
            st.warning(f"**{common.md(row.shortTitle)}** — {common.md(row.missing or 'parts of the text are missing.')}")

    st.subheader("References between instruments")
    counts = reference_counts(common.cross_references(build))
    if counts:
        by_id = {r["id"]: r for r in rows}
        st.graphviz_chart(references_network(counts, by_id), width="stretch")
        linked = {i for pair in counts for i in pair}
        alone = [r["shortTitle"] for r in rows if r["id"] not in linked]
        st.caption(
            f"{sum(counts.values()):,} provision-level references in {len(counts)} pairs of instruments. An arrow "
            "points from the citing instrument to the cited one; its number counts the references, one for each "
            "citing provision and the provision (or instrument) it cites. "
            "Hover for details, click an instrument to browse it; the Coherence page lists every reference with "
            "its citing words." + (f" Neither citing nor cited: {common.md(', '.join(alone))}." if alone else ""))
    else:
        st.info("No references between instruments were found in this build.")

    st.caption(
        "An instrument that is not in the corpus can be added from its plain text with "
        "`python -m kg add PATH --id ID --title … --jurisdiction …`."
    )
