"""Coherence: theme coverage across instruments and jurisdictions (heatmap; a cell lists its
provisions), nearest equivalents side by side (marked where one explicitly cites the other), the
scorecard against the FAST briefing's four recommendations, and the references between
instruments. Each view downloads as CSV, JSON and a print-ready one-page HTML report (the
references as CSV and JSON)."""

import json

import altair as alt
import pandas as pd
import streamlit as st

from kg.spreadsheet import frame_csv
from ui import charts, common

STANCE = {"for": "✔", "against": "✘", "none": "–"}
CITED_BADGE = ("<span style='background:#1f5f8b;color:white;font-size:0.78rem;padding:1px 7px;"
               "border-radius:10px'>explicit reference</span>")


@st.cache_data(show_spinner="Loading the coverage matrix…")
def load_matrix(build: str, by: str) -> dict:
    from kg.analysis import coherence

    return coherence.matrix(by)


@st.cache_data(show_spinner="Finding nearest equivalents…")
def load_equivalents(build: str, provision: str, k: int) -> dict:
    from kg.analysis import coherence

    return coherence.equivalents(provision, k=k)


@st.cache_data(show_spinner="Gathering the evidence…")
def load_scorecard(build: str, code: str) -> dict:
    from kg.analysis.scorecard import scorecard

    return scorecard(code)


@st.cache_data(show_spinner=False)
def labels(build: str) -> dict[str, str]:
    from kg.analysis.themes import theme_labels

    return theme_labels()


def downloads(name: str, frame: pd.DataFrame, data: dict, html_report: str, key: str) -> None:
    c1, c2, c3 = st.columns(3)
    c1.download_button("Download CSV", frame_csv(frame), file_name=f"{name}.csv", mime="text/csv",
                       key=f"{key}-csv")
    c2.download_button("Download JSON", json.dumps(data, ensure_ascii=False, indent=1), file_name=f"{name}.json",
                       mime="application/json", key=f"{key}-json")
    c3.download_button("Download the one-page report (HTML, print-ready)", html_report,
                       file_name=f"{name}.html", mime="text/html", key=f"{key}-html")


def related(referenced: str, counterpart: str) -> bool:
    """The same provision, or one inside the other (a reference to Art. 2 concerns Art. 2(1)). A
    reference to a whole instrument marks none of its provisions."""
    if "/" not in referenced:
        return False
    return (referenced == counterpart or referenced.startswith(counterpart + "/")
            or counterpart.startswith(referenced + "/"))


def explicit_reference(counterpart: str, refs: dict[str, list[dict]]) -> str | None:
    """Similar wording is a guess; a citation is a fact. Say so when the selected provision cites
    this counterpart, or is cited by it, with the citing words."""
    for ref in refs["cites"]:
        if related(ref["id"], counterpart):
            return (f"{CITED_BADGE} **The selected provision cites {common.md(ref['citation'])}**: "
                    f"“{common.md(ref['citing_text'])}”")
    for ref in refs["cited_by"]:
        if related(ref["id"], counterpart):
            return f"{CITED_BADGE} **This cites the selected provision**: “{common.md(ref['citing_text'])}”"
    return None


def explicit_references_line(refs: dict[str, list[dict]]) -> str | None:
    """All explicit references of the selected provision, found or not among the counterparts."""
    parts = [f"cites {', '.join(reference_links(refs['cites']))}" if refs["cites"] else "",
             f"is cited by {', '.join(reference_links(refs['cited_by']))}" if refs["cited_by"] else ""]
    parts = [p for p in parts if p]
    return "Explicit references: it " + "; it ".join(parts) + "." if parts else None


def reference_links(refs: list[dict], most: int = 10) -> list[str]:
    unique = {r["id"]: r["citation"] for r in refs}
    links = [common.link(c, common.resource_link(i)) for i, c in list(unique.items())[:most]]
    return links + ([f"{len(unique) - most} more"] if len(unique) > most else [])


def references_table(build: str) -> None:
    """Every provision-level reference between instruments, filterable, with its citing words."""
    rows = common.cross_references(build)
    if not rows:
        st.info("No references between instruments were found in this build.")
        return
    names = {r["id"]: r["shortTitle"] for r in common.instruments(build)}
    frame = pd.DataFrame(rows)
    c1, c2 = st.columns(2)
    citing = c1.multiselect("Citing instrument", sorted(frame["citing_instrument"].unique()),
                            format_func=lambda i: names.get(i, i), key="xref-citing")
    cited = c2.multiselect("Cited instrument", sorted(frame["cited_instrument"].unique()),
                           format_func=lambda i: names.get(i, i), key="xref-cited")
    if citing:
        frame = frame[frame["citing_instrument"].isin(citing)]
    if cited:
        frame = frame[frame["cited_instrument"].isin(cited)]
    st.caption(f"{len(frame):,} reference(s): each row is a provision that names another instrument of the corpus, "
               "the provision it cites (or the instrument, when no provision is named or our copy lacks it) and "
               "the citing words as evidence.")
    shown = frame.assign(citing_link=frame["citing"].map(common.provision_link),
                         cited_link=frame["cited"].map(common.resource_link))
    st.dataframe(shown[["citing_citation", "cited_citation", "citing_text", "citing_link", "cited_link"]],
                 hide_index=True, width="stretch", column_config={
                     "citing_citation": "Citing provision",
                     "cited_citation": "Cited provision or instrument",
                     "citing_text": st.column_config.TextColumn("Citing words", width="medium"),
                     "citing_link": st.column_config.LinkColumn("Citing", display_text="open", width="small"),
                     "cited_link": st.column_config.LinkColumn("Cited", display_text="open", width="small")})
    export = frame[["citing", "citing_citation", "citing_instrument", "cited", "cited_citation", "cited_instrument",
                    "cited_label", "citing_text"]]
    c1, c2 = st.columns(2)
    c1.download_button("Download CSV", frame_csv(export), file_name="cross-references.csv",
                       mime="text/csv", key="xref-csv")
    c2.download_button("Download JSON", export.to_json(orient="records", force_ascii=False, indent=1),
                       file_name="cross-references.json", mime="application/json", key="xref-json")


def heatmap(frame: pd.DataFrame, theme_names: dict[str, str], row_names: dict[str, str]) -> alt.Chart:
    """Rows × the 17 themes, every row and theme named in full (long names wrapped, theme names
    turned); a cell holds its number of articles or sections, or a dot for a candidate gap. A click
    selects the cell by its row id and theme code."""
    columns = {code: charts.wrap(name, 30) for code, name in theme_names.items()}
    shown = frame.assign(theme_label=frame["theme"].map(theme_names), column=frame["theme"].map(columns),
                         row_name=frame["row"].map(lambda r: row_names.get(r, r)),
                         gap=frame["candidate_gap"].map(lambda g: "candidate gap" if g else ""),
                         marker=[("·" if g else str(n or "")) for g, n in zip(frame["candidate_gap"], frame["provisions"])])
    shown["row_label"] = shown["row_name"].map(lambda n: charts.wrap(n, 40))
    pick = alt.selection_point(fields=["row", "theme"], name="cell")
    base = alt.Chart(shown).encode(
        x=alt.X("column:N", title=None, sort=list(columns.values()), axis=charts.axis(angle=-90)),
        y=alt.Y("row_label:N", title=None, sort=[charts.wrap(row_names.get(r, r), 40) for r in shown["row"].unique()],
                axis=charts.axis()))
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("provisions:Q", scale=alt.Scale(scheme="blues"), title="Articles / sections",
                        legend=alt.Legend(orient="top", gradientLength=220)),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.55)),
        tooltip=[alt.Tooltip("row_name", title="Row"), alt.Tooltip("theme_label", title="Theme"),
                 alt.Tooltip("provisions", title="Articles / sections"), alt.Tooltip("obligations", title="Norms"),
                 "binding", "soft", alt.Tooltip("gap", title="Gap")]).add_params(pick)
    text = base.mark_text(fontSize=10).encode(
        text="marker:N", color=alt.condition("datum.provisions > 30", alt.value("white"), alt.value("black")))
    return charts.svg((cells + text).properties(height=alt.Step(32)))


st.title("Coherence")
st.caption("Where the laws cohere and where they leave gaps: every provision and obligation is classified into "
           "17 policy themes (method and confidence recorded), counted per instrument and jurisdiction, compared "
           "with its nearest equivalents, and weighed against the four recommendations of the UNU FAST briefing "
           "“Bridging the Gap”.")

with common.friendly_errors():
    build = common.build_id()
    from kg.analysis import coherence, report

    theme_names = labels(build)
    coverage_tab, compare_tab, score_tab, references_tab = st.tabs(
        ["Coverage matrix", "Side by side", "Scorecard", "References between instruments"])

    with coverage_tab, common.friendly_errors():  # a bad input spoils its own tab only
        by = st.radio("Rows", ["instrument", "jurisdiction"], horizontal=True, key="rows")
        matrix = load_matrix(build, by)
        frame = pd.DataFrame(matrix["cells"])
        row_names = (charts.instrument_names(common.instruments(build)) if by == "instrument"
                     else charts.jurisdiction_names(matrix["rows"]))
        event = st.altair_chart(heatmap(frame, theme_names, row_names), on_select="rerun", key="heatmap",
                                width="stretch")
        st.caption(f"Numbers: {matrix['counts']}. A dot marks a candidate gap: {matrix['gap_rule']}. "
                   "Click a cell (or pick it below) to list its provisions.")
        picked = (event.selection.get("cell") or [{}])[0] if event and getattr(event, "selection", None) else {}
        c1, c2 = st.columns(2)
        rows = matrix["rows"]
        row = c1.selectbox("Row", rows, index=rows.index(picked["row"]) if picked.get("row") in rows else 0,
                           format_func=lambda r: row_names.get(r, r))
        theme = c2.selectbox("Theme", matrix["themes"], format_func=theme_names.get,
                             index=matrix["themes"].index(picked["theme"]) if picked.get("theme") in matrix["themes"] else 0)
        cell = next(c for c in matrix["cells"] if c["row"] == row and c["theme"] == theme)
        kinds = ", ".join(f"{k} ({n})" for k, n in sorted(cell["bearer_kinds"].items(), key=lambda kv: -kv[1]))
        st.markdown(f"**{common.md(row_names.get(row, row))} × {common.md(theme_names[theme])}**: {cell['provisions']} article(s) "
                    f"or section(s); {cell['obligations']} norm(s), {cell['binding']} binding and {cell['soft']} soft"
                    + (f"; borne by {common.md(kinds)}" if kinds else "") + "."
                    + (f" Candidate gap: {common.md(cell['gap_reason'])}." if cell.get("candidate_gap") else ""))
        for pid in cell["provision_ids"][:60]:
            st.markdown(f"- {common.link(pid, common.provision_link(pid))}")
        flat = frame.assign(bearer_kinds=frame["bearer_kinds"].map(json.dumps),
                            provision_ids=frame["provision_ids"].map(" ".join))
        downloads(f"coverage-by-{by}", flat.drop(columns=[c for c in ("instruments",) if c in flat]), matrix,
                  report.matrix_html(matrix), "matrix")

    with compare_tab, common.friendly_errors():
        provision = st.text_input("Provision id", value=st.query_params.get("compare", "palermo-protocol/art6/6"),
                                  help="e.g. palermo-protocol/art6/6, eu-atd-2011/art17, uk-msa-2015/s54")
        k = st.slider("Counterparts per instrument", 1, 5, 3)
        result = load_equivalents(build, provision.strip(), k)
        st.markdown(f"**{common.link(result['citation'], common.provision_link(result['provision']))}** — "
                    f"themes: {common.md(', '.join(theme_names.get(t, t) for t in result['themes']) or 'none')}; "
                    f"norms: {common.md(', '.join(result['modalities']) or 'none')} on "
                    f"{common.md(', '.join(result['bearer_kinds']) or 'no named bearer')}")
        refs = common.references(build, result["provision"])
        line = explicit_references_line(refs)
        if line:
            st.markdown(line)
        st.caption(result["method"] + "; “explicit reference” marks a counterpart that the provision cites or that "
                   "cites it")
        blocks = result["by_instrument"]
        for start in range(0, len(blocks), 3):
            for column, block in zip(st.columns(3), blocks[start:start + 3]):
                with column:
                    st.subheader(common.md(block["instrument"]))
                    for m in block["matches"]:
                        flags = []
                        if not m["same_modality"]:
                            flags.append("modality differs")
                        if not m["same_bearer_kind"]:
                            flags.append("bearer kind differs")
                        cited = explicit_reference(m["provision"], refs)
                        st.markdown(
                            f"**{common.link(m['citation'], common.provision_link(m['provision']))}** "
                            f"· {m['score']:.2f}  \n{common.md(m['text'][:260])}  \n"
                            f"<small>{common.md(', '.join(m['modalities']) or 'no norm')}{' on ' if m['modalities'] else ''}"
                            f"{common.md(', '.join(m['bearer_kinds']))}"
                            f"{' · ' + ', '.join(flags) if flags else ''} · "
                            f"{common.md(', '.join(theme_names.get(t, t) for t in m['themes']))}</small>"
                            + (f"  \n{cited}" if cited else ""),
                            unsafe_allow_html=True)
        pairs = pd.DataFrame([{**m, "instrument": b["instrument"], "themes": ", ".join(m["themes"]),
                               "modalities": ", ".join(m["modalities"]), "bearer_kinds": ", ".join(m["bearer_kinds"]),
                               "strengths": ", ".join(m["strengths"])} for b in blocks for m in b["matches"]])
        downloads(f"equivalents-{provision.strip().replace('/', '_')}", pairs, result, report.equivalents_html(result),
                  "equivalents")

        st.subheader("Themes one instrument covers and another does not")
        instruments = coherence.classified_instruments()
        a_col, b_col = st.columns(2)
        a = a_col.selectbox("Instrument A", instruments, index=instruments.index("uk-msa-2015")
                            if "uk-msa-2015" in instruments else 0)
        b = b_col.selectbox("Instrument B", instruments, index=instruments.index("au-msa-2018")
                            if "au-msa-2018" in instruments else 0)
        diff = coherence.theme_differences(a, b)
        a_col.markdown("Only in A: " + (", ".join(theme_names[t["theme"]] for t in diff["only_a"]) or "none"))
        b_col.markdown("Only in B: " + (", ".join(theme_names[t["theme"]] for t in diff["only_b"]) or "none"))
        st.caption("In both: " + (", ".join(theme_names[t["theme"]] for t in diff["both"]) or "none"))

    with score_tab, common.friendly_errors():
        codes = coherence.jurisdiction_codes()
        code = st.selectbox("Jurisdiction", codes, index=codes.index("GB") if "GB" in codes else 0,
                            key="scorecard-jurisdiction")
        card = load_scorecard(build, code)
        st.caption(f"Instruments that apply: {common.md(', '.join(card['instruments']))}. {common.md(card['note'])}")
        for rec in card["recommendations"]:
            with st.container(border=True):
                st.subheader(common.md(rec["title"]))
                st.caption(f"Looks for: {common.md(rec['looks_for'])}")
                st.markdown(f"**{common.md(rec['summary'])}**")
                for ev in rec["evidence"]:
                    link = common.link(ev["label"], ev.get("link"))  # a source URL that is not http(s): text
                    quote = (f" — “{common.md(ev['quote'][:200])}{'…' if len(ev['quote']) > 200 else ''}”"
                             if ev.get("quote") else "")
                    year = f" ({ev['year']})" if ev.get("year") else ""
                    st.markdown(f"{STANCE.get(ev['stance'], '')} {link}{year}: {common.md(ev['why'])}{quote}")
        evidence = pd.DataFrame([{"recommendation": r["title"], **e} for r in card["recommendations"]
                                 for e in r["evidence"]])
        downloads(f"scorecard-{code}", evidence, card, report.scorecard_html(card), "scorecard")

    with references_tab, common.friendly_errors():
        references_table(build)
