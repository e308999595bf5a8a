"""Overview: what is in the graph, how complete each text is, provisions per instrument."""

import altair as alt
import pandas as pd
import streamlit as st

from ui import common

if "provision" in st.query_params or "instrument" in st.query_params:
    # a shared link of the form /?provision=… opens the provision view
    st.switch_page("ui/browse.py", query_params=dict(st.query_params))

st.title("Policy Coherence Graph")
st.markdown(
    "A knowledge graph of anti-trafficking and financial-sector law: every provision with a stable "
    "id, its exact text and a citation, linked to its instrument, jurisdiction and source."
)

with common.friendly_errors():
    rows = common.instruments(common.build_id())
    frame = pd.DataFrame(rows)
    partial = frame[frame["partial"]]

    cols = st.columns(4)
    cols[0].metric("Instruments", len(frame))
    cols[1].metric("Provisions", f"{int(frame['provisions'].sum()):,}")
    cols[2].metric("Jurisdictions", frame["jurisdiction"].nunique())
    cols[3].metric("Partial texts", len(partial), help="Texts with parts missing from our copy")

    frame["text"] = frame["partial"].map({True: "partial text", False: "complete"})
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("provisions:Q", title="Provisions (articles, sections and their sub-provisions)"),
            y=alt.Y("shortTitle:N", sort="-x", title=None),
            color=alt.Color("text:N", title="Our copy",
                            scale=alt.Scale(domain=["complete", "partial text"], range=["#1f5f8b", "#e39b2d"])),
            tooltip=["shortTitle", "jurisdiction", "kind", "provisions", "text"],
        )
        .properties(height=34 * len(frame), title="Provisions per instrument")
    )
    st.altair_chart(chart, width="stretch")

    st.subheader("Instruments")
    table = frame.assign(open=frame["id"].map(common.instrument_link))[
        ["open", "shortTitle", "jurisdiction", "kind", "provisions", "text", "versionDate", "licence"]
    ]
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "open": st.column_config.LinkColumn("Browse", display_text="open"),
            "shortTitle": "Instrument", "jurisdiction": "Jurisdiction", "kind": "Kind",
            "provisions": st.column_config.NumberColumn("Provisions"), "text": "Our copy",
            "versionDate": "Version of text", "licence": "Licence",
        },
    )

    if len(partial):
        st.subheader("What is missing from partial texts")
        for row in partial.itertuples():
            st.warning(f"**{row.shortTitle}** — {row.missing or 'parts of the text are missing.'}")

    st.caption(
        "Missing instruments (e.g. the EU Corporate Sustainability Due Diligence Directive) can be added "
        "from their plain text with `python -m kg add PATH --id ID --title … --jurisdiction …`."
    )
