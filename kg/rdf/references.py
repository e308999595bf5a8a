"""References between instruments as RDF: one ``pcg:CrossReference`` per (citing provision, cited
provision or instrument), with the citing span as evidence, plus the direct ``pcg:cites`` /
``pcg:citesInstrument`` edges that queries and the app follow."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyoxigraph import Literal, NamedNode, Quad

from ingest.cross_references import RESOLVER_VERSION, CrossReference
from kg.rdf.terms import RDF_TYPE, entity, graph_iri, integer, lang, pcg, string, term


def resolver_iri() -> NamedNode:
    return entity(f"extractor/cross-references-{RESOLVER_VERSION}")


def cross_reference_quads(instrument_id: str, references: Iterable[CrossReference]) -> Iterator[Quad]:
    g = graph_iri(instrument_id)
    counters: dict[str, int] = {}
    any_reference = False
    for ref in references:
        any_reference = True
        counters[ref.citing] = counters.get(ref.citing, 0) + 1
        subject = entity(f"{ref.citing}/xref{counters[ref.citing]}")
        citing, cited, cited_instrument = entity(ref.citing), entity(ref.cited), entity(ref.cited_instrument)
        yield Quad(subject, RDF_TYPE, pcg("CrossReference"), g)
        yield Quad(subject, RDF_TYPE, term("prov", "Entity"), g)
        yield Quad(subject, pcg("citingProvision"), citing, g)
        yield Quad(subject, pcg("citedResource"), cited, g)
        yield Quad(subject, pcg("citedInstrument"), cited_instrument, g)
        yield Quad(subject, pcg("citingText"), lang(ref.text, "en"), g)
        yield Quad(subject, pcg("charStart"), integer(ref.start), g)
        yield Quad(subject, pcg("charEnd"), integer(ref.end), g)
        if ref.cited_label:
            yield Quad(subject, pcg("citedLabel"), string(ref.cited_label), g)
        yield Quad(subject, term("prov", "wasAttributedTo"), resolver_iri(), g)
        yield Quad(citing, pcg("hasCrossReference"), subject, g)
        yield Quad(citing, pcg("citesInstrument"), cited_instrument, g)
        if ref.cites_provision:
            yield Quad(citing, pcg("cites"), cited, g)
    if any_reference:
        agent = resolver_iri()
        yield Quad(agent, RDF_TYPE, term("prov", "SoftwareAgent"), g)
        yield Quad(agent, term("rdfs", "label"),
                   lang(f"Cross-reference resolver {RESOLVER_VERSION} (instrument names and numbers from the "
                        "catalogue, 'Article N of …' read before them)", "en"), g)
        yield Quad(agent, pcg("version"), Literal(RESOLVER_VERSION), g)
