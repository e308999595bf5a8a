"""Coordinating bodies, member organisations and memberships as W3C ORG, with PROV evidence.

Named graph ``{base}graph/coordination``: bodies and organisations are ``org:Organization``;
each membership is an ``org:Membership`` (member, body, role, year of the evidence) whose
evidence is the source page (``prov:wasQuotedFrom``) and the verbatim quote (``pcg:quote``).
One organisation named in several rows of one jurisdiction is one node. States link to their
bodies and to the instruments in the graph that apply in them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from pyoxigraph import NamedNode, Quad

from ingest.coordination import Membership, Partnership
from ingest.jurisdictions import applicable_instruments
from kg.rdf.organisations import OrgIndex
from kg.rdf.terms import RDF_TYPE, entity, graph_iri, integer, lang, pcg, string, term
from kg.rdf.vocab import actor_kind_concept

SHIPPED_GRAPH = "coordination"  # the named graph of the shipped data; imports: import-<name>
ROLE_CONCEPT = {"member": "MemberRole", "observer": "ObserverRole", "partner": "PartnerRole"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "x"


def state_iri(code: str) -> NamedNode:
    return entity(f"state/{code.lower()}")


def coordination_quads(memberships: list[Membership], partnerships: list[Partnership],
                       instruments: dict[str, str], graph_name: str = SHIPPED_GRAPH) -> Iterator[Quad]:
    g = graph_iri(graph_name)
    orgs = OrgIndex()
    seen_bodies, seen_orgs, states = set(), set(), {}

    def add(s, p, o):
        return Quad(s, p, o, g)

    for m in memberships:
        body = entity(f"body/{slug(m.body_id)}")
        org_id = orgs.add(m.member_name, m.jurisdiction)
        org = entity(f"organisation/{slug(m.jurisdiction)}/{slug(org_id.split('|')[-1].removeprefix('org:'))}")
        if body not in seen_bodies:
            seen_bodies.add(body)
            yield add(body, RDF_TYPE, term("org", "Organization"))
            yield add(body, RDF_TYPE, pcg("CoordinatingBody"))
            yield add(body, term("dcterms", "identifier"), string(m.body_id))
            yield add(body, term("rdfs", "label"), lang(m.body_name, "en"))
            yield add(body, pcg("level"), string(m.level))
            yield add(body, pcg("jurisdictionCode"), string(m.jurisdiction))
            if re.fullmatch(r"[A-Z]{2}", m.jurisdiction) and m.jurisdiction != "EU":  # EU: not a state
                states.setdefault(m.jurisdiction, set()).add(body)
        if org not in seen_orgs:
            seen_orgs.add(org)
            yield add(org, RDF_TYPE, term("org", "Organization"))
            yield add(org, RDF_TYPE, pcg("Actor"))
            yield add(org, term("rdfs", "label"), lang(m.member_name, "en"))
            yield add(org, term("dcterms", "identifier"), string(org_id))
            yield add(org, pcg("actorKind"), pcg(actor_kind_concept(m.member_kind)))
            yield add(org, pcg("jurisdictionCode"), string(m.jurisdiction))
        else:
            yield add(org, term("skos", "altLabel"), lang(m.member_name, "en"))
        key = hashlib.sha1(f"{m.body_id}|{m.member_name}|{m.role}|{m.source_url}|{m.year}".encode()).hexdigest()[:12]
        membership = entity(f"membership/{key}")
        yield add(membership, RDF_TYPE, term("org", "Membership"))
        yield add(membership, term("org", "member"), org)
        yield add(membership, term("org", "organization"), body)
        yield add(membership, term("org", "role"), pcg(ROLE_CONCEPT[m.role]))
        if m.year is not None:
            yield add(membership, pcg("evidenceYear"), integer(m.year))
        yield add(membership, term("prov", "wasQuotedFrom"), NamedNode(m.source_url))
        yield add(membership, pcg("quote"), lang(m.source_quote, "en"))
        yield add(membership, pcg("memberKindAsCoded"), string(m.member_kind_as_coded))
    for p in partnerships:
        node = entity(f"partnership/{slug(p.name)}")
        yield add(node, RDF_TYPE, term("org", "Organization"))
        yield add(node, RDF_TYPE, pcg("FinancialSectorPartnership"))
        yield add(node, term("rdfs", "label"), lang(p.name, "en"))
        yield add(node, pcg("jurisdictionCode"), string(p.jurisdiction))
        yield add(node, term("dcterms", "description"), lang(p.kind, "en"))
        for participant in p.participants:
            yield add(node, pcg("participant"), lang(participant, "en"))
        yield add(node, term("prov", "wasQuotedFrom"), NamedNode(p.source_url))
        yield add(node, pcg("quote"), lang(p.source_quote, "en"))
    for code, bodies in states.items():
        state = state_iri(code)
        yield add(state, RDF_TYPE, pcg("NationalState"))
        yield add(state, term("skos", "notation"), string(code))
        for body in sorted(bodies, key=lambda b: b.value):
            yield add(state, pcg("hasCoordinatingBody"), body)
        for instrument in applicable_instruments(code, instruments):
            yield add(state, pcg("instrumentApplies"), entity(instrument))
