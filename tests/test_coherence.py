"""Policy coherence across instruments: an adviser sees what each provision is about (themes with
confidence and method), how the same matter is handled in the other instruments, where coverage
is thin, and how a jurisdiction stands against the four recommendations of "Bridging the Gap"."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli


def themes_of(provision: str) -> set[str]:
    from kg.analysis.coherence import provision_themes

    return {a["theme"] for a in provision_themes(provision)}


@pytest.mark.parametrize("provision, theme", [
    ("palermo-protocol/art6/6", "remedy-compensation"),
    ("eu-atd-2011/art17", "remedy-compensation"),
    ("uk-msa-2015/s54", "disclosure-transparency"),
    ("ca-forced-labour-supply-chains-2023/s11", "disclosure-transparency"),
    ("eu-forced-labour-regulation-2024/art3", "market-bans-supply-chain"),
])
def test_spot_checks_fall_under_their_theme(built_graph, provision, theme):
    assert theme in themes_of(provision)


def test_victim_compensation_provisions_are_each_others_nearest_equivalents(built_graph):
    from kg.analysis.coherence import equivalents

    def top3(provision: str, instrument: str) -> list[str]:
        result = equivalents(provision, k=3, instruments=[instrument])
        return [m["provision"] for m in result["by_instrument"][0]["matches"]]

    assert "eu-atd-2011/art17" in top3("palermo-protocol/art6/6", "eu-atd-2011")
    assert "palermo-protocol/art6/6" in top3("eu-atd-2011/art17", "palermo-protocol")


def test_equivalents_compare_modality_and_bearer_kind_side_by_side(built_graph):
    result = json.loads(run_cli("equivalents", "palermo-protocol/art6/6", "--json", check=True).stdout)
    assert result["modalities"] == ["obligation"] and "state" in result["bearer_kinds"]
    uk = next(b for b in result["by_instrument"] if b["instrument"] == "uk-msa-2015")
    assert len(uk["matches"]) == 3
    for match in uk["matches"]:
        assert {"modalities", "bearer_kinds", "same_modality", "same_bearer_kind", "themes"} <= set(match)


def test_every_assignment_records_confidence_method_and_classifier(built_graph):
    from kg.store.queries import select
    from kg.store.builds import open_store

    rows = select(open_store(built_graph), """
        SELECT ?confidence ?method ?agent WHERE {
          ?a pcg:assignedTo <https://w3id.org/policy-coherence-graph/id/eu-atd-2011/art17> ;
             pcg:theme pcg:remedy-compensation ; pcg:confidence ?confidence ;
             pcg:classificationMethod ?method ; prov:wasAttributedTo ?agent . }""")
    assert len(rows) == 1
    assert 0 < rows[0]["confidence"] <= 1 and rows[0]["method"] in ("model", "model+cue")
    assert "classifier/themes-" in rows[0]["agent"]


def test_obligations_have_themes_too(built_graph):
    from kg.store.queries import select
    from kg.store.builds import open_store

    rows = select(open_store(built_graph), """
        SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a pcg:Obligation ; pcg:hasTheme ?t }""")
    assert rows[0]["n"] > 1000


def test_themes_cli_lists_provisions_with_confidence_and_method(built_graph):
    lines = run_cli("themes", "--instrument", "uk-msa-2015", "--json", check=True).stdout.splitlines()
    rows = {r["provision"]: r for r in map(json.loads, lines)}
    s54 = rows["uk-msa-2015/s54"]
    assert any(t["theme"] == "disclosure-transparency" for t in s54["themes"])
    assert all(0 < t["confidence"] <= 1 and t["method"] for t in s54["themes"])
    assert run_cli("themes", "--instrument", "no-such-act").returncode == 2


def test_coverage_matrix_has_every_cell_and_states_its_gap_rule(built_graph):
    from kg.analysis.coherence import matrix

    m = matrix("instrument")
    assert len(m["cells"]) == len(m["rows"]) * len(m["themes"]) == len(m["rows"]) * 17
    cell = next(c for c in m["cells"] if c["row"] == "uk-msa-2015" and c["theme"] == "disclosure-transparency")
    assert "uk-msa-2015/s54" in cell["provision_ids"] and cell["obligations"] >= cell["binding"] > 0
    assert "business" in cell["bearer_kinds"]
    gaps = [c for c in m["cells"] if c["candidate_gap"]]
    assert gaps and all(c["provisions"] == 0 and c["gap_reason"] for c in gaps)
    by_jurisdiction = matrix("jurisdiction")
    assert {"GB", "AU", "CA", "EU"} <= set(by_jurisdiction["rows"])


def test_matrix_query_is_fast(built_graph):
    import time

    from kg.analysis import coherence

    coherence.matrix("instrument")  # warm: the file is read once per build
    start = time.perf_counter()
    coherence.matrix("jurisdiction")
    assert time.perf_counter() - start < 0.2


@pytest.mark.parametrize("code", ["GB", "AU", "CA"])
def test_scorecard_links_every_item_to_its_evidence(built_graph, code):
    card = json.loads(run_cli("coherence", "--jurisdiction", code, "--json", check=True).stdout)
    assert [r["id"] for r in card["recommendations"]] == [
        "survivor-informed-prevention", "business-conduct-remedy", "finance-human-rights-coherence",
        "financial-sector-partnerships"]
    for rec in card["recommendations"]:
        assert rec["evidence"], rec["title"]
        for item in rec["evidence"]:
            assert item["why"]
            if item["stance"] == "none":
                assert item["label"] == "no evidence in the graph"
            elif item["kind"] != "more":
                assert item["link"].startswith(("/browse?provision=", "http")), item
    assert card["coverage"] and all(c["row"] == code for c in card["coverage"])


def test_scorecard_for_australia_shows_the_lived_experience_members_and_the_stale_idc(built_graph):
    card = json.loads(run_cli("coherence", "--jurisdiction", "AU", "--json", check=True).stdout)
    survivor, _, finance, partnerships = card["recommendations"]
    assert any("lived experience" in e["label"] and e["stance"] == "for" for e in survivor["evidence"])
    assert any("IDC" in e["label"] and e["stance"] == "against" for e in finance["evidence"])
    assert any("Fintel Alliance" in e["label"] for e in partnerships["evidence"])


def test_unknown_jurisdiction_is_a_numbered_message():
    result = run_cli("coherence", "--jurisdiction", "XX")
    assert result.returncode == 2 and "[E031]" in result.stderr


def test_print_ready_report_is_one_self_contained_page(built_graph, tmp_path):
    out = tmp_path / "gb.html"
    run_cli("coherence", "--jurisdiction", "GB", "--html", str(out), check=True)
    page = out.read_text(encoding="utf-8")
    assert "@page" in page and "<script" not in page and "/browse?provision=" in page
    assert "Partnerships with the financial sector" in page


def test_theme_classification_reaches_the_floor_on_the_gold_set():
    from kg.evaluate import evaluate_themes

    result = evaluate_themes(tune=False)
    assert result.n >= 240
    # cross-validated, per labelling batch (README, Coherence): the first 193 provisions held the floor
    # of 0.75 when the new texts came in (0.755); the 57 CSDDD and Australian provisions reach 0.676
    original, new = result.per_batch["original"], result.per_batch["csddd-au-2026-12"]
    assert original["micro_f1"] >= 0.75, original
    assert new["micro_f1"] >= 0.62, new


def test_coherence_page_lists_a_cell_compares_and_scores(built_graph):
    from tests.test_app import page_text, run_app

    at = run_app(page="ui/coherence.py")
    assert not at.exception and not at.error
    theme = next(s for s in at.selectbox if s.label == "Theme")
    at = theme.set_value("disclosure-transparency").run()
    row = next(s for s in at.selectbox if s.label == "Row")
    at = row.set_value("uk-msa-2015").run()
    text = page_text(at)
    assert "/browse?provision=uk-msa-2015%2Fs54" in text
    assert "Art. 17 EU Anti-Trafficking Directive" in text  # side by side with Palermo Art. 6(6)
    jurisdiction = next(s for s in at.selectbox if s.label == "Jurisdiction")
    at = jurisdiction.set_value("CA").run()
    text = page_text(at)
    assert "Partnerships with the financial sector" in text and "Project PROTECT" in text
    labels = [b.label for b in at.get("download_button")]
    # three views with a one-page report; the references between instruments download as CSV and JSON only
    assert sum("HTML" in label for label in labels) == 3 and sum("CSV" in label for label in labels) == 4
