"""The vocabularies of the graph as Python lookups: the SKOS schemes of ``ontology/pcg.ttl`` (one
source of truth), and the codes ``ingest`` assigns that the graph writes as concepts: the modalities
that are norms, and the names of jurisdictions. The app reads them here, through kg."""

from __future__ import annotations

from functools import lru_cache

from pyoxigraph import RdfFormat, parse

from ingest.jurisdictions import label as jurisdiction_label
from ingest.obligations.deontic import NORMATIVE
from kg.config import ONTOLOGY_DIR, ONTOLOGY_NS
from kg.rdf.terms import PREFIXES

SKOS = PREFIXES["skos"]
# Re-exported for the app: the modalities that are norms (obligation, prohibition, permission), and
# a jurisdiction code's name (the build writes it as the skos:prefLabel of the jurisdiction).
__all__ = ["NORMATIVE", "jurisdiction_label", "scheme", "actor_kind_concept", "actor_kind_labels"]


@lru_cache(maxsize=None)
def scheme(name: str) -> dict[str, tuple[str, str]]:
    """notation → (concept local name, English label) for the concepts of ``pcg:<name>``."""
    in_scheme, notation, label = set(), {}, {}
    for t in parse(path=str(ONTOLOGY_DIR / "pcg.ttl"), format=RdfFormat.TURTLE):
        subject, predicate = t.subject.value, t.predicate.value
        if predicate == SKOS + "inScheme" and t.object.value == ONTOLOGY_NS + name:
            in_scheme.add(subject)
        elif predicate == SKOS + "notation":
            notation[subject] = t.object.value
        elif predicate == SKOS + "prefLabel" and getattr(t.object, "language", None) == "en":
            label[subject] = t.object.value
    return {notation[c]: (c[len(ONTOLOGY_NS):], label.get(c, notation[c])) for c in in_scheme if c in notation}


def actor_kind_concept(notation: str) -> str:
    return scheme("ActorKindScheme").get(notation, ("Unresolved", ""))[0]


def actor_kind_labels() -> dict[str, str]:
    return {code: label for code, (_, label) in sorted(scheme("ActorKindScheme").items())}
