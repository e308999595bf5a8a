"""RDF terms the writers and readers share: vocabulary namespaces (fixed), instance IRIs minted
from provision ids (configurable), and typed literals."""

from __future__ import annotations

import re

from pyoxigraph import Literal, NamedNode

from kg.errors import InvalidIdError
from kg.config import ONTOLOGY_NS, base_iri

PREFIXES = {
    "pcg": ONTOLOGY_NS,
    "eli": "http://data.europa.eu/eli/ontology#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
}
XSD = PREFIXES["xsd"]


def prefixes() -> dict[str, str]:
    """All prefixes including ``pcgid:`` for instances under the configured base."""
    return {**PREFIXES, "pcgid": id_ns()}


def sparql_prologue() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes().items())


def id_ns() -> str:
    return base_iri() + "id/"


def term(prefix: str, local: str) -> NamedNode:
    return NamedNode(PREFIXES[prefix] + local)


def pcg(local: str) -> NamedNode:
    return NamedNode(ONTOLOGY_NS + local)


RDF_TYPE = term("rdf", "type")


def string(value: str) -> Literal:
    return Literal(value)


def lang(value: str, language: str) -> Literal:
    return Literal(value, language=language)


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def date(value: str) -> Literal:
    return Literal(value, datatype=NamedNode(XSD + "date"))


def boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=NamedNode(XSD + "boolean"))


ID_CHARACTERS_RE = re.compile(r"[A-Za-z0-9._~/:%-]+")


def entity(entity_id: str) -> NamedNode:
    """Instance IRI for a provision, division or instrument id: ``uk-msa-2015/s54/1``. An id with
    characters no id has (spaces, quotes, angle brackets, markup) is refused with a clear error,
    wherever it came from."""
    if not isinstance(entity_id, str) or not ID_CHARACTERS_RE.fullmatch(entity_id):
        shown = str(entity_id)[:80]
        raise InvalidIdError(f"{shown!r} is not an id of the graph: ids are lower-case words, digits and hyphens "
                             "joined by '/' (e.g. uk-msa-2015/s54/1)")
    return NamedNode(id_ns() + entity_id)


def graph_iri(name: str) -> NamedNode:
    return NamedNode(base_iri() + "graph/" + name)


def id_from_iri(iri: str) -> str | None:
    ns = id_ns()
    return iri[len(ns):] if iri.startswith(ns) else None
