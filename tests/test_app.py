"""The app, through Streamlit's AppTest: overview, instrument browser, shareable provision links."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

APP = str(REPO / "app.py")


def run_app(page: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    if page is None and query:
        page = "ui/browse.py"  # what /browse?provision=… opens
    if page:
        at.switch_page(page)
    return at.run()


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [h.value for h in at.header] + [h.value for h in at.subheader]
    parts += [w.value for w in at.warning] + [e.value for e in at.error] + [t.value for t in at.title]
    parts += [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def test_overview_shows_counts_chart_and_partial_texts(built_graph):
    at = run_app()
    assert not at.exception
    assert at.title[0].value == "Policy Coherence Graph"
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Instruments"]) >= 14
    assert int(metrics["Partial texts"]) >= 1
    text = page_text(at)
    assert "Modern Slavery Act 2018 (Cth)" in text or "Australia" in text
    assert "Schedule 3" in text  # what is missing from the UK text is said


def test_shareable_link_opens_the_provision(built_graph):
    at = run_app(provision="uk-msa-2015/s54/1")
    assert not at.exception
    text = page_text(at)
    assert "s.54(1) Modern Slavery Act 2015" in text
    assert "A commercial organisation within subsection (2) must prepare a slavery and human trafficking" in text
    assert "Partial text" in text  # the UK copy lacks Schedule 3's list


def test_palermo_article_shows_points_as_sub_provisions(built_graph):
    at = run_app(provision="palermo-protocol/art3")
    assert not at.exception
    labels = [b.label for b in at.button]
    assert any(label.startswith("Art. 3(a)") for label in labels)
    assert any(label.startswith("Art. 3(d)") for label in labels)


def test_clicking_a_sub_provision_opens_it(built_graph):
    at = run_app(provision="palermo-protocol/art9")
    target = next(b for b in at.button if b.label.startswith("Art. 9(5)"))
    at = target.click().run()
    assert at.query_params["provision"] in ("palermo-protocol/art9/5", ["palermo-protocol/art9/5"])
    assert "States Parties shall adopt or strengthen legislative or other measures" in page_text(at)


@pytest.mark.parametrize("bad", ["no-such-law/art1", "uk-msa-2015/s999", "../../etc/passwd", "x" * 500])
def test_bad_links_give_a_message_not_a_traceback(built_graph, bad):
    at = run_app(provision=bad)
    assert not at.exception
    assert at.error, "a bad link should say what is wrong"


def test_instrument_link_opens_its_contents(built_graph):
    at = run_app(instrument="eu-forced-labour-regulation-2024")
    assert not at.exception
    labels = [b.label for b in at.button]
    assert any(label.startswith("Art. 3 ") for label in labels)
    assert any(label.startswith("Recital 1") for label in labels)


def test_who_must_do_what_filters_by_actor_kind(built_graph):
    at = run_app(page="ui/obligations.py")
    assert not at.exception
    shown = {m.label: int(str(m.value).replace(",", "")) for m in at.metric}
    assert shown["Norms shown"] > 1000 and shown["Soft"] > 0
    kind = next(m for m in at.multiselect if m.label == "Actor kind")
    at = kind.set_value(["fiu"]).run()
    narrowed = {m.label: int(str(m.value).replace(",", "")) for m in at.metric}
    assert 0 < narrowed["Norms shown"] < shown["Norms shown"]
    assert any("FIU" in str(m.value) for m in at.markdown)


def test_provision_view_lists_its_obligations(built_graph):
    at = run_app(provision="uk-msa-2015/s54/1")
    text = page_text(at)
    assert "Who must do what here" in text
    assert "commercial-organisation" in text.lower() or "Commercial organisation" in text


def test_ask_page_answers_and_keeps_the_question_in_the_url(built_graph):
    at = run_app(page="ui/ask.py", q="Who must prepare a slavery and human trafficking statement?")
    assert not at.exception
    assert "Who must prepare" in at.query_params["q"][0] if isinstance(at.query_params["q"], list) \
        else "Who must prepare" in at.query_params["q"]
    links = "\n".join(m.value for m in at.markdown)
    assert "/browse?provision=" in links


def test_ask_page_says_when_the_question_names_an_instrument(built_graph):
    at = run_app(page="ui/ask.py", q="Must Canadian companies put their report on their website?")
    assert not at.exception
    assert any("'Canadian'" in i.value and "rank first" in i.value for i in at.info)
    assert "ca-forced-labour-supply-chains-2023" in "\n".join(m.value for m in at.markdown)


def test_ask_page_gives_the_direct_answer_before_the_provisions(built_graph):
    at = run_app(page="ui/ask.py", q="Who must prepare a slavery and human trafficking statement?")
    assert not at.exception
    assert [s.value for s in at.subheader] == ["The answer the graph holds", "Provisions that answer, best first"]
    text = "\n".join(m.value for m in at.markdown)
    assert "<div class='direct-answer'>A commercial organisation within subsection (2)</div>" in text
    assert "**Must:** prepare a slavery and human trafficking statement" in text
    assert "Source: [s.54(1) Modern Slavery Act 2015](/browse?provision=uk-msa-2015%2Fs54%2F1)" in text
    assert text.index("direct-answer") < text.index("**1. [")  # the answer first, then the ranked provisions


def test_ask_page_answers_each_instrument_side_by_side(built_graph):
    at = run_app(page="ui/ask.py", q="Who has to prepare a modern slavery statement under the UK Act and "
                                     "under the Australian Act?")
    assert not at.exception
    assert at.subheader[0].value == "The answer the graph holds in each instrument"
    captions = [c.value for c in at.caption]
    assert "Modern Slavery Act 2015" in captions and "Modern Slavery Act 2018 (Cth)" in captions


def test_ask_page_gives_the_defined_term(built_graph):
    at = run_app(page="ui/ask.py", q="What does the CSDDD call a micro, small or medium-sized undertaking that "
                                     "is not part of a large group?")
    text = "\n".join(m.value for m in at.markdown)
    assert "<div class='direct-answer'>SME</div>" in text and "defined term" in text
    assert "provision=eu-csddd-2024%2Fart3%2F1%2Fi" in text


def test_ask_page_without_a_confident_answer_shows_only_provisions(built_graph):
    at = run_app(page="ui/ask.py", q="Who must water the plants in the embassy garden?")
    assert not at.exception and not at.subheader
    assert any("no provision answers it with confidence" in i.value for i in at.info)
    assert "**1. [" in "\n".join(m.value for m in at.markdown)


def test_ask_page_empty_question_shows_no_error(built_graph):
    at = run_app(page="ui/ask.py")
    assert not at.exception and not at.error


def test_coordination_gaps_page_shows_status_network_and_evidence(built_graph):
    at = run_app(page="ui/gaps.py")
    assert not at.exception
    body = next(s for s in at.selectbox if s.label == "Body")
    at = body.set_value("CA-NSCHT").run()
    text = page_text(at)
    assert "represented" in text and "FINTRAC" in text
