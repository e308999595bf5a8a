"""Theme assignments as RDF (named graph ``{base}graph/themes``): one ``pcg:ThemeAssignment`` per
provision or obligation and theme, with its confidence, method and the classifier (PROV), and a
``pcg:hasTheme`` shortcut for queries.

The writer is given what the classifier (kg.analysis.themes) decided, and the classifier's version and
description, by the build: it writes them down and knows nothing of how they were reached."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from pyoxigraph import Literal, NamedNode, Quad

from kg.rdf.terms import RDF_TYPE, XSD, entity, graph_iri, lang, pcg, string, term

DECIMAL = NamedNode(XSD + "decimal")


def classifier_iri(version: str) -> NamedNode:
    return entity(f"classifier/themes-{version}")


def theme_quads(assignments: Iterable[Mapping[str, list]], version: str, description: str) -> Iterator[Quad]:
    """``assignments``: maps from a provision or obligation id to its themes, each an object with
    ``theme``, ``confidence`` and ``method``; ``version`` and ``description`` name the classifier."""
    g = graph_iri("themes")
    agent = classifier_iri(version)
    yield Quad(agent, RDF_TYPE, term("prov", "SoftwareAgent"), g)
    yield Quad(agent, term("rdfs", "label"), lang(description, "en"), g)
    yield Quad(agent, pcg("version"), Literal(version), g)
    for chosen_by_target in assignments:
        for target_id, chosen in chosen_by_target.items():
            target = entity(target_id)
            for a in chosen:
                node = entity(f"{target_id}/theme/{a.theme}")
                yield Quad(target, pcg("hasTheme"), pcg(a.theme), g)
                yield Quad(node, RDF_TYPE, pcg("ThemeAssignment"), g)
                yield Quad(node, pcg("assignedTo"), target, g)
                yield Quad(node, pcg("theme"), pcg(a.theme), g)
                yield Quad(node, pcg("confidence"), Literal(f"{a.confidence:.3f}", datatype=DECIMAL), g)
                yield Quad(node, pcg("classificationMethod"), string(a.method), g)
                yield Quad(node, term("prov", "wasAttributedTo"), agent, g)
