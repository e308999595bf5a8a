"""What an instrument asks of the financial sector, read from the graph (kg.analysis.financial_reach), and
how the scorecard weighs it: checked against the text of the CSDDD as adopted in 2024."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli

CSDDD = "eu-csddd-2024"


@pytest.fixture(scope="module")
def csddd(built_graph):
    from kg.analysis.financial_reach import financial_reach

    return financial_reach(CSDDD)


def item(reach: dict, provision: str) -> dict:
    return next(i for i in reach["items"] if i["provision"] == f"{CSDDD}/{provision}")


def test_regulated_financial_undertakings_are_companies(csddd):
    scope = item(csddd, "art3/1/a/iii")
    assert scope["role"] == "scope"
    assert scope["sentence"].startswith("a regulated financial undertaking, regardless of its legal form")
    assert [i["provision"] for i in csddd["items"]].count(f"{CSDDD}/art3/1/a/iii") == 1  # once, not per indent


def test_the_chain_of_activities_leaves_out_their_clients_as_recital_26_says(csddd):
    chain = item(csddd, "art3/1/g")
    assert chain["role"] == "limit"
    assert "downstream business partners related to the distribution, transport and storage of a product" \
        in chain["sentence"]  # the limb that covers products only
    assert [r["provision"] for r in chain["explained_by"]] == [f"{CSDDD}/rec26"]
    assert "should not include downstream business partners that receive their services" \
        in chain["explained_by"][0]["sentence"]


def test_funds_are_excluded(csddd):
    funds = item(csddd, "art2/8")
    assert funds["role"] == "limit"
    assert "shall not apply to AIFs" in funds["sentence"] and "(UCITS)" in funds["sentence"]


def test_supervisors_reporting_and_the_review(csddd):
    assert item(csddd, "art24/6")["role"] == "supervision"
    reporting = item(csddd, "art16/3")
    assert reporting["role"] == "reporting"
    assert "no duplication in reporting requirements" in reporting["sentence"]
    assert reporting["refers_to"] == f"{CSDDD}/art3/1/a/iii"  # it names them by citing the definition
    review = item(csddd, "art36/1")
    assert review["role"] == "review"
    assert "the necessity of laying down additional sustainability due diligence requirements" in review["sentence"]
    assert not [i for i in csddd["items"] if i["provision"] == f"{CSDDD}/art36/1" and i["role"] != "review"]


def test_norms_on_companies_bind_financial_undertakings_too(csddd):
    norms = csddd["company_norms"]
    assert norms["count"] > 50
    per_article = {a["provision"]: a["norms"] for a in norms["articles"]}
    assert per_article[f"{CSDDD}/art10"] > 0 and per_article[f"{CSDDD}/art11"] > 0
    assert sum(per_article.values()) == norms["count"]


def test_an_aml_act_defines_financial_undertakings_but_not_as_companies(built_graph):
    from kg.analysis.financial_reach import financial_reach

    amlr = financial_reach("eu-amlr-2024")
    assert any(i["role"] == "scope" for i in amlr["items"])
    assert amlr["company_norms"] is None  # ‘credit institution’ means …: not a kind of company


def test_an_act_that_never_names_the_sector_has_no_items(built_graph):
    from kg.analysis.financial_reach import financial_reach

    assert financial_reach("palermo-protocol")["items"] == []


def test_cli_financial_reach(built_graph):
    out = run_cli("financial-reach", "--instrument", CSDDD, check=True).stdout
    assert "[scope] Art. 3(1)(a)(iii) CSDDD" in out and "explained by Recital 26 CSDDD" in out


def evidence(card: dict, recommendation: str) -> list[dict]:
    return next(r for r in card["recommendations"] if r["id"] == recommendation)["evidence"]


@pytest.mark.parametrize("code", ["EU", "NL"])
def test_scorecard_weighs_what_the_csddd_asks_of_the_financial_sector(built_graph, code):
    from kg.analysis.scorecard import scorecard

    card = scorecard(code)
    conduct = {e["link"]: e for e in evidence(card, "business-conduct-remedy")}
    scope = conduct["/browse?provision=eu-csddd-2024%2Fart3%2F1%2Fa%2Fiii"]
    assert scope["stance"] == "for" and "binding norms on companies bind them too" in scope["why"]
    assert scope["quote"].startswith("a regulated financial undertaking")
    for left_out in ("art2%2F8", "art3%2F1%2Fg", "art36%2F1"):
        assert conduct[f"/browse?provision=eu-csddd-2024%2F{left_out}"]["stance"] == "against"
    assert "Recital 26 CSDDD explains: “For regulated financial undertakings, the definition of the term ‘chain of " \
        "activities’ should not include downstream business partners" in conduct[
            "/browse?provision=eu-csddd-2024%2Fart3%2F1%2Fg"]["why"]
    coherence = {e["link"]: e for e in evidence(card, "finance-human-rights-coherence")}
    supervisors = coherence["/browse?provision=eu-csddd-2024%2Fart24%2F6"]
    assert supervisors["stance"] == "for" and "supervision of regulated financial undertakings" in supervisors["quote"]


@pytest.mark.parametrize("code", ["GB", "AU", "CA"])
def test_other_scorecards_still_work(built_graph, code):
    from kg.analysis.scorecard import scorecard

    card = scorecard(code)
    assert [r["id"] for r in card["recommendations"]] == [
        "survivor-informed-prevention", "business-conduct-remedy", "finance-human-rights-coherence",
        "financial-sector-partnerships"]
    for rec in card["recommendations"]:
        assert rec["evidence"] and all(e["stance"] in ("for", "against", "none") for e in rec["evidence"])
    assert run_cli("coherence", "--jurisdiction", code).returncode == 0
