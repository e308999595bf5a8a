"""Coordination gaps on the shipped, cited data: the issue's four spot checks, indirect paths, and
row-by-row validation of a user's membership list."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ingest.coordination import load_memberships, shipped_memberships, shipped_partnerships
from kg.analysis.gaps import analyse
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def gaps():
    loaded = shipped_memberships()
    assert not loaded.errors, loaded.errors
    return {g.body: g for g in analyse(loaded.memberships, shipped_partnerships(), today=date(2026, 11, 26))}


def test_canada_strategy_has_fintrac_as_member(gaps):
    gap = gaps["CA-NSCHT"]
    assert gap.status == "represented"
    assert any("FINTRAC" in m["name"] and m["kind"] == "fiu" for m in gap.financial_members)


def test_australian_idc_2017_lists_no_financial_actor_and_is_stale(gaps):
    gap = gaps["AU-IDC"]
    assert (gap.status, gap.evidence_year, gap.stale) == ("absent_in_sources", 2017, True)
    assert "in the sources read, as of 2017" in gap.statement


def test_us_pitf_lists_the_treasury(gaps):
    gap = gaps["US-PITF"]
    assert gap.status == "represented"
    assert any("Treasury" in m["name"] and m["kind"] == "finance_ministry" for m in gap.financial_members)
    assert len({m["name"] for m in gap.financial_members}) == 1  # one organisation across its rows


def test_philippine_iacat_has_the_amlc_only_as_partner(gaps):
    gap = gaps["PH-IACAT"]
    assert gap.status == "partner_only"
    assert [m["role"] for m in gap.financial_members] == ["partner"]


def test_indirect_path_through_a_member_in_an_fiu_led_partnership(gaps):
    paths = gaps["AU-IDC"].indirect_paths
    assert any(p[-1] == "AUSTRAC" and "Fintel Alliance" in p for p in paths)


def test_every_financial_member_carries_its_evidence(gaps):
    for gap in gaps.values():
        for member in gap.financial_members:
            assert member["source_url"].startswith("http") and member["quote"]


def test_mixed_csv_keeps_good_rows_and_names_every_bad_one():
    header = "body_id,body_name,level,jurisdiction,member_name,member_kind,is_member,source_url,source_quote,as_of\n"
    rows = [
        "X-NCB,National Coordination Body,national,XX,Financial Intelligence Unit,fiu,yes,https://example.org/a,\"FIU is a member\",2024",
        "X-NCB,National Coordination Body,national,XX,Ministry of Justice,other,yes,https://example.org/a,\"MoJ chairs\",2024",
        ",National Coordination Body,national,XX,Police,law_enforcement,yes,https://example.org/a,\"Police\",2024",
        "X-NCB,National Coordination Body,national,XX,Central Bank,bank_of_things,yes,https://example.org/a,\"CB\",2024",
        "X-NCB,National Coordination Body,national,XX,Labour Inspectorate,labour,yes,https://example.org/a,\"LI\",20x4",
        "X-NCB,National Coordination Body,national,XX,Financial Intelligence Unit,fiu,yes,https://example.org/a,\"FIU is a member\",2024",
    ]
    result = load_memberships(header + "\n".join(rows) + "\n")
    assert [m.member_name for m in result.memberships] == ["Financial Intelligence Unit", "Ministry of Justice"]
    problems = {(e.row, e.field) for e in result.errors}
    assert problems == {(4, "body_id"), (5, "member_kind"), (6, "as_of"), (7, "member_name")}
    assert any("duplicate" in e.message for e in result.errors)


def test_gaps_cli_filters_by_jurisdiction():
    result = run_cli("gaps", "--jurisdiction", "PH", "--json", check=True)
    rows = json.loads(result.stdout)
    assert rows and all(r["jurisdiction"] == "PH" for r in rows)
    for field in ("body", "jurisdiction", "financial_members", "status", "evidence_year", "stale", "indirect_paths"):
        assert field in rows[0]


def test_coordination_data_is_in_the_graph_with_evidence(built_graph):
    from kg.store.queries import select
    from kg.store.builds import open_store

    store = open_store(built_graph)
    treasury = select(store, """
        SELECT DISTINCT ?org ?membership ?source ?quote WHERE {
          ?membership a org:Membership ; org:member ?org ; org:organization ?body ; org:role pcg:MemberRole ;
             pcg:attestedBy ?row .
          ?row prov:wasQuotedFrom ?source ; pcg:quote ?quote .
          ?body dcterms:identifier "US-PITF" . ?org rdfs:label ?label . FILTER(CONTAINS(?label, "Treasury"))
        }""")
    assert len({r["org"] for r in treasury}) == 1  # one node for the Treasury across its rows
    assert len({r["membership"] for r in treasury}) == 1  # one membership, attested by each of its rows
    assert all(r["source"].startswith("http") and r["quote"] for r in treasury)
    uk = select(store, """
        SELECT ?instrument WHERE { ?s a pcg:NationalState ; skos:notation "GB" ;
                                      pcg:instrumentApplies/dcterms:identifier ?instrument }""")
    assert {r["instrument"] for r in uk} >= {"uk-msa-2015"}


def test_the_graph_keeps_every_fact_of_every_row(built_graph):
    """The analyses read the coordination data from the graph: every row comes back as the loader
    read it, each source still paired with its own quote (the three rows of Project PROTECT, one
    partnership node, each cite another page naming other participants)."""
    from kg.store import read

    shipped = shipped_memberships().memberships
    assert read.memberships()[:len(shipped)] == shipped  # imported lists, if any, follow
    assert read.partnerships() == shipped_partnerships()
    protect = [p for p in read.partnerships() if p.name == "Project PROTECT"]
    assert len(protect) == 3 and len({(p.source_url, p.source_quote, p.participants) for p in protect}) == 3


def test_summary_explains_scores_and_finds_law_to_body_gaps(built_graph, gaps):
    from kg.store import read
    from kg.analysis.gaps import summarise

    summary = {s.jurisdiction: s for s in summarise(
        list(gaps.values()), shipped_partnerships(), read.obligations(),
        {r["id"]: r["jurisdiction"] for r in read.instruments()})}
    assert summary["AU"].law_to_body_gap and "au-msa-2018" in summary["AU"].explanation
    assert not summary["CA"].law_to_body_gap and summary["CA"].score == 1.0
    for s in summary.values():
        assert 0 <= s.score <= 1 and all(c["reason"] for c in s.components)


def test_import_keeps_good_rows_names_bad_ones_and_can_be_removed(scratch_data, tmp_path):
    from kg.rdf.terms import graph_iri
    from kg.store.builds import open_store

    data, sources = scratch_data
    upload = tmp_path / "our-body.csv"
    upload.write_text(
        "body_id,body_name,level,jurisdiction,member_name,member_kind,is_member,source_url,source_quote,as_of\n"
        "XX-NCB,National Coordination Body,national,XX,Financial Intelligence Unit (XFIU),fiu,yes,"
        "https://example.org/m,\"The XFIU attends as a member\",2025\n"
        ",National Coordination Body,national,XX,Police,law_enforcement,yes,https://example.org/m,\"Police\",2025\n"
        "XX-NCB,National Coordination Body,national,XX,Central Bank,bank_of_things,yes,https://example.org/m,\"CB\",2025\n",
        encoding="utf-8")
    run_cli("build", "--quiet", "--sources", str(sources), check=True)
    before = len(open_store())
    result = run_cli("import-bodies", str(upload), "--name", "our-body")
    assert result.returncode == 1  # imported, with problems reported
    assert "row 3, body_id: missing body" in result.stderr and "row 4, member_kind" in result.stderr
    store = open_store()
    assert graph_iri("import-our-body") in set(store.named_graphs())
    assert len(store) > before  # nothing already in the graph was lost
    gaps_after = json.loads(run_cli("gaps", "--jurisdiction", "XX", "--json", check=True).stdout)
    assert gaps_after[0]["status"] == "represented"
    run_cli("remove-import", "our-body", check=True)
    assert graph_iri("import-our-body") not in set(open_store().named_graphs())
