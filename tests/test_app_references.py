"""The app's views of references between instruments, footnotes, versions of the texts and the
financial sector, through Streamlit's AppTest on the real graph."""

from __future__ import annotations

from tests.test_app import page_text, run_app


def html_of(at) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def test_australian_definition_cites_the_palermo_protocol_with_its_words(built_graph):
    at = run_app(provision="au-msa-2018/s4")
    assert not at.exception and not at.error
    html = html_of(at)
    cites = html[html.index("Cites in other instruments"):html.index("Cited by other instruments")]
    assert "href='/browse?provision=palermo-protocol%2Fart3'" in cites
    assert "Art. 3 Palermo Protocol</a> <span class='other-instrument'>· Palermo Protocol (INT)</span>" in cites
    assert "“Article 3 of the Protocol to Prevent, Suppress and Punish Trafficking in Persons”" in cites
    assert "None: no provision of another instrument in the corpus cites this provision." in page_text(at)


def test_palermo_article_3_is_cited_by_the_australian_act(built_graph):
    at = run_app(provision="palermo-protocol/art3")
    assert not at.exception
    html = html_of(at)
    cited_by = html[html.index("Cited by other instruments"):]
    assert "href='/browse?provision=au-msa-2018%2Fs4'" in cited_by
    assert "s.4 Modern Slavery Act 2018 (Cth)</a> <span class='other-instrument'>· Modern Slavery Act 2018 (Cth) (AU)" \
        in cited_by
    assert "None: neither this provision nor its parts cite another instrument of the corpus." in page_text(at)


def test_article_view_lists_the_references_of_its_points(built_graph):
    # the CSDDD's Annex cites the ILO Forced Labour Convention in Part I, section 1, point 11
    at = run_app(provision="eu-csddd-2024/annex")
    html = html_of(at)
    assert "href='/browse?provision=ilo-c029-forced-labour-1930%2Fart2%2F1'" in html
    assert "(in Annex, Part I, section 1, point 11)" in html


def test_footnotes_are_shown_below_the_text(built_graph):
    at = run_app(provision="eu-csddd-2024/art2/8")
    html = html_of(at)
    text_at, notes_at = html.index("provision-text"), html.index("<b>Footnotes</b>")
    assert text_at < notes_at
    assert "[31] Directive 2011/61/EU" in html and "[32] Directive 2009/65/EC" in html


def test_overview_says_which_version_and_draws_the_references(built_graph):
    at = run_app()
    assert not at.exception
    text = page_text(at)
    assert "Which version of each text" in text
    csddd = next(line for line in text.splitlines() if line.startswith("- **CSDDD**"))
    assert "As adopted, 2024" in csddd and "not incorporated" in csddd
    partial = [w.value for w in at.warning]
    assert not any("Modern Slavery Act 2018" in w for w in partial), "the Australian Act is complete now"
    charts = at.get("graphviz_chart")
    assert charts, "the network of references between instruments is drawn"
    dot = charts[0].proto.spec
    assert '"au-msa-2018" -> "palermo-protocol"' in dot
    assert '"eu-csddd-2024" -> "ilo-c029-forced-labour-1930"' in dot
    assert "provision-level reference(s)" in dot  # edge tooltips


def test_financial_sector_of_the_csddd(built_graph):
    at = run_app(page="ui/obligations.py", instrument="eu-csddd-2024")
    assert not at.exception and not at.error
    html = html_of(at)
    for heading in ("Brings them in", "Leaves out or narrows", "Supervision", "Reporting", "Left to a review"):
        assert f"##### {heading}" in html
    assert "eu-csddd-2024%2Fart3%2F1%2Fa%2Fiii" in html and "eu-csddd-2024%2Fart36%2F1" in html
    assert "Explained by <a href='/browse?provision=eu-csddd-2024%2Frec26'" in html
    assert "Binding norms on companies that bind financial undertakings too" in html
    assert "Speaks of them by citing <a href='/browse?provision=eu-csddd-2024%2Fart3%2F1%2Fa%2Fiii'" in html
    labels = {b.label for b in at.get("download_button")}
    assert {"Download the financial-sector items (CSV)", "Download the financial-sector items (JSON)"} <= labels


def test_financial_sector_asks_for_an_instrument_when_none_is_chosen(built_graph):
    at = run_app(page="ui/obligations.py")
    assert not at.exception
    assert any("Choose an instrument" in i.value for i in at.info)
    picker = next(s for s in at.selectbox if s.label == "Instrument")
    at = picker.set_value("uk-msa-2015").run()
    assert not at.exception
    assert any("No provision of Modern Slavery Act 2015 names a financial undertaking" in i.value for i in at.info)


def test_coherence_marks_a_counterpart_that_is_cited(built_graph):
    at = run_app(page="ui/coherence.py", compare="eu-forced-labour-regulation-2024/art2")
    assert not at.exception and not at.error
    html = html_of(at)
    assert "Explicit references: it cites [Art. 2 ILO Forced Labour Convention (C029)]" in html
    assert "explicit reference</span> **The selected provision cites Art. 2 ILO Forced Labour Convention (C029)**" \
        in html


def test_coherence_lists_the_references_between_instruments(built_graph):
    at = run_app(page="ui/coherence.py")
    citing = next(m for m in at.multiselect if m.label == "Citing instrument")
    at = citing.set_value(["au-msa-2018"]).run()
    assert not at.exception
    assert any("4 reference(s)" in c.value for c in at.caption)
    frame = next(d for d in at.dataframe if "citing_text" in d.value.columns).value
    assert "Art. 3 Palermo Protocol" in set(frame["cited_citation"])
    assert all(c.startswith("s.") for c in frame["citing_citation"])


def test_scorecard_page_shows_the_csddd_financial_items(built_graph):
    at = run_app(page="ui/coherence.py")
    at = next(s for s in at.selectbox if s.label == "Jurisdiction").set_value("EU").run()
    assert not at.exception
    text = html_of(at)
    assert "[Art. 24(6) CSDDD](/browse?provision=eu-csddd-2024%2Fart24%2F6)" in text
    assert "✘ [Art. 2(8) CSDDD](/browse?provision=eu-csddd-2024%2Fart2%2F8)" in text
