"""Coordination gaps: is the financial sector (regulator, FIU, central bank, finance ministry) on
each anti-trafficking coordinating body, only beside it as partner or observer, or absent from
every source read — and through whom could the body reach it (networkx paths)?"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from ingest.coordination import Membership, Partnership
from ingest.obligations.deontic import DUTIES
from kg.errors import UnknownJurisdictionError
from ingest.jurisdictions import applicable_instruments
from kg.rdf.organisations import OrgIndex

STALE_AFTER_YEARS = 5
FINANCIAL_NAME_RE = re.compile(
    r"\b(FIU|financial intelligence|FINTRAC|AUSTRAC|FinCEN|MROS|PPATK|AMLC|AMLO|Financial Conduct Authority|FCA|"
    r"Treasury|Ministry of Finance|Minister of Finance|central bank|Bank of [A-Z]\w+|APRA|Prudential)\b", re.I)


@dataclass
class BodyGap:
    body: str
    body_name: str
    jurisdiction: str
    level: str
    financial_members: list[dict]
    status: str  # represented, partner_only, absent_in_sources
    evidence_year: int | None
    stale: bool
    statement: str
    indirect_paths: list[list[str]] = field(default_factory=list)
    members: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def coordination_graph(memberships: list[Membership], partnerships: list[Partnership]) -> tuple[nx.Graph, OrgIndex]:
    graph, orgs = nx.Graph(), OrgIndex()
    for m in memberships:
        body, org = f"body:{m.body_id}", orgs.add(m.member_name, m.jurisdiction)
        if body not in graph:
            graph.add_node(body, kind="body", label=m.body_name)
        if org not in graph:
            graph.add_node(org, kind="org", label=orgs.names.get(org, m.member_name), actor_kind=m.member_kind,
                           financial=m.financial)
        elif m.financial:
            graph.nodes[org]["financial"] = True
        graph.add_edge(body, org, role=m.role, year=m.year)
    for p in partnerships:
        node = f"partnership:{p.name}"
        graph.add_node(node, kind="partnership", label=p.name)
        for participant in p.participants:
            org = orgs.add(participant, p.jurisdiction)
            known = graph.nodes.get(org, {})
            graph.add_node(org, kind="org", label=known.get("label", participant),
                           actor_kind=known.get("actor_kind"),
                           financial=known.get("financial", False) or bool(FINANCIAL_NAME_RE.search(participant)))
            graph.add_edge(node, org, role="participant", year=None)
    return graph, orgs


def indirect_paths(graph: nx.Graph, body: str, limit: int = 5) -> list[list[str]]:
    """Paths from a body to a financial organisation that is not among its members, through a member
    that sits in a partnership or on another body with it."""
    direct = {n for n in graph.neighbors(body) if graph.nodes[n].get("financial")}
    # one bounded BFS per body: body → member → partnership or other body → financial actor
    reachable = nx.single_source_shortest_path(graph, body, cutoff=3)
    paths = [
        [graph.nodes[n].get("label", n) for n in path]
        for target, path in reachable.items()
        if 3 <= len(path) <= 4 and target not in direct and graph.nodes[target].get("kind") == "org"
        and graph.nodes[target].get("financial")
    ]
    paths.sort(key=lambda p: (len(p), p))
    return paths[:limit]


def analyse(memberships: list[Membership], partnerships: list[Partnership], *, today: date | None = None,
            jurisdiction: str | None = None) -> list[BodyGap]:
    year_now = (today or date.today()).year
    graph, _ = coordination_graph(memberships, partnerships)
    by_body: dict[str, list[Membership]] = {}
    for m in memberships:
        by_body.setdefault(m.body_id, []).append(m)
    out = []
    for body_id, rows in sorted(by_body.items()):
        first = rows[0]
        if jurisdiction and first.jurisdiction.upper() != jurisdiction.upper():
            continue
        financial = [m for m in rows if m.financial]
        members = [m for m in financial if m.role == "member"]
        status = "represented" if members else ("partner_only" if financial else "absent_in_sources")
        years = [m.year for m in rows if m.year is not None]
        evidence_year = max(years) if years else None
        stale = evidence_year is not None and evidence_year < year_now - STALE_AFTER_YEARS
        as_of = f"as of {evidence_year}" if evidence_year else "in undated sources"
        if status == "represented":
            statement = f"Financial sector represented ({', '.join(sorted({m.member_name for m in members}))}), {as_of}."
        elif status == "partner_only":
            statement = (f"Financial sector only as partner or observer "
                         f"({', '.join(sorted({m.member_name for m in financial}))}), {as_of}.")
        else:
            statement = f"No financial regulator, FIU, central bank or finance ministry in the sources read, {as_of}."
        if stale:
            statement += f" The evidence is more than {STALE_AFTER_YEARS} years old."
        unique = {}
        for m in financial:
            unique.setdefault((m.member_name, m.role), {"name": m.member_name, "kind": m.member_kind,
                                                        "role": m.role, "year": m.year,
                                                        "source_url": m.source_url, "quote": m.source_quote})
        out.append(BodyGap(
            body=body_id, body_name=first.body_name, jurisdiction=first.jurisdiction, level=first.level,
            financial_members=list(unique.values()), status=status, evidence_year=evidence_year, stale=stale,
            statement=statement, indirect_paths=indirect_paths(graph, f"body:{body_id}") if status != "represented" else [],
            members=len({m.member_name for m in rows}),
        ))
    if jurisdiction and not out:
        known = sorted({m.jurisdiction for m in memberships})
        raise UnknownJurisdictionError(f"no coordinating body in '{jurisdiction}' in the membership data; "
                                       f"known: {', '.join(known)}")
    return out


@dataclass
class CurrentGaps:
    """The gaps of the coordination data in service, with what they were computed from."""

    bodies: list[BodyGap]
    memberships: list[Membership]  # shipped and imported
    partnerships: list[Partnership]  # shipped (imports hold memberships only)
    row_errors: list[str]  # the shipped membership list's invalid rows, left out by the build


def current_gaps(jurisdiction: str | None = None) -> CurrentGaps:
    """:func:`analyse` over the coordination data in the graph: every membership (imports included)
    and the shipped partnerships. An unknown ``jurisdiction`` raises as in :func:`analyse`."""
    from kg.store import read

    memberships, partnerships = read.memberships(), read.partnerships()
    return CurrentGaps(analyse(memberships, partnerships, jurisdiction=jurisdiction), memberships, partnerships,
                       read.coordination_row_errors())


MARKET_KINDS = ("business", "financial_institution")  # the actor kinds that trade: the market


@dataclass
class JurisdictionSummary:
    jurisdiction: str
    bodies: list[str]
    score: float  # 0–1, the mean of the components below
    components: list[dict]  # each: name, value (0, 0.5 or 1), reason
    law_to_body_gap: bool
    explanation: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def summarise(gaps: list[BodyGap], partnerships: list[Partnership], obligations: list[dict],
              instrument_jurisdictions: dict[str, str]) -> list[JurisdictionSummary]:
    """Per jurisdiction: an explained score (every component says why) and law-to-body coherence —
    its instruments bind businesses or financial institutions while its bodies have no
    financial-sector member in the sources read."""
    out = []
    for code in sorted({g.jurisdiction for g in gaps}):
        mine = [g for g in gaps if g.jurisdiction == code]
        applying = applicable_instruments(code, instrument_jurisdictions)
        market = [o for o in obligations if o["instrument"] in applying and o["actor_kind"] in MARKET_KINDS
                  and o["modality"] in DUTIES]
        best = "represented" if any(g.status == "represented" for g in mine) else (
            "partner_only" if any(g.status == "partner_only" for g in mine) else "absent_in_sources")
        fresh = [g for g in mine if g.status == best and g.evidence_year is not None and not g.stale]
        partner_rows = [p for p in partnerships if p.jurisdiction.upper() == code.upper()]
        components = [
            {"name": "financial sector on a coordinating body",
             "value": {"represented": 1.0, "partner_only": 0.5, "absent_in_sources": 0.0}[best],
             "reason": "; ".join(f"{g.body}: {g.statement}" for g in mine)},
            {"name": "evidence is recent (≤ 5 years)", "value": 1.0 if fresh else 0.0,
             "reason": ", ".join(f"{g.body} {g.evidence_year}" for g in fresh) or "no recent dated source for the best status"},
            {"name": "financial-sector partnership in the jurisdiction", "value": 1.0 if partner_rows else 0.0,
             "reason": ", ".join(sorted({p.name for p in partner_rows})) or "none in the sources read"},
        ]
        law_gap = bool(market) and best == "absent_in_sources"
        explanation = (
            f"{len(market)} binding norms on businesses or financial institutions in {', '.join(applying)}, but no "
            f"financial-sector member on its bodies in the sources read." if law_gap else
            (f"{len(market)} norms on businesses or financial institutions in {', '.join(applying)}; bodies: {best}."
             if applying else "No instrument of this jurisdiction is in the graph.")
        )
        out.append(JurisdictionSummary(code, [g.body for g in mine],
                                       round(sum(c["value"] for c in components) / len(components), 2),
                                       components, law_gap, explanation))
    return out
