"""Instruments, divisions and provisions as RDF quads (one named graph per instrument).

The shape of what is emitted is documented in ``ontology/README.md`` and checked by
``ontology/shapes.ttl``.
"""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import NamedNode, Quad

from ingest.catalogue import Instrument
from ingest.model import DIVISION, Node, ParsedInstrument
from kg.rdf.vocab import jurisdiction_label
from kg.rdf.terms import RDF_TYPE, boolean, date, entity, graph_iri, integer, lang, pcg, string, term

KIND_CONCEPT = {"treaty": "Treaty", "act": "Act", "directive": "Directive", "regulation": "Regulation",
                "proposal": "Proposal"}


def jurisdiction_iri(code: str) -> NamedNode:
    return entity(f"jurisdiction/{code.lower()}")


def jurisdiction_quads(code: str, g: NamedNode) -> Iterator[Quad]:
    """The jurisdiction as a SKOS concept, in the shared jurisdictions graph (so that the union
    default graph holds each of its triples once)."""
    jurisdiction = jurisdiction_iri(code)
    yield Quad(jurisdiction, RDF_TYPE, term("skos", "Concept"), g)
    yield Quad(jurisdiction, term("skos", "inScheme"), pcg("JurisdictionScheme"), g)
    yield Quad(jurisdiction, term("skos", "notation"), string(code), g)
    yield Quad(jurisdiction, term("skos", "prefLabel"), lang(jurisdiction_label(code), "en"), g)


def source_iri(instrument_id: str) -> NamedNode:
    return entity(f"source/{instrument_id}")


def provision_url(meta: dict, node: Node) -> str | None:
    """Official URL of a top-level unit (or the unit a sub-provision sits in), where known."""
    templates = meta.get("provision_url_templates") or {}
    top = node.id.split("/")[1]
    for prefix in sorted(templates, key=len, reverse=True):
        number = top[len(prefix):]
        if top.startswith(prefix) and number[:1].isdigit():
            return templates[prefix].replace("{n}", number)
    return None


def instrument_quads(instrument: Instrument, parsed: ParsedInstrument) -> Iterator[Quad]:
    meta, g = instrument.meta, graph_iri(instrument.id)
    subject = entity(instrument.id)
    language = meta.get("language", "en")

    def add(s, p, o):
        return Quad(s, p, o, g)

    yield add(subject, RDF_TYPE, term("eli", "LegalResource"))
    yield add(subject, RDF_TYPE, pcg("Instrument"))
    yield add(subject, term("dcterms", "identifier"), string(instrument.id))
    yield add(subject, term("dcterms", "title"), lang(meta["title"], language))
    yield add(subject, pcg("shortTitle"), string(meta["short_title"]))
    if meta.get("official_citation"):
        yield add(subject, pcg("officialCitation"), string(meta["official_citation"]))
    yield add(subject, term("eli", "jurisdiction"), jurisdiction_iri(meta["jurisdiction"]))
    yield add(subject, term("eli", "type_document"), pcg(KIND_CONCEPT[meta["kind"]]))
    yield add(subject, term("dcterms", "language"), string(language))
    if meta.get("adopted"):
        yield add(subject, term("eli", "date_document"), date(meta["adopted"]))
    if meta.get("version_date"):
        yield add(subject, term("eli", "version_date"), date(meta["version_date"]))
    if meta.get("version_note"):
        yield add(subject, pcg("versionNote"), lang(meta["version_note"], "en"))
    if meta.get("official_url"):
        yield add(subject, term("rdfs", "seeAlso"), NamedNode(meta["official_url"]))
    if meta.get("licence_url"):
        yield add(subject, term("dcterms", "license"), NamedNode(meta["licence_url"]))
    yield add(subject, pcg("licenceName"), string(meta["licence"]))
    if meta.get("attribution"):
        yield add(subject, pcg("attribution"), string(meta["attribution"]))
    partial = instrument.is_partial
    yield add(subject, pcg("completeness"), pcg("Partial" if partial else "Complete"))
    if meta["completeness"].get("missing"):
        yield add(subject, pcg("missingNote"), lang(meta["completeness"]["missing"], "en"))
    yield add(subject, pcg("layout"), string(meta["layout"]))
    yield add(subject, pcg("extractObligations"), boolean(instrument.extract_obligations))
    yield add(subject, pcg("sourceTextSha256"), string(instrument.text_sha256()))
    yield add(subject, pcg("provisionCount"), integer(len(parsed.provisions)))
    for note in parsed.notes:
        yield add(subject, term("skos", "editorialNote"), lang(note, "en"))

    source = source_iri(instrument.id)
    yield add(subject, term("prov", "wasDerivedFrom"), source)
    yield add(source, RDF_TYPE, term("prov", "Entity"))
    copied = meta.get("copied_from") or {}
    label = " ".join(x for x in (copied.get("repository"), copied.get("path")) if x)
    if copied.get("commit"):
        label += f" @ {copied['commit'][:12]}"
    yield add(source, term("rdfs", "label"), string(label or f"{instrument.id} source text"))
    for key in ("repository", "path", "commit"):
        if copied.get(key):
            yield add(source, pcg(key), string(copied[key]))

    yield from jurisdiction_quads(meta["jurisdiction"], graph_iri("jurisdictions"))

    for sequence, node in enumerate(parsed.nodes, start=1):
        yield from node_quads(node, sequence, instrument, parsed, add)
    yield from footnote_quads(instrument, parsed, add)


def footnote_iri(instrument_id: str, marker: str) -> NamedNode:
    return entity(f"{instrument_id}/footnote{marker.lower()}")


def footnote_quads(instrument: Instrument, parsed: ParsedInstrument, add) -> Iterator[Quad]:
    """The source's footnotes, and from each provision to the footnotes its own words mark."""
    language = instrument.meta.get("language", "en")
    for note in parsed.footnotes:
        subject = footnote_iri(instrument.id, note.marker)
        yield add(subject, RDF_TYPE, pcg("Footnote"))
        yield add(subject, pcg("marker"), string(note.marker))
        yield add(subject, pcg("text"), lang(note.text, language))
        yield add(subject, pcg("charStart"), integer(note.start))
        yield add(subject, pcg("charEnd"), integer(note.end))
        yield add(subject, pcg("inInstrument"), entity(instrument.id))
    for provision, markers in parsed.footnote_markers().items():
        for marker in markers:
            yield add(entity(provision), pcg("hasFootnote"), footnote_iri(instrument.id, marker))


def node_quads(node: Node, sequence: int, instrument: Instrument, parsed: ParsedInstrument, add):
    meta = instrument.meta
    subject = entity(node.id)
    parent = entity(node.parent) if node.parent else entity(instrument.id)
    yield add(subject, RDF_TYPE, term("eli", "LegalResourceSubdivision"))
    yield add(subject, term("dcterms", "identifier"), string(node.id))
    yield add(subject, pcg("citation"), string(node.citation))
    yield add(subject, pcg("inInstrument"), entity(instrument.id))
    yield add(subject, term("eli", "is_part_of"), parent)
    yield add(parent, term("eli", "has_part"), subject)
    yield add(subject, pcg("sequence"), integer(sequence))
    if node.number:
        yield add(subject, term("eli", "number"), string(node.number))
    if node.heading:
        yield add(subject, term("eli", "title"), lang(node.heading, meta.get("language", "en")))
    for note in node.notes:
        yield add(subject, term("skos", "editorialNote"), lang(note, "en"))
    if node.kind == DIVISION:
        yield add(subject, RDF_TYPE, pcg("Division"))
        yield add(subject, pcg("divisionType"), pcg(node.unit_type))
        return
    yield add(subject, RDF_TYPE, pcg("Provision"))
    yield add(subject, pcg("unitType"), pcg(node.unit_type))
    if node.label:
        yield add(subject, pcg("label"), string(node.label))
    if node.crossheading:
        yield add(subject, pcg("crossHeading"), lang(node.crossheading, meta.get("language", "en")))
    yield add(subject, pcg("text"), lang(node.text(parsed.text), meta.get("language", "en")))
    yield add(subject, pcg("charStart"), integer(node.start))
    yield add(subject, pcg("charEnd"), integer(node.end))
    yield add(subject, pcg("depth"), integer(node.depth))
    if node.division:
        yield add(subject, pcg("inDivision"), entity(node.division))
    url = provision_url(meta, node)
    if url:
        yield add(subject, term("rdfs", "seeAlso"), NamedNode(url))
    yield add(subject, term("prov", "wasDerivedFrom"), source_iri(instrument.id))
