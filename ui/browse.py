"""Browse the law: an instrument's contents, and the exact text of one provision with its source.

Every provision has a shareable link: ``/browse?provision=<provision id>``.
"""

import re

import streamlit as st

from kg.errors import PCGError
from ui import common
from ui.cards import STYLE, card

TEXT_STYLE = (
    "white-space: pre-wrap; font-family: Georgia, serif; font-size: 1.02rem; line-height: 1.55; "
    "border-left: 4px solid #1f5f8b; padding: 0.4rem 0 0.4rem 1rem; margin: 0.5rem 0 1rem 0;"
)
FOOTNOTE_STYLE = "font-size: 0.85rem; color: #444; margin: -0.4rem 0 1rem 1.25rem; line-height: 1.4;"
REFERENCE_STYLE = """<style>
ul.xref {margin: 0.1rem 0 0.8rem 0; padding-left: 1.2rem}
ul.xref li {margin-bottom: 0.45rem}
ul.xref .citing-words {color: #444; font-style: italic}
ul.xref .other-instrument {color: #666; font-size: 0.9rem}
</style>"""
MAX_REFERENCES = 25  # an article of the AMLA Regulation cites the AMLR dozens of times


def select_provision(provision_id: str) -> None:
    st.query_params.clear()
    st.query_params["provision"] = provision_id


def select_instrument() -> None:
    st.query_params.clear()
    st.query_params["instrument"] = st.session_state["instrument_choice"]


def contents(nodes: list[dict], current: str | None) -> None:
    """Divisions as headings, top-level provisions as links, in document order."""
    kinds = {n["id"]: n["kind"] for n in nodes}
    for node in nodes:
        if node["kind"] == "division":
            heading = f" — {node['heading']}" if node.get("heading") else ""
            st.markdown(f"**{common.md(division_label(node))}{common.md(heading)}**")
        elif kinds.get(node["parent"]) in (None, "division"):
            selected = current is not None and (current == node["id"] or current.startswith(node["id"] + "/"))
            st.button(common.md(node_label(node)[:70]), key=f"nav-{node['id']}",
                      type="primary" if selected else "tertiary",
                      on_click=select_provision, args=(node["id"],))


def division_label(node: dict) -> str:
    """'Part 6', 'Chapter III', 'Sch. 2 Part 1': the citation without the instrument's name."""
    words = node["citation"].split(" ")
    return " ".join(words[:4] if words[0] == "Sch." else words[:2])


def node_label(node: dict) -> str:
    """'s.54 Transparency in supply chains etc' / 'Art. 3 Prohibition…' / 'Recital 12'."""
    citation = node["citation"]
    unit = node["unitType"]
    if unit in ("Section", "Article"):
        prefix = citation.split(" ")[0] if unit == "Section" else " ".join(citation.split(" ")[:2])
        return f"{prefix} {node.get('heading') or ''}".strip()
    words = citation.split(" ")
    return " ".join(words[:2]) if unit in ("Recital", "Schedule", "Annex") else words[0].rstrip(",")


@st.cache_data(show_spinner=False)
def obligations_of(build: str, provision_id: str) -> list[dict]:
    from kg.store import read

    return read.obligations(provision_prefix=provision_id)


def breadcrumb(nodes_by_id: dict, provision_id: str) -> list[dict]:
    chain, current = [], nodes_by_id.get(provision_id)
    while current is not None:
        chain.append(current)
        current = nodes_by_id.get(current["parent"])
    return list(reversed(chain))


def footnotes_block(notes: list[dict]) -> None:
    """The source's footnotes under the text, as printed: '[31] Directive 2011/61/EU …'."""
    if not notes:
        return
    lines = "".join(f"<div>[{common.escape(n['marker'])}] {common.escape(n['text'])}</div>" for n in notes)
    st.markdown(f"<div class='footnotes' style='{FOOTNOTE_STYLE}'><b>Footnotes</b>{lines}</div>",
                unsafe_allow_html=True)


def instrument_name(instrument_id: str, instruments_by_id: dict) -> str:
    row = instruments_by_id.get(instrument_id)
    return f"{row['shortTitle']} ({row['jurisdiction']})" if row else instrument_id


def reference_item(ref: dict, provision_id: str, short_title: str, side: str, instruments_by_id: dict) -> str:
    """One reference: the other side's citation as a link, its instrument, and the citing words.
    In an article view a row may belong to one of its points; ``side`` says how ('in', 'cites')."""
    link = f"<a href='{common.resource_link(ref['id'])}' target='_self'>{common.escape(ref['citation'])}</a>"
    ours = ""
    if ref.get("own") and ref["own"] != provision_id:
        ours = f" <small>({side} {common.escape(ref['own_citation'].replace(' ' + short_title, ''))})</small>"
    instrument = common.escape(instrument_name(ref["instrument"], instruments_by_id))
    return (f"<li>{link} <span class='other-instrument'>· {instrument}</span>{ours}<br>"
            f"<span class='citing-words'>“{common.escape(ref['citing_text'])}”</span></li>")


def references_section(title: str, refs: list[dict], when_none: str, provision_id: str, short_title: str,
                       side: str, instruments_by_id: dict) -> None:
    st.markdown(f"**{title}**")
    if not refs:
        st.caption(when_none)
        return
    items = "".join(reference_item(r, provision_id, short_title, side, instruments_by_id)
                    for r in refs[:MAX_REFERENCES])
    st.markdown(f"{REFERENCE_STYLE}<ul class='xref'>{items}</ul>", unsafe_allow_html=True)
    if len(refs) > MAX_REFERENCES:
        st.caption(f"… and {len(refs) - MAX_REFERENCES} more: the Coherence page lists them all under "
                   "“References between instruments”.")


def references_view(build: str, row: dict, instruments_by_id: dict) -> None:
    """Explicit references to and from other instruments of the corpus, with the citing words as
    evidence; an article's list includes its paragraphs' and points' references."""
    found = common.references(build, row["id"])
    has_parts = bool(row["children"])
    references_section("Cites in other instruments", found["cites"],
                       "None: neither this provision nor its parts cite another instrument of the corpus."
                       if has_parts else "None: this provision cites no other instrument of the corpus.",
                       row["id"], row["shortTitle"], "in", instruments_by_id)
    references_section("Cited by other instruments", found["cited_by"],
                       "None: no provision of another instrument in the corpus cites this provision"
                       + (" or its parts." if has_parts else "."),
                       row["id"], row["shortTitle"], "cites", instruments_by_id)


def provision_view(build: str, provision_id: str, nodes_by_id: dict, instruments_by_id: dict) -> None:
    try:
        row = common.provision(build, provision_id)
    except PCGError as err:  # an id no provision can have (from a link): said here, the contents stay usable
        st.error(common.error_text(err))
        return
    if row is None:
        st.error(f"No provision '{common.md(provision_id)}' in the graph. Check the link, or pick one from the "
                 "contents.")
        return
    crumbs = breadcrumb(nodes_by_id, provision_id)
    st.caption(" › ".join(common.md(part) for part in [row["shortTitle"]] + [
        division_label(c) if c["kind"] == "division" else c["citation"].replace(" " + row["shortTitle"], "")
        for c in crumbs[:-1]
    ]))
    st.header(common.md(row["citation"]))
    if row.get("heading"):
        st.subheader(common.md(row["heading"]))
    if row["completeness"].lower() != "complete":
        st.warning("Partial text: " + common.md(row["missing"] or "parts of this instrument are missing from our copy."))
    shown = re.sub(r"\n\s*\n", "\n", row["text"])  # the source separates lines with blank lines
    st.markdown(f"<div class='provision-text' style='{TEXT_STYLE}'>{common.escape(shown)}</div>",
                unsafe_allow_html=True)
    footnotes_block(common.footnotes(build, provision_id))
    for note in row["notes"]:
        st.info(f"Editorial note: {common.md(note)}")
    references_view(build, row, instruments_by_id)

    if row["children"]:
        st.markdown("**Sub-provisions**")
        for child in row["children"]:
            st.button(common.md(f"{child['citation'].replace(' ' + row['shortTitle'], '')} — {child['text'][:90]}"),
                      key=f"child-{child['id']}", type="tertiary", on_click=select_provision,
                      args=(child["id"],))
    if row.get("parentId") and nodes_by_id.get(row["parentId"], {}).get("kind") == "provision":
        st.button(f"↑ Up to {common.md(nodes_by_id[row['parentId']]['citation'])}", key="up",
                  on_click=select_provision, args=(row["parentId"],))

    norms = [o for o in obligations_of(build, provision_id) if o["modality"] != "none"]
    if norms:
        st.markdown("**Who must do what here**")
        st.markdown(STYLE + "".join(card(o) for o in norms[:30]), unsafe_allow_html=True)
        if len(norms) > 30:
            st.caption(f"… and {len(norms) - 30} more in its sub-provisions.")

    links = st.columns(2)
    links[0].markdown(f"🔗 [Shareable link to this provision]({common.provision_link(provision_id)})")
    # a link only to an http(s) address; anything else the graph holds is shown, as text, not followed
    official = [(url, label) for url, label in ((row.get("url"), "Official text"),
                                                (row.get("instrumentUrl"), "Official text of the instrument")) if url]
    if official:
        url, label = official[0]
        links[1].markdown(f"🏛️ {common.link(label, url)}" if common.safe_url(url)
                          else f"🏛️ {label}: {common.md(url)} (not a web address, so not linked)")
    with st.expander("Provenance and identifiers"):
        st.markdown(
            f"- **Provision id:** `{row['id']}`\n"
            f"- **Instrument:** {common.md(row['instrumentTitle'])}\n"
            f"- **Characters** {row['charStart']:,}–{row['charEnd']:,} of the instrument's source text\n"
            f"- **Source copy:** {common.md(row['sourceLabel'])}\n"
            f"- **Licence:** {common.md(row['licence'])}"
            + (f"\n- **Attribution:** {common.md(row['attribution'])}" if row.get("attribution") else "")
        )


with common.friendly_errors():
    build = common.build_id()
    rows = common.instruments(build)
    ids = [r["id"] for r in rows]
    by_id = {r["id"]: r for r in rows}
    requested = st.query_params.get("provision")
    instrument_id = st.query_params.get("instrument") or (requested.split("/")[0] if requested else ids[0])
    if instrument_id not in by_id:
        asked = (f"No instrument '{common.md(instrument_id)}'" if st.query_params.get("instrument")
                 else f"No provision '{common.md(requested)}'")
        st.error(f"{asked} in the graph. Pick one below.")
        instrument_id = ids[0]
        requested = None

    st.session_state["instrument_choice"] = instrument_id
    st.selectbox(
        "Instrument", ids, key="instrument_choice", on_change=select_instrument,
        format_func=lambda i: f"{by_id[i]['shortTitle']} ({by_id[i]['jurisdiction']})"
        + (" — partial text" if by_id[i]["partial"] else ""),
    )
    nodes = common.tree(build, instrument_id)
    nodes_by_id = {n["id"]: n for n in nodes}
    first = next((n["id"] for n in nodes if n["kind"] == "provision"), None)
    current = requested if requested else first

    left, right = st.columns([1, 2], gap="large")
    with left:
        st.markdown("##### Contents")
        with st.container(height=640):
            contents(nodes, current)
    with right:
        if current:
            provision_view(build, current, nodes_by_id, by_id)
        else:
            st.info("This instrument has no provisions.")
