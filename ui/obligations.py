"""Who must do what: obligations by actor and instrument, binding or soft, each with its sentence."""

import altair as alt
import pandas as pd
import streamlit as st

from ui import common
from ui.cards import KIND_LABELS, NORMATIVE, STYLE, card

PAGE_SIZE = 50


@st.cache_data(show_spinner="Loading obligations…")
def load(build: str) -> pd.DataFrame:
    from kg import read

    return pd.DataFrame(read.obligations(normative_only=False))


st.title("Who must do what")
st.caption("Obligations, prohibitions and permissions extracted from the English texts: the bearer is "
           "highlighted in blue, the action in amber. Soft norms are hedged ('shall consider', "
           "'where appropriate', 'in accordance with its domestic law').")

with common.friendly_errors():
    build = common.build_id()
    frame = load(build)
    instruments = {r["id"]: r for r in common.instruments(build)}
    from kg import read

    skipped = read.not_extracted()
    if skipped:
        st.info("Not extracted (texts not in English): " + ", ".join(
            instruments[i]["shortTitle"] for i in skipped if i in instruments))

    norms = frame[frame["modality"].isin(NORMATIVE)]
    with st.container(border=True):
        c1, c2, c3 = st.columns(3)
        chosen_instruments = c1.multiselect(
            "Instrument", sorted(norms["instrument"].unique()),
            default=[i for i in st.query_params.get_all("instrument") if i in set(norms["instrument"])],
            format_func=lambda i: instruments.get(i, {}).get("shortTitle", i))
        chosen_kinds = c2.multiselect("Actor kind", sorted(norms["actor_kind"].dropna().unique()),
                                      default=[k for k in st.query_params.get_all("kind")
                                               if k in set(norms["actor_kind"].dropna())],
                                      format_func=lambda k: KIND_LABELS.get(k, k))
        actor_options = sorted(norms["actor"].dropna().unique())
        chosen_actors = c3.multiselect("Actor", actor_options)
        c4, c5 = st.columns(2)
        chosen_modalities = c4.multiselect("Modality", NORMATIVE, default=NORMATIVE)
        chosen_strength = c5.multiselect("Strength", ["binding", "soft"], default=["binding", "soft"])

    view = norms[norms["modality"].isin(chosen_modalities) & norms["strength"].isin(chosen_strength)]
    if chosen_instruments:
        view = view[view["instrument"].isin(chosen_instruments)]
    if chosen_kinds:
        view = view[view["actor_kind"].isin(chosen_kinds)]
    if chosen_actors:
        view = view[view["actor"].isin(chosen_actors)]

    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Norms shown", len(view))
    m2.metric("Binding", int((view["strength"] == "binding").sum()))
    m3.metric("Soft", int((view["strength"] == "soft").sum()))
    m4.metric("Actors", view["actor"].nunique())

    if len(view):
        labelled = view.assign(
            kind=view["actor_kind"].map(lambda k: KIND_LABELS.get(k, k or "unknown")),
            instrument_name=view["instrument"].map(lambda i: instruments.get(i, {}).get("shortTitle", i)),
        )
        matrix = labelled.pivot_table(index=["kind", "instrument_name"], columns="strength", values="id",
                                      aggfunc="count", fill_value=0).reset_index()
        for column in ("binding", "soft"):
            if column not in matrix:
                matrix[column] = 0
        matrix["norms"] = matrix["binding"] + matrix["soft"]
        matrix["label"] = matrix.apply(lambda r: f"{r['binding']}" + (f" · {r['soft']} soft" if r["soft"] else ""),
                                       axis=1)
        base = alt.Chart(matrix).encode(
            x=alt.X("instrument_name:N", title=None, axis=alt.Axis(labelAngle=-30, labelLimit=160)),
            y=alt.Y("kind:N", title="Actor kind"),
        )
        heat = base.mark_rect().encode(
            color=alt.Color("norms:Q", scale=alt.Scale(scheme="blues", type="log"), title="Norms"),
            tooltip=[alt.Tooltip("instrument_name", title="Instrument"), alt.Tooltip("kind", title="Actor kind"),
                     "binding", "soft"],
        )
        text = base.mark_text(fontSize=11).encode(
            text="label:N", color=alt.condition("datum.norms > 150", alt.value("white"), alt.value("black")))
        st.altair_chart((heat + text).properties(
            height=34 * matrix["kind"].nunique() + 40,
            title="Actor kind × instrument: binding norms (· soft norms)"), width="stretch")

    st.markdown(STYLE, unsafe_allow_html=True)
    pages = max(1, (len(view) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = st.number_input("Page", min_value=1, max_value=pages, value=1, step=1) if pages > 1 else 1
    for _, row in view.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE].iterrows():
        st.markdown(card(row), unsafe_allow_html=True)
    st.download_button("Download these norms (CSV)", view.drop(columns=["start", "end"]).to_csv(index=False),
                       file_name="obligations.csv", mime="text/csv")
