"""Coordinating bodies, member organisations, memberships and partnerships as W3C ORG, each row of
the data it came from as a PROV attestation.

Named graph ``{base}graph/coordination`` (the shipped data; an imported list: ``import-<name>``).
Bodies and organisations are ``org:Organization``; one organisation named in several rows of one
jurisdiction is one node. A membership (``org:Membership``: member, body, role) is one node per
member, body and role; a partnership (``pcg:FinancialSectorPartnership``) one node per name. Each
row of a CSV file is a ``pcg:Attestation`` (a ``prov:Entity``) the membership or partnership is
``pcg:attestedBy`` (not prov:wasDerivedFrom, which the graph keeps for the law texts' source files):
the source page (``prov:wasQuotedFrom``), the verbatim quote, the year of the source, the file and
line, and what the row itself says (the body and the member as written, the participants in their
order), so two rows of one partnership keep each its own source, quote and participants, and a row
that names a body or an organisation otherwise than the node does keeps its words.
States link to their bodies and to the instruments in the graph that apply in them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from pyoxigraph import NamedNode, Quad

from ingest.coordination import BODIES_FILE, PARTNERSHIPS_FILE, Membership, Partnership
from ingest.jurisdictions import applicable_instruments
from kg.rdf.organisations import OrgIndex
from kg.rdf.terms import RDF_TYPE, entity, graph_iri, integer, lang, pcg, string, term
from kg.rdf.vocab import actor_kind_concept

SHIPPED_GRAPH = "coordination"  # the named graph of the shipped data; imports: import-<name>
ROLE_CONCEPT = {"member": "MemberRole", "observer": "ObserverRole", "partner": "PartnerRole"}
PARTICIPANT_SEPARATOR = "; "  # between the participants of pcg:participantsAsListed


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "x"


def state_iri(code: str) -> NamedNode:
    return entity(f"state/{code.lower()}")


def attestation_iri(graph_name: str, data_file: str, row: int) -> NamedNode:
    """One row of one file of one named graph: ``{base}id/attestation/coordination/bodies/12``."""
    return entity(f"attestation/{graph_name}/{slug(data_file.removesuffix('.csv'))}/{row}")


def _attestation(node: NamedNode, data_file: str, row: int, source_url: str, quote: str) -> Iterator[tuple]:
    """What every attestation holds: where the row is, and the source and words it cites."""
    yield node, RDF_TYPE, pcg("Attestation")
    yield node, RDF_TYPE, term("prov", "Entity")
    yield node, pcg("dataFile"), string(data_file)
    yield node, pcg("rowNumber"), integer(row)
    yield node, term("prov", "wasQuotedFrom"), NamedNode(source_url)
    yield node, pcg("quote"), lang(quote, "en")


def coordination_quads(memberships: list[Membership], partnerships: list[Partnership],
                       instruments: dict[str, str], graph_name: str = SHIPPED_GRAPH,
                       membership_file: str = BODIES_FILE,
                       partnership_file: str = PARTNERSHIPS_FILE) -> Iterator[Quad]:
    """The quads of one named graph: ``memberships`` read from ``membership_file`` and
    ``partnerships`` from ``partnership_file`` (file names as the attestations record them)."""
    g = graph_iri(graph_name)
    orgs = OrgIndex()
    seen: set[NamedNode] = set()  # bodies and memberships written
    org_labels: dict[NamedNode, str] = {}  # each organisation written → the name it was first given
    states: dict[str, set[NamedNode]] = {}

    def add(s, p, o):
        return Quad(s, p, o, g)

    for m in memberships:
        body = entity(f"body/{slug(m.body_id)}")
        org_id = orgs.add(m.member_name, m.jurisdiction)
        org = entity(f"organisation/{slug(m.jurisdiction)}/{slug(org_id.split('|')[-1].removeprefix('org:'))}")
        if body not in seen:
            seen.add(body)
            yield add(body, RDF_TYPE, term("org", "Organization"))
            yield add(body, RDF_TYPE, pcg("CoordinatingBody"))
            yield add(body, term("dcterms", "identifier"), string(m.body_id))
            yield add(body, term("rdfs", "label"), lang(m.body_name, "en"))
            yield add(body, pcg("level"), string(m.level))
            yield add(body, pcg("jurisdictionCode"), string(m.jurisdiction))
            if re.fullmatch(r"[A-Z]{2}", m.jurisdiction) and m.jurisdiction != "EU":  # EU: not a state
                states.setdefault(m.jurisdiction, set()).add(body)
        if org not in org_labels:
            org_labels[org] = m.member_name
            yield add(org, RDF_TYPE, term("org", "Organization"))
            yield add(org, RDF_TYPE, pcg("Actor"))
            yield add(org, term("rdfs", "label"), lang(m.member_name, "en"))
            yield add(org, term("dcterms", "identifier"), string(org_id))
            yield add(org, pcg("actorKind"), pcg(actor_kind_concept(m.member_kind)))
            yield add(org, pcg("jurisdictionCode"), string(m.jurisdiction))
        elif m.member_name != org_labels[org]:
            yield add(org, term("skos", "altLabel"), lang(m.member_name, "en"))
        key = hashlib.sha1(f"{m.body_id}|{org.value}|{m.role}".encode()).hexdigest()[:12]
        membership = entity(f"membership/{key}")
        if membership not in seen:
            seen.add(membership)
            yield add(membership, RDF_TYPE, term("org", "Membership"))
            yield add(membership, term("org", "member"), org)
            yield add(membership, term("org", "organization"), body)
            yield add(membership, term("org", "role"), pcg(ROLE_CONCEPT[m.role]))
        row = attestation_iri(graph_name, membership_file, m.row)
        yield add(membership, pcg("attestedBy"), row)
        for triple in _attestation(row, membership_file, m.row, m.source_url, m.source_quote):
            yield add(*triple)
        if m.year is not None:
            yield add(row, pcg("evidenceYear"), integer(m.year))
        # the row's own words for its body: the body node holds the first row's, and rows may differ
        yield add(row, pcg("bodyIdAsListed"), string(m.body_id))
        yield add(row, pcg("bodyNameAsListed"), lang(m.body_name, "en"))
        yield add(row, pcg("bodyLevelAsListed"), string(m.level))
        yield add(row, pcg("jurisdictionAsListed"), string(m.jurisdiction))
        yield add(row, pcg("memberNameAsListed"), lang(m.member_name, "en"))
        yield add(row, pcg("memberKind"), pcg(actor_kind_concept(m.member_kind)))
        yield add(row, pcg("memberKindAsCoded"), string(m.member_kind_as_coded))
    for p in partnerships:
        node = entity(f"partnership/{slug(p.name)}")
        # written for every row: rows of one partnership that disagree on its jurisdiction or kind
        # give the node two values, which the shapes refuse (pcgsh:PartnershipShape)
        yield add(node, RDF_TYPE, term("org", "Organization"))
        yield add(node, RDF_TYPE, pcg("FinancialSectorPartnership"))
        yield add(node, term("rdfs", "label"), lang(p.name, "en"))
        yield add(node, pcg("jurisdictionCode"), string(p.jurisdiction))
        yield add(node, term("dcterms", "description"), lang(p.kind, "en"))
        row = attestation_iri(graph_name, partnership_file, p.row)
        yield add(node, pcg("attestedBy"), row)
        for triple in _attestation(row, partnership_file, p.row, p.source_url, p.source_quote):
            yield add(*triple)
        for participant in p.participants:
            yield add(row, pcg("participant"), lang(participant, "en"))
        # RDF keeps no order among the pcg:participant values; the row's order is kept here
        yield add(row, pcg("participantsAsListed"), lang(PARTICIPANT_SEPARATOR.join(p.participants), "en"))
    for code, bodies in states.items():
        state = state_iri(code)
        yield add(state, RDF_TYPE, pcg("NationalState"))
        yield add(state, term("skos", "notation"), string(code))
        for body in sorted(bodies, key=lambda b: b.value):
            yield add(state, pcg("hasCoordinatingBody"), body)
        for instrument in applicable_instruments(code, instruments):
            yield add(state, pcg("instrumentApplies"), entity(instrument))
