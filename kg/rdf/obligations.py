"""Obligations as nodes of their own, with their bearer, modality, strength, action, conditions,
beneficiaries and cross-references, linked by PROV to their provision, span and extractor."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyoxigraph import Literal, NamedNode, Quad

from ingest.obligations import EXTRACTOR_VERSION
from ingest.obligations.actors import actor_by_id
from kg.rdf.terms import RDF_TYPE, boolean, entity, graph_iri, integer, lang, pcg, string, term
from kg.rdf.vocab import actor_kind_concept

MODALITY_CONCEPT = {"obligation": "ObligationModality", "prohibition": "ProhibitionModality",
                    "permission": "PermissionModality", "definition": "DefinitionStatement",
                    "purpose": "PurposeStatement", "offence": "OffenceStatement"}
STRENGTH_CONCEPT = {"binding": "Binding", "soft": "Soft"}


def actor_iri(actor_id: str) -> NamedNode:
    return entity("actor/" + actor_id.replace(":", "/"))


def extractor_iri() -> NamedNode:
    return entity(f"extractor/deontic-{EXTRACTOR_VERSION}")


def actor_quads(actor_id: str, kind: str, text: str | None, g: NamedNode) -> Iterator[Quad]:
    subject = actor_iri(actor_id)
    known = actor_by_id(actor_id)
    yield Quad(subject, RDF_TYPE, pcg("Actor"), g)
    yield Quad(subject, RDF_TYPE, term("prov", "Agent"), g)
    yield Quad(subject, term("dcterms", "identifier"), string(actor_id), g)
    yield Quad(subject, term("rdfs", "label"), lang(known.label if known else (text or actor_id), "en"), g)
    yield Quad(subject, pcg("actorKind"), pcg(actor_kind_concept(kind)), g)


def obligation_quads(instrument_id: str, obligations: Iterable[dict], extracted: bool,
                     note: str | None = None) -> Iterator[Quad]:
    g = graph_iri(instrument_id)
    instrument = entity(instrument_id)
    yield Quad(instrument, pcg("obligationsExtracted"), boolean(extracted), g)
    if note:
        yield Quad(instrument, pcg("extractionNote"), lang(note, "en"), g)
    actors: dict[str, tuple[str, str | None]] = {}
    for ob in obligations:
        subject = entity(ob["id"])
        yield Quad(subject, RDF_TYPE, pcg("Obligation"), g)
        yield Quad(subject, RDF_TYPE, term("prov", "Entity"), g)
        yield Quad(subject, term("dcterms", "identifier"), string(ob["id"]), g)
        yield Quad(subject, pcg("provision"), entity(ob["provision"]), g)
        yield Quad(entity(ob["provision"]), pcg("hasObligation"), subject, g)
        yield Quad(subject, pcg("inInstrument"), instrument, g)
        yield Quad(subject, pcg("modality"), pcg(MODALITY_CONCEPT[ob["modality"]]), g)
        if ob.get("strength"):
            yield Quad(subject, pcg("strength"), pcg(STRENGTH_CONCEPT[ob["strength"]]), g)
        yield Quad(subject, pcg("sentence"), lang(ob["sentence"], "en"), g)
        yield Quad(subject, pcg("charStart"), integer(ob["start"]), g)
        yield Quad(subject, pcg("charEnd"), integer(ob["end"]), g)
        yield Quad(subject, term("prov", "wasAttributedTo"), extractor_iri(), g)
        yield Quad(subject, pcg("extractionMethod"), string(ob["method"]), g)
        if ob.get("actor"):
            actors.setdefault(ob["actor"], (ob["actor_kind"], ob.get("actor_text")))
            yield Quad(subject, pcg("bearer"), actor_iri(ob["actor"]), g)
            yield Quad(subject, pcg("bearerSource"), string(ob["bearer_source"]), g)
            if ob.get("actor_text"):
                yield Quad(subject, pcg("bearerText"), lang(ob["actor_text"], "en"), g)
        if ob.get("regulated_party"):
            actors.setdefault(ob["regulated_party"], (ob["regulated_party_kind"], None))
            yield Quad(subject, pcg("regulatedParty"), actor_iri(ob["regulated_party"]), g)
        if ob.get("action"):
            yield Quad(subject, pcg("action"), lang(ob["action"], "en"), g)
        for condition in ob.get("conditions", []):
            yield Quad(subject, pcg("condition"), lang(condition, "en"), g)
        for exception in ob.get("exceptions", []):
            yield Quad(subject, pcg("exception"), lang(exception, "en"), g)
        for beneficiary in ob.get("beneficiaries", []):
            yield Quad(subject, pcg("beneficiary"), lang(beneficiary, "en"), g)
        for reference in ob.get("references", []):
            yield Quad(subject, pcg("refersTo"), entity(reference), g)
            yield Quad(entity(ob["provision"]), pcg("cites"), entity(reference), g)
    for actor_id, (kind, text) in actors.items():  # one shared graph, so the union holds each once
        yield from actor_quads(actor_id, kind or "unresolved", text, graph_iri("actors"))
    if extracted:
        activity = extractor_iri()
        yield Quad(activity, RDF_TYPE, term("prov", "SoftwareAgent"), g)
        yield Quad(activity, term("rdfs", "label"), lang(f"Deontic extractor {EXTRACTOR_VERSION} "
                                                          "(spaCy en_core_web_sm + rules and gazetteers)", "en"), g)
        yield Quad(activity, pcg("version"), Literal(EXTRACTOR_VERSION), g)
