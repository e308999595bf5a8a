"""Theme assignments as RDF (named graph ``{base}graph/themes``): one ``pcg:ThemeAssignment`` per
provision or obligation and theme, with its confidence, method and the classifier (PROV), and a
``pcg:hasTheme`` shortcut for queries."""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import Literal, NamedNode, Quad

from kg.namespaces import entity, graph_iri, pcg, term
from kg.rdf_provisions import RDF_TYPE, lang, string
from kg.themes import CLASSIFIER_VERSION, MODEL_C, MODEL_THRESHOLD, Classification

DECIMAL = NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


def classifier_iri() -> NamedNode:
    return entity(f"classifier/themes-{CLASSIFIER_VERSION}")


def theme_quads(result: Classification) -> Iterator[Quad]:
    g = graph_iri("themes")
    agent = classifier_iri()
    yield Quad(agent, RDF_TYPE, term("prov", "SoftwareAgent"), g)
    yield Quad(agent, term("rdfs", "label"), lang(
        f"Theme classifier {CLASSIFIER_VERSION}: a logistic regression per theme (C={MODEL_C}, assigned from "
        f"probability {MODEL_THRESHOLD}) over all-MiniLM-L6-v2 similarities to the theme definitions and "
        f"hand-labelled examples, lexical cues and the provision's vector, trained on the hand-labelled "
        f"provisions (kg/themes_data/examples.jsonl, tests/gold/themes.jsonl)", "en"), g)
    yield Quad(agent, pcg("version"), Literal(CLASSIFIER_VERSION), g)
    for assignments in (result.provisions, result.obligations):
        for target_id, chosen in assignments.items():
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
