"""Ask in plain words: the search CLI on the real index, citations, batch mode and bad input."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from kg.search.answering import PER_ARTICLE
from tests.conftest import run_cli


def search_json(*args):
    result = run_cli("search", *args, "--json", check=True)
    return json.loads(result.stdout)


def test_plain_question_returns_cited_provisions(built_graph):
    hits = search_json("Which companies have to publish a statement on slavery in their supply chains?", "-k", "10")
    assert 1 <= len(hits) <= 10
    for field in ("provision", "instrument", "citation", "score", "text"):
        assert field in hits[0]
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert any(h["provision"].startswith(("uk-msa-2015/s54", "ca-forced-labour-supply-chains-2023/s11",
                                          "au-msa-2018/s13")) for h in hits)


def test_one_article_does_not_fill_the_list(built_graph):
    hits = search_json("customer due diligence measures", "-k", "10")
    groups = Counter(h["provision"].split("/")[0] + "/" + h["provision"].split("/")[1] for h in hits)
    assert max(groups.values()) <= PER_ARTICLE
    assert len(groups) >= 10 // PER_ARTICLE


def test_a_hit_names_the_point_that_answers(built_graph):
    hits = search_json("should the report describe training given to employees on forced labour", "-k", "10",
                       "--instrument", "ca-forced-labour-supply-chains-2023")
    named = {h["provision"]: h["citation"] for h in hits[:3]}
    assert named.get("ca-forced-labour-supply-chains-2023/s11/3/f", "").startswith("s.11(3)(f) ")


def test_instrument_filter(built_graph):
    hits = search_json("victims compensation", "--instrument", "eu-atd-2011", "-k", "5")
    assert hits and all(h["instrument"] == "eu-atd-2011" for h in hits)


@pytest.mark.parametrize("query, expected", [
    ("Article 9(5) Palermo", "palermo-protocol/art9/5"),
    ("s.54(1) Modern Slavery Act 2015", "uk-msa-2015/s54/1"),
    ("art 3 forced labour regulation", "eu-forced-labour-regulation-2024/art3"),
])
def test_citations_go_straight_to_the_provision(built_graph, query, expected):
    assert search_json(query)[0]["provision"] == expected


def test_batch_prints_one_array_per_query_in_order(built_graph, tmp_path):
    queries = tmp_path / "queries.txt"
    queries.write_text("Article 9(5) Palermo\n\nwho enforces the transparency duty?\n", encoding="utf-8")
    result = run_cli("search", "--batch", str(queries), "-k", "3", "--json", check=True)
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert json.loads(lines[0])[0]["provision"] == "palermo-protocol/art9/5"
    assert json.loads(lines[1]) == []  # the empty line: a message on stderr, an empty answer
    assert "empty" in result.stderr


def test_empty_query_is_a_clear_error(built_graph):
    result = run_cli("search", "   ")
    assert result.returncode == 2 and "empty" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("query", [
    "forced labour " * 800,                      # ~10,000 characters
    "victims\x07 of\x1b trafficking\x1b[31m",   # control characters
    "¿Quién debe informar sobre el trabajo forzoso en sus cadenas de suministro?",  # another language
    "人口贩运的受害者",                              # no Latin letters
])
def test_odd_queries_still_answer(built_graph, query):
    result = run_cli("search", query, "-k", "3", "--json")
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)


def test_null_bytes_and_control_characters_through_the_api(built_graph):
    from kg.search.answering import search

    hits, notes = search("victims\x00 of \x07trafficking", k=3, with_related=False)
    assert hits and any("Control characters" in n for n in notes)


def test_a_provision_is_found_by_words_only_its_generated_questions_use(built_graph):
    """Document expansion: BM25 reads the plain-language questions written for each provision
    (kg/search_data), so a word the law never uses ("regulator", where it says "supervisor" or
    "competent authority") still finds the provisions people ask about in that word."""
    from kg.search.answering import search
    from kg.search.ranking import current_index, tokens

    units = current_index().units
    in_law = {word for u in units for word in tokens(f"{u.embedding_text()} {u.context}")}
    asked = Counter(word for u in units for word in set(tokens(" ".join(u.questions))) - in_law)
    word = max(asked, key=lambda w: (asked[w], w))  # the everyday word most asked with, that the law lacks
    asked_about = tuple(u.provision for u in units if word in tokens(" ".join(u.questions)))
    hits, _ = search(word, k=10, mode="lexical", with_related=False)
    assert hits, word
    assert all(hit.provision.startswith(asked_about) for hit in hits), word


def test_search_quality_floor(built_graph):
    """Floors on the two sets no setting was chosen on (README, Search): the frozen test part of the
    gold questions and the blind set. Hybrid hit@5 is 0.860 and 0.851 on them, MRR 0.721 and 0.686;
    the floors leave three and four questions for the spread between training runs. The second stage
    (late interaction) must not cost either set more than 0.01 of MRR (it gains 0.043 and 0.024).
    On the development part, adapting the encoder must keep its gain over the stock model, and
    fusing BM25 must not cost the adapted ranker anything."""
    from kg.evaluate import evaluate_search

    report = evaluate_search(compare_stock=True)
    for which, floor, mrr_floor in (("test", 0.83, 0.69), ("blind", 0.83, 0.66)):
        hybrid = report[which]["hybrid"]
        assert hybrid["hit@5"] >= floor and hybrid["mrr"] >= mrr_floor, (which, hybrid)
        assert hybrid["hit@10"] >= hybrid["hit@5"]
        assert hybrid["mrr"] >= report[which]["hybrid, first stage"]["mrr"] - 0.01, (which, hybrid)
    dev = report["dev"]
    assert dev["dense"]["hit@5"] >= dev["dense, stock model"]["hit@5"] + 0.12
    assert dev["hybrid"]["mrr"] >= dev["dense"]["mrr"] - 0.02
    assert dev["hybrid"]["mrr"] > dev["lexical"]["mrr"] + 0.05


def test_a_unit_is_found_by_its_best_point(built_graph, monkeypatch):
    """Art. 6(7) of the Forced Labour Regulation lists a dozen tasks of the Union Network; the one
    about training, point (j), lies beyond the words the unit's own vector reads, and a dozen other
    tasks dilute it. The point's vector finds it."""
    import kg.search.ranking
    from kg.search.answering import search

    question = "who organises training and capacity building for authorities enforcing the forced labour product ban"

    def rank():
        hits, _ = search(question, k=10, mode="dense", with_related=False)
        found = [i for i, h in enumerate(hits, 1) if h.provision.startswith("eu-forced-labour-regulation-2024/art6/7")]
        return found[0] if found else None

    assert (rank() or 99) <= 3
    monkeypatch.setattr(kg.search.ranking, "POINT_WEIGHT", 0.0)
    assert rank() is None
