"""Coordination gaps: is the financial sector on each anti-trafficking coordinating body?

Statuses are dated: "absent from the sources read, as of YEAR" is not "not a member".
"""

import altair as alt
import networkx as nx
import pandas as pd
import streamlit as st

from kg.spreadsheet import frame_csv
from ui import charts, common

BADGE = {"represented": "represented", "partner_only": "partner or observer only",
         "absent_in_sources": "absent from the sources read"}
NAME_WIDTH = 44  # characters per line of a name on the network (about 240 px)
LEFT_X, RIGHT_X = 0.42, 0.58  # the two columns of nodes, as shares of the chart's width
LINE_PX = 14  # pixels per line of a name
ROW_GAP = 8  # pixels between two names of a column
COLOURS = {"represented": "#2e8b57", "partner_only": "#e3a21a", "absent_in_sources": "#b03a2e"}


@st.cache_data(show_spinner="Analysing coordinating bodies…")
def load(build: str):
    from kg.analysis.gaps import coordination_graph, current_gaps

    current = current_gaps()
    gaps = [g.as_dict() for g in current.bodies]
    graph, _ = coordination_graph(current.memberships, current.partnerships)
    return gaps, nx.node_link_data(graph, edges="links")


def network_layout(graph: nx.Graph, body: str, wrap_at: int = NAME_WIDTH) -> tuple[list[dict], list[dict], float]:
    """The body, its members and their partnerships as two columns, every node named. Members on the
    right, one under another, each name to the right of its node; the body and the partnerships its
    members sit in on the left, each name to the left of its node and level with the members it links
    to. Every line runs between the two columns of nodes, so no line crosses a name and no name covers
    another. Positions are fixed (no live physics), so hundreds of members stay responsive.
    Returns node rows, edge rows and the height in pixels."""
    members = list(graph.neighbors(body))
    partnerships_of = {m: sorted(n for n in graph.neighbors(m) if n != body and graph.nodes[n].get("kind") == "partnership"
                                 and n not in members) for m in members}
    partnerships = sorted({p for ps in partnerships_of.values() for p in ps})
    rank = {p: i for i, p in enumerate(partnerships)}

    def label(node: str) -> str:
        return str(graph.nodes[node].get("label", node))

    def rows(node: str) -> float:
        return charts.lines(charts.wrap(label(node), wrap_at)) * LINE_PX + ROW_GAP

    # members of a partnership side by side (fewer crossing lines), then financial actors, then by name
    members.sort(key=lambda m: (min((rank[p] for p in partnerships_of[m]), default=len(rank)),
                                not graph.nodes[m].get("financial"), label(m).lower()))
    y, cursor = {}, ROW_GAP
    for m in members:
        y[m] = cursor + LINE_PX / 2  # a node is level with the first line of its name
        cursor += rows(m)
    bottom = cursor
    # left column: each node wants the mean height of the members it links to; then, top to bottom,
    # each is pushed down just enough to clear the name above it
    linked = {body: members, **{p: [m for m in members if p in partnerships_of[m]] for p in partnerships}}
    wanted = {n: sum(y[m] for m in ms) / len(ms) if ms else ROW_GAP + LINE_PX / 2 for n, ms in linked.items()}
    cursor = ROW_GAP
    for node in sorted(linked, key=lambda n: (wanted[n], n != body)):
        y[node] = max(wanted[node], cursor + LINE_PX / 2)
        cursor = y[node] - LINE_PX / 2 + rows(node)
    bottom = max(bottom, cursor)

    def kind(node: str) -> str:
        return ("this body" if node == body else "financial actor" if graph.nodes[node].get("financial")
                else graph.nodes[node].get("kind", "org"))

    side = {**{n: "left" for n in linked}, **{m: "right" for m in members}}
    node_rows = [{"id": n, "x": LEFT_X if side[n] == "left" else RIGHT_X, "y": y[n], "side": side[n],
                  "name": label(n), "label": charts.wrap(label(n), wrap_at), "type": kind(n)} for n in side]
    edge_rows = [{"x": LEFT_X, "y": y[body], "x2": RIGHT_X, "y2": y[m], "role": graph.edges[body, m].get("role", "")}
                 for m in members]
    edge_rows += [{"x": LEFT_X, "y": y[p], "x2": RIGHT_X, "y2": y[m], "role": "participant"}
                  for m in members for p in partnerships_of[m]]
    return node_rows, edge_rows, bottom


def network_chart(graph: nx.Graph, body: str) -> alt.Chart:
    """The body, its members and their partnerships, each named; financial actors in red. A solid line
    is membership, a dashed one partnership or observer status."""
    node_rows, edge_rows, height = network_layout(graph, body)
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, 1], nice=False, zero=False))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[height, 0], nice=False, zero=False))
    edges = alt.Chart(pd.DataFrame(edge_rows, columns=["x", "y", "x2", "y2", "role"])).mark_rule(
        opacity=0.35).encode(x=x, y=y, x2="x2:Q", y2="y2:Q",
                             strokeDash=alt.condition("datum.role == 'member'", alt.value([1, 0]), alt.value([4, 3])))
    nodes = alt.Chart(pd.DataFrame(node_rows))
    tooltip = [alt.Tooltip("name", title="Name"), alt.Tooltip("type", title="Type")]
    points = nodes.mark_circle(size=160, opacity=0.9).encode(
        x=x, y=y, tooltip=tooltip,
        color=alt.Color("type:N", scale=alt.Scale(
            domain=["this body", "financial actor", "org", "partnership"],
            range=["#1f5f8b", "#d62728", "#9aa5ad", "#e3a21a"]), title=None, legend=alt.Legend(orient="top")))
    text = dict(baseline="middle", fontSize=11, lineHeight=LINE_PX, lineBreak=charts.LINE_BREAK, color="#222")
    names = [nodes.transform_filter(which).mark_text(align=align, dx=dx, fontWeight=weight, **text).encode(
        x=x, y=y, text="label:N", tooltip=tooltip)
        for which, align, dx, weight in (("datum.type == 'this body'", "right", -11, "bold"),
                                         ("datum.side == 'left' && datum.type != 'this body'", "right", -11, "normal"),
                                         ("datum.side == 'right'", "left", 11, "normal"))]
    return charts.svg(alt.layer(edges, points, *names).properties(
        height=height, autosize=alt.AutoSizeParams(type="fit-x", contains="padding")))


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
    st.altair_chart(charts.svg(alt.Chart(counts).mark_bar().encode(
        x=alt.X("jurisdiction:N", title=None, sort="-y", axis=charts.axis(angle=-45)),
        y=alt.Y("bodies:Q", title="Bodies", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("status:N", scale=alt.Scale(domain=list(COLOURS), range=list(COLOURS.values())),
                        title="Financial sector", legend=alt.Legend(orient="top")),
        tooltip=["jurisdiction", "status", "bodies"]).properties(height=260)), width="stretch")

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
        from kg.build.membership_imports import TEMPLATE, import_bodies, list_imports, read_import_file, remove_import

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
                st.success(f"Imported {outcome['imported_rows']} row(s) as '{common.md(outcome['import'])}'.")
            else:
                st.error(f"Nothing imported: no valid row in {common.md(upload.name)}.")
            for error in outcome["errors"]:
                st.warning(common.md(error))  # a message quotes the row
        for name in list_imports():
            if st.button(f"Remove import '{common.md(name)}'", key=f"rm-{name}"):
                with st.spinner("Removing and rebuilding…"):
                    remove_import(name)
                st.cache_data.clear()
                st.rerun()

    body = st.selectbox("Body", list(view["body"]),
                        format_func=lambda b: f"{b} — {frame.set_index('body').loc[b, 'body_name']}")
    if body:
        row = frame.set_index("body").loc[body]
        st.subheader(common.md(row["body_name"]))
        colour = COLOURS[row["status"]]
        st.markdown(f"<span style='background:{colour};color:white;padding:2px 8px;border-radius:10px'>"
                    f"{BADGE[row['status']]}</span> {common.md(row['statement'])}", unsafe_allow_html=True)
        st.altair_chart(network_chart(graph, f"body:{body}"), width="stretch")
        for member in row["financial_members"]:
            st.markdown(f"> “{common.md(member['quote'])}” — {common.link(member['source_url'], member['source_url'])} "
                        f"({member['year'] or 'n.d.'})")
        for path in row["indirect_paths"]:
            st.caption("Indirect link: " + " → ".join(common.md(step) for step in path))
