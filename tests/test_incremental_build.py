"""A user adds an instrument: the next build reuses the search encoder and embeds only the new texts
(kg.search.adaptation's re-adaptation policy), on the real texts."""

from __future__ import annotations

import json
import uuid

import pytest

from kg.search.adaptation import (REUSE_UNSEEN_SHARE, cached_encoders, instrument_pairs, pair_digest,
                                  reuse_candidate, training_pairs)
from kg.search.late_interaction import late_encoder
from kg.search.models import encoder_dir
from kg.store.builds import BuildPaths
from tests.conftest import REPO, run_cli


@pytest.fixture(scope="module")
def shipped_units():
    from ingest.catalogue import list_instruments
    from kg.search.units import index_units

    return index_units([(i, i.parse()) for i in list_instruments()])


def digests(units, leave_out: tuple[str, ...] = ()) -> list[str]:
    return [pair_digest(pair) for pair in training_pairs([u for u in units if u.instrument not in leave_out])]


def test_an_added_instrument_leaves_the_other_instruments_pairs_as_they_were(shipped_units):
    # each paragraph's held-out sentence is its own: adding the CSDDD (which sorts before eight other
    # instruments) must not change their pairs, or they would all count as unseen
    with_csddd = set(training_pairs(shipped_units))
    without = set(training_pairs([u for u in shipped_units if u.instrument != "eu-csddd-2024"]))
    assert without < with_csddd
    new = {i for i, pair in instrument_pairs(shipped_units) if pair in with_csddd - without}
    assert new == {"eu-csddd-2024"}


def test_an_encoder_trained_without_a_small_instrument_is_reused(shipped_units):
    corpus = digests(shipped_units)
    trained = {"without-csddd": frozenset(digests(shipped_units, ("eu-csddd-2024",)))}
    csddd = sum(1 for i, _ in instrument_pairs(shipped_units) if i == "eu-csddd-2024")
    assert 0 < csddd < REUSE_UNSEEN_SHARE * len(corpus)
    assert reuse_candidate(corpus, trained) == ("without-csddd", csddd)


def test_an_encoder_that_has_not_seen_much_of_the_corpus_is_not_reused(shipped_units):
    corpus = digests(shipped_units)
    big = ("eu-amla-2024", "eu-amlr-2024")  # about two fifths of the pairs
    assert reuse_candidate(corpus, {"without-aml": frozenset(digests(shipped_units, big))}) is None


def test_the_threshold_is_the_share_of_the_corpus_pairs_the_encoder_has_not_seen(shipped_units):
    corpus = digests(shipped_units)
    allowed = int(REUSE_UNSEEN_SHARE * len(corpus))
    assert reuse_candidate(corpus, {"a": frozenset(corpus[allowed:])}) == ("a", allowed)
    assert reuse_candidate(corpus, {"a": frozenset(corpus[allowed + 1:])}) is None
    # pairs the encoder saw that are no longer in the corpus do not count against it
    assert reuse_candidate(corpus[allowed:], {"a": frozenset(corpus)}) == ("a", 0)
    assert reuse_candidate([], {"a": frozenset(corpus)}) is None


def test_the_encoder_that_has_seen_most_of_the_corpus_is_preferred_then_the_current_one(shipped_units):
    corpus = digests(shipped_units)
    minus_csddd = frozenset(digests(shipped_units, ("eu-csddd-2024",)))
    minus_flr = frozenset(digests(shipped_units, ("eu-forced-labour-regulation-2024", "eu-csddd-2024")))
    assert reuse_candidate(corpus, {"a": minus_flr, "b": minus_csddd})[0] == "b"
    # a tie: the current build's encoder, whatever the order of the keys
    assert reuse_candidate(corpus, {"a": minus_csddd, "z": minus_csddd}, current="z")[0] == "z"
    assert reuse_candidate(corpus, {"z": minus_csddd, "a": minus_csddd}, current="a")[0] == "a"
    # a tie and no current one: the encoder trained on fewer pairs that are not in the corpus
    wider = minus_csddd | {"0123456789abcdef"}
    assert reuse_candidate(corpus, {"a": wider, "b": minus_csddd})[0] == "b"


def manifest(data) -> dict:
    return json.loads(BuildPaths(data / "current").manifest.read_text(encoding="utf-8"))


def test_adding_an_instrument_reuses_the_encoder_and_embeds_only_its_texts(built_graph, scratch_data, tmp_path):
    from kg.search.units import Unit

    data, sources = scratch_data
    run_cli("build", "--quiet", "--sources", str(sources), check=True)  # the user's graph before the addition
    before = manifest(data)
    encoders_before = set(cached_encoders())
    assert before["search"]["encoder"] in encoders_before

    # a real convention under a title of its own: its search texts (which name the instrument) and its
    # training pairs are new; its theme texts and points ("heading: text") are the original's
    law = tmp_path / "c029.txt"
    law.write_text((REPO / "ingest" / "sources" / "ilo-c029-forced-labour-1930" / "text.txt").read_text(
        encoding="utf-8"), encoding="utf-8")
    title = f"Forced Labour Convention copy {uuid.uuid4().hex[:8]}"  # new on every run, even to a shared cache
    run_cli("add", str(law), "--sources", str(sources), "--id", "c029-copy", "--title", title,
            "--short-title", title, "--jurisdiction", "INT", "--layout", "treaty", check=True)
    built = run_cli("build", "--sources", str(sources), check=True)
    after = manifest(data)

    units = [Unit(**u) for u in json.loads(BuildPaths(data / "current").search_index.units.read_text(encoding="utf-8"))]
    new_pairs = sum(1 for i, _ in instrument_pairs(units) if i == "c029-copy")
    adaptation = after["search"]["adaptation"]
    assert adaptation["status"] == "reused" and after["search"]["encoder"] == before["search"]["encoder"]
    assert adaptation["unseen_by_instrument"] == {"c029-copy": new_pairs} and new_pairs > 0
    assert adaptation["unseen_share"] == pytest.approx(new_pairs / adaptation["pairs"], abs=1e-4)
    assert set(cached_encoders()) == encoders_before  # nothing was trained
    assert not encoder_dir(f"{before['search']['encoder']}.partial").exists()
    assert after["stages"]["adapt search encoder"] < 30  # an adaptation takes minutes
    # the reranking encoder, in the reused encoder's folder, is reused with it
    assert after["search"]["late_encoder"] == before["search"]["late_encoder"] == late_encoder(
        before["search"]["encoder"])
    assert after["stages"]["train the reranking encoder"] < 30

    # each new text is embedded twice (its vector, and its word pieces' for the second stage); nothing else
    new_texts = {u.embedding_text() for u in units if u.instrument == "c029-copy"}
    search = after["embedded"]["search"]
    assert search["by_cache"]["vectors"]["embedded"] == len(new_texts)
    assert search["by_cache"]["search-tokens"]["embedded"] == len(new_texts)
    assert search["by_cache"]["search-points"]["embedded"] == 0
    assert search["cached"] > 3000 and search["embedded"] == 2 * len(new_texts)
    assert after["embedded"]["themes"]["embedded"] == 0 and after["embedded"]["themes"]["cached"] > 3000
    assert "Search encoder: reused" in built.stdout and f"{2 * len(new_texts)} texts for search" in built.stdout
