"""Who must do what: obligations by actor and instrument, binding or soft, each with its sentence;
and, for one instrument, what it asks of the financial sector and what it leaves out."""

import json

import altair as alt
import pandas as pd
import streamlit as st

from kg.spreadsheet import frame_csv
from ui import charts, common
from ui.cards import KIND_LABELS, NORMATIVE, STYLE, card

PAGE_SIZE = 50
# financial_reach's roles in the words of a policy adviser, in the order a reader needs them
ROLE_HEADINGS = {
    "scope": ("Brings them in", "definitions that make financial undertakings subject to the instrument"),
    "limit": ("Leaves out or narrows", "what excludes them, or narrows what applies to them"),
    "supervision": ("Supervision", "who may or must supervise them for this instrument"),
    "reporting": ("Reporting", "how their reporting under other acts counts"),
    "review": ("Left to a review", "decisions about them postponed to a report or a later proposal"),
    "duty": ("Duties that name them", "norms of the instrument whose words name them"),
    "mention": ("Other mentions", "other provisions whose words name them"),
}
REACH_STYLE = """<style>
.reach-item {border-left: 3px solid #1f5f8b; padding: 0.2rem 0 0.2rem 0.7rem; margin-bottom: 0.6rem}
.reach-item .sentence {font-family: Georgia, serif}
.reach-item .recital {font-size: 0.85rem; color: #555; margin-top: 0.2rem}
</style>"""


@st.cache_data(show_spinner="Loading obligations…")
def load(build: str) -> pd.DataFrame:
    from kg.store import read

    return pd.DataFrame(read.obligations(normative_only=False))


@st.cache_data(show_spinner="Reading what the instrument asks of the financial sector…")
def load_reach(build: str, instrument_id: str) -> dict:
    from kg.analysis.financial_reach import financial_reach

    return financial_reach(instrument_id)


def link(provision_id: str, citation: str) -> str:
    return f"<a href='{common.provision_link(provision_id)}' target='_self'>{common.escape(citation)}</a>"


def reach_item(item: dict, build: str) -> str:
    """One provision: its citation as a link, its sentence quoted, and the recitals that explain it
    (or the definition it cites, when its words name the sector only through that citation)."""
    notes = [f"Explained by {link(r['provision'], r['citation'])}: “{common.escape(r['sentence'])}”"
             for r in item["explained_by"]]
    if item.get("refers_to"):
        cited = common.provision(build, item["refers_to"]) or {"citation": item["refers_to"]}
        notes.append(f"Speaks of them by citing {link(item['refers_to'], cited['citation'])}")
    return (f"<div class='reach-item'>{link(item['provision'], item['citation'])}<br>"
            f"<span class='sentence'>“{common.escape(item['sentence'])}”</span>"
            + "".join(f"<div class='recital'>{note}</div>" for note in notes) + "</div>")


def reach_table(reach: dict) -> pd.DataFrame:
    """The items flat, one row each, for the CSV download."""
    return pd.DataFrame([{
        "instrument": reach["instrument"], "role": item["role"], "role_label": ROLE_HEADINGS[item["role"]][0],
        "provision": item["provision"], "citation": item["citation"], "sentence": item["sentence"],
        "explained_by": " | ".join(f"{r['citation']}: {r['sentence']}" for r in item["explained_by"]),
        "refers_to": item.get("refers_to") or "",
    } for item in reach["items"]], columns=["instrument", "role", "role_label", "provision", "citation", "sentence",
                                            "explained_by", "refers_to"])


def company_norms(norms: dict | None, instrument: str) -> None:
    """When a definition makes financial undertakings 'companies', every binding norm on companies
    binds them too: the count says how much of the instrument reaches them that way."""
    if not norms:
        return
    st.markdown(f"##### Binding norms on companies that bind financial undertakings too: {norms['count']}")
    st.caption(f"{common.md(instrument)} counts financial undertakings among the companies it binds (see “Brings them "
               "in”), so its binding obligations and prohibitions on companies apply to them as well. Per article:")
    frame = pd.DataFrame(norms["articles"])
    if frame.empty:
        return
    frame["open"] = frame["provision"].map(common.provision_link)
    st.dataframe(frame[["citation", "norms", "open"]], hide_index=True, width="stretch",
                 height=35 * (len(frame) + 1) + 3, column_config={  # every article, no inner scrolling
                     "citation": "Article",
                     "norms": st.column_config.ProgressColumn("Binding norms on companies", format="%d", min_value=0,
                                                              max_value=int(frame["norms"].max())),
                     "open": st.column_config.LinkColumn("Open", display_text="open")})


def financial_sector(build: str, instrument_id: str, instruments: dict) -> None:
    name = instruments.get(instrument_id, {}).get("shortTitle", instrument_id)
    reach = load_reach(build, instrument_id)
    if not reach["items"]:
        st.info(f"No provision of {common.md(name)} names a financial undertaking or financial services.")
        return
    st.markdown(REACH_STYLE, unsafe_allow_html=True)
    for role, (heading, meaning) in ROLE_HEADINGS.items():
        items = [i for i in reach["items"] if i["role"] == role]
        if not items:
            continue
        st.markdown(f"##### {heading} ({len(items)})")
        st.caption(meaning.capitalize() + ".")
        st.markdown("".join(reach_item(i, build) for i in items), unsafe_allow_html=True)
    company_norms(reach["company_norms"], name)
    c1, c2 = st.columns(2)
    c1.download_button("Download the financial-sector items (CSV)", frame_csv(reach_table(reach)),
                       file_name=f"financial-reach-{instrument_id}.csv", mime="text/csv")
    c2.download_button("Download the financial-sector items (JSON)", json.dumps(reach, ensure_ascii=False, indent=1),
                       file_name=f"financial-reach-{instrument_id}.json", mime="application/json")


def financial_sector_tab(build: str, chosen: list[str], instruments: dict) -> None:
    """The instrument chosen in the filters above, or one picked here."""
    options = list(instruments)
    index = options.index(chosen[0]) if len(chosen) == 1 and chosen[0] in options else None
    instrument_id = st.selectbox(
        "Instrument", options, index=index, placeholder="Choose an instrument",
        format_func=lambda i: f"{instruments[i]['shortTitle']} ({instruments[i]['jurisdiction']})")
    st.caption("What the instrument asks of banks, insurers, investment firms and other financial undertakings, and "
               "what it leaves out: each point is the provision's own sentence, with the recitals that explain it.")
    if instrument_id is None:
        st.info("Choose an instrument (here, or as the only one in the filters above) to see how it reaches the "
                "financial sector.")
        return
    financial_sector(build, instrument_id, instruments)


def unknown_in_link(norms: pd.DataFrame) -> None:
    """A link may preset the filters (``?instrument=…&kind=…``); say which of its values name no
    instrument or actor kind with norms, instead of dropping them without a word."""
    known = {"instrument": set(norms["instrument"]), "kind": set(norms["actor_kind"].dropna())}
    for param, what in (("instrument", "instrument"), ("kind", "actor kind")):
        unknown = [v for v in st.query_params.get_all(param) if v not in known[param]]
        if unknown:
            st.warning(f"The link names no {what} with norms in the graph: "
                       + ", ".join(f"'{common.md(v)}'" for v in unknown) + ". The filter below leaves it out.")


def norms_heatmap(view: pd.DataFrame, instruments: dict) -> alt.Chart:
    """Actor kind × instrument: every actor kind and every instrument named in full (instrument names
    wrapped and turned, one column each), each cell "binding (soft)" in a few characters."""
    names = charts.instrument_names(list(instruments.values()))
    labelled = view.assign(
        kind=view["actor_kind"].map(lambda k: KIND_LABELS.get(k, k or "unknown")),
        instrument_name=view["instrument"].map(lambda i: names.get(i, i)),
    )
    matrix = labelled.pivot_table(index=["kind", "instrument_name"], columns="strength", values="id",
                                  aggfunc="count", fill_value=0).reset_index()
    for column in ("binding", "soft"):
        if column not in matrix:
            matrix[column] = 0
    matrix["norms"] = matrix["binding"] + matrix["soft"]
    matrix["label"] = [f"{b} ({s})" if s else f"{b}" for b, s in zip(matrix["binding"], matrix["soft"])]
    matrix["column"] = matrix["instrument_name"].map(lambda n: charts.wrap(n, 38))
    base = alt.Chart(matrix).encode(
        x=alt.X("column:N", title=None, sort=sorted(matrix["column"].unique()),
                axis=charts.axis(angle=-45, orient="bottom")),
        y=alt.Y("kind:N", title="Actor kind", axis=charts.axis()),
    )
    heat = base.mark_rect(stroke="white").encode(
        color=alt.Color("norms:Q", scale=alt.Scale(scheme="blues", type="log"), title="Norms",
                        legend=alt.Legend(orient="top", gradientLength=220)),
        tooltip=[alt.Tooltip("instrument_name", title="Instrument"), alt.Tooltip("kind", title="Actor kind"),
                 alt.Tooltip("binding", title="Binding norms"), alt.Tooltip("soft", title="Soft norms")],
    )
    text = base.mark_text(fontSize=10).encode(
        text="label:N", color=alt.condition("datum.norms > 150", alt.value("white"), alt.value("black")))
    return (heat + text).properties(height=alt.Step(28),
                                    title="Actor kind × instrument: binding norms (soft norms)")


st.title("Who must do what")
st.caption("Obligations, prohibitions and permissions extracted from the English texts: the bearer is "
           "highlighted in blue, the action in amber. Soft norms are hedged ('shall consider', "
           "'where appropriate', 'in accordance with its domestic law').")

with common.friendly_errors():
    build = common.build_id()
    frame = load(build)
    instruments = {r["id"]: r for r in common.instruments(build)}
    from kg.store import read

    skipped = read.not_extracted()
    if skipped:
        st.info("Not extracted (texts not in English): " + ", ".join(
            common.md(instruments[i]["shortTitle"]) for i in skipped if i in instruments))

    norms = frame[frame["modality"].isin(NORMATIVE)]
    unknown_in_link(norms)
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

    norms_tab, finance_tab = st.tabs(["Norms", "The financial sector in this instrument"])
    with norms_tab:
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
            st.altair_chart(charts.svg(norms_heatmap(view, instruments)), width="stretch")
            st.caption("Each cell: the number of binding norms that instrument puts on that kind of actor, and "
                       "in brackets its soft norms, when it has any; the darker the cell, the more norms.")

        st.markdown(STYLE, unsafe_allow_html=True)
        pages = max(1, (len(view) + PAGE_SIZE - 1) // PAGE_SIZE)
        page = st.number_input("Page", min_value=1, max_value=pages, value=1, step=1) if pages > 1 else 1
        for _, row in view.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE].iterrows():
            st.markdown(card(row), unsafe_allow_html=True)
        st.download_button("Download these norms (CSV)", frame_csv(view.drop(columns=["start", "end"])),
                           file_name="obligations.csv", mime="text/csv")
    with finance_tab:
        financial_sector_tab(build, chosen_instruments, instruments)
