"""Coordination gaps: is the financial sector on each anti-trafficking coordinating body?

Statuses are dated: "absent from the sources read, as of YEAR" is not "not a member".
"""

import altair as alt
import networkx as nx
import pandas as pd
import streamlit as st

from kg.spreadsheet import frame_csv
from ui import common

BADGE = {"represented": "represented", "partner_only": "partner or observer only",
         "absent_in_sources": "absent from the sources read"}
COLOURS = {"represented": "#2e8b57", "partner_only": "#e3a21a", "absent_in_sources": "#b03a2e"}


@st.cache_data(show_spinner="Analysing coordinating bodies…")
def load(build: str):
    from ingest.coordination import shipped_partnerships
    from kg.gaps import analyse, coordination_graph
    from kg.imports import all_memberships

    _, memberships = all_memberships()
    partnerships = shipped_partnerships()
    gaps = [g.as_dict() for g in analyse(memberships, partnerships)]
    graph, _ = coordination_graph(memberships, partnerships)
    return gaps, nx.node_link_data(graph, edges="links")


def network_chart(graph: nx.Graph, body: str) -> alt.Chart:
    """The body, its members and their partnerships; financial actors in red. Positions are
    computed once (no live physics), so hundreds of nodes stay responsive."""
    nodes = {body} | set(graph.neighbors(body))
    for member in list(nodes - {body}):
        nodes |= {n for n in graph.neighbors(member) if graph.nodes[n].get("kind") == "partnership"}
    sub = graph.subgraph(nodes)
    pos = nx.spring_layout(sub, seed=7, iterations=60)
    node_rows = [{"id": n, "x": float(pos[n][0]), "y": float(pos[n][1]),
                  "label": sub.nodes[n].get("label", n),
                  "type": ("this body" if n == body else "financial actor" if sub.nodes[n].get("financial")
                           else sub.nodes[n].get("kind", "org"))} for n in sub.nodes]
    edge_rows = [{"x": float(pos[a][0]), "y": float(pos[a][1]), "x2": float(pos[b][0]), "y2": float(pos[b][1]),
                  "role": d.get("role", "")} for a, b, d in sub.edges(data=True)]
    edges = alt.Chart(pd.DataFrame(edge_rows)).mark_rule(opacity=0.35).encode(
        x=alt.X("x:Q", axis=None), y=alt.Y("y:Q", axis=None), x2="x2:Q", y2="y2:Q",
        strokeDash=alt.condition("datum.role == 'member'", alt.value([1, 0]), alt.value([4, 3])))
    points = alt.Chart(pd.DataFrame(node_rows)).mark_circle(size=160, opacity=0.9).encode(
        x="x:Q", y="y:Q",
        color=alt.Color("type:N", scale=alt.Scale(
            domain=["this body", "financial actor", "org", "partnership"],
            range=["#1f5f8b", "#d62728", "#9aa5ad", "#e3a21a"]), title=None),
        tooltip=["label", "type"])
    return (edges + points).properties(height=460).interactive()


st.title("Coordination gaps")
st.caption("Is a financial regulator, FIU, central bank or finance ministry on each anti-trafficking "
           "coordinating body? Every status rests on dated, quoted sources; lists can be incomplete.")

with common.friendly_errors():
    gaps, graph_data = load(common.build_id())
    graph = nx.node_link_graph(graph_data, edges="links")
    frame = pd.DataFrame(gaps)
    chosen = st.multiselect("Jurisdiction", sorted(frame["jurisdiction"].unique()))
    view = frame[frame["jurisdiction"].isin(chosen)] if chosen else frame

    counts = view.groupby(["jurisdiction", "status"]).size().reset_index(name="bodies")
    st.altair_chart(alt.Chart(counts).mark_bar().encode(
        x=alt.X("jurisdiction:N", title=None, sort="-y"), y=alt.Y("bodies:Q", title="Bodies"),
        color=alt.Color("status:N", scale=alt.Scale(domain=list(COLOURS), range=list(COLOURS.values())),
                        title="Financial sector"),
        tooltip=["jurisdiction", "status", "bodies"]).properties(height=260), width="stretch")

    table = view.assign(
        status_badge=view["status"].map(BADGE),
        financial=view["financial_members"].map(lambda ms: ", ".join(f"{m['name']} ({m['role']})" for m in ms)),
        stale_flag=view["stale"].map(lambda s: "stale (> 5 years)" if s else ""),
    )[["body", "body_name", "jurisdiction", "status_badge", "financial", "evidence_year", "stale_flag"]]
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "body": "Body id", "body_name": "Body", "jurisdiction": "Jurisdiction", "status_badge": "Financial sector",
        "financial": "Financial members", "evidence_year": st.column_config.NumberColumn("Evidence year", format="%d"),
        "stale_flag": "Evidence"})
    c1, c2 = st.columns(2)
    c1.download_button("Download the report (CSV)", frame_csv(view.drop(columns=["indirect_paths"])),
                       file_name="coordination-gaps.csv", mime="text/csv")
    c2.download_button("Download the report (JSON)", view.to_json(orient="records", indent=1),
                       file_name="coordination-gaps.json", mime="application/json")

    with st.expander("Bring your own membership list"):
        from kg.imports import TEMPLATE, import_bodies, list_imports, read_import_file, remove_import

        st.download_button("Download the CSV template", TEMPLATE, file_name="membership-template.csv",
                           mime="text/csv")
        upload = st.file_uploader("Upload a membership list (CSV in the template's columns)", type=["csv"])
        replace = st.checkbox("Replace an earlier import of the same name")
        if upload is not None and st.button("Validate and import"):
            with st.spinner("Validating and rebuilding the graph (another build or import first, if one is "
                            "running)…"):
                outcome = import_bodies(read_import_file(upload.getvalue(), upload.name), upload.name.removesuffix(".csv"),
                                        replace=replace)
            st.cache_data.clear()
            if outcome["imported_rows"]:
                st.success(f"Imported {outcome['imported_rows']} row(s) as '{outcome['import']}'.")
            else:
                st.error(f"Nothing imported: no valid row in {upload.name}.")
            for error in outcome["errors"]:
                st.warning(error)
        for name in list_imports():
            if st.button(f"Remove import '{name}'", key=f"rm-{name}"):
                with st.spinner("Removing and rebuilding…"):
                    remove_import(name)
                st.cache_data.clear()
                st.rerun()

    body = st.selectbox("Body", list(view["body"]),
                        format_func=lambda b: f"{b} — {frame.set_index('body').loc[b, 'body_name']}")
    if body:
        row = frame.set_index("body").loc[body]
        st.subheader(row["body_name"])
        colour = COLOURS[row["status"]]
        st.markdown(f"<span style='background:{colour};color:white;padding:2px 8px;border-radius:10px'>"
                    f"{BADGE[row['status']]}</span> {common.escape(row['statement'])}", unsafe_allow_html=True)
        st.altair_chart(network_chart(graph, f"body:{body}"), width="stretch")
        for member in row["financial_members"]:
            st.markdown(f"> “{member['quote']}” — [{member['source_url']}]({member['source_url']}) ({member['year'] or 'n.d.'})")
        for path in row["indirect_paths"]:
            st.caption("Indirect link: " + " → ".join(path))
