"""Blank nodes as IRIs for a remote store (skolemisation, RDF 1.1 §3.5), and back.

An update request cannot carry a blank node from one request to the next (labels are scoped per
request, so a blank node split across two ``INSERT DATA`` chunks would become two), and some engines
(Virtuoso 7) refuse blank nodes in ``INSERT DATA`` altogether. So the remote store sends each blank
node as ``<base>.well-known/genid/<label>`` (the label is unique in the build: pyoxigraph mints
random 128-bit ones), and turns those IRIs back into the same blank nodes in every answer: readers
and exports see what the embedded store holds. Only the ontology graph has blank nodes (OWL class
unions and their RDF lists).
"""

from __future__ import annotations

import re

from pyoxigraph import BlankNode, NamedNode, Quad

from kg.config import base_iri

LABEL_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")


def genid_prefix() -> str:
    return base_iri() + ".well-known/genid/"


def skolemise(term):
    """A blank node as its skolem IRI; any other term as it is."""
    return NamedNode(genid_prefix() + term.value) if isinstance(term, BlankNode) else term


def skolemise_quad(quad: Quad) -> Quad:
    return Quad(skolemise(quad.subject), quad.predicate, skolemise(quad.object), quad.graph_name)


def deskolemise(term, prefix: str | None = None):
    """A skolem IRI minted by :func:`skolemise` as its blank node; any other term as it is."""
    prefix = prefix or genid_prefix()
    if isinstance(term, NamedNode) and term.value.startswith(prefix):
        label = term.value[len(prefix):]
        if LABEL_RE.match(label):
            return BlankNode(label)
    return term
