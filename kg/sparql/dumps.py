"""Whole-graph dumps (one exporter per format) and the dataset's VoID/DCAT description.

Named graphs are kept where the format can hold them: N-Quads and TriG carry each quad's graph
(one graph per instrument, plus ontology, build, jurisdictions, actors, coordination and
import-<name>); JSON-LD has one ``{"@id": graph, "@graph": […]}`` object per named graph.
Turtle and N-Triples hold triples only, so they are the **union** of all graphs (a triple that
sits in several graphs is written once). The VoID description lists every named graph as a
``void:subset`` with its triple count, and the licence and source of each instrument's graph.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, serialize

from ingest.catalogue import SOURCES_DIR
from kg.errors import UnknownFormatError
from kg.store import builds as stores
from kg.config import base_iri
from kg.rdf.terms import XSD, graph_iri, prefixes, term

DATASET_TITLE = "Policy Coherence Graph: anti-trafficking law, obligations and coordinating bodies"


@dataclass(frozen=True)
class Exporter:
    name: str
    label: str
    media_type: str
    extension: str
    rdf_format: RdfFormat
    keeps_graphs: bool  # False: the union of the named graphs, as triples


EXPORTERS = {e.name: e for e in (
    Exporter("ttl", "Turtle (union of all graphs)", "text/turtle", "ttl", RdfFormat.TURTLE, False),
    Exporter("nt", "N-Triples (union of all graphs)", "application/n-triples", "nt", RdfFormat.N_TRIPLES, False),
    Exporter("nq", "N-Quads (named graphs kept)", "application/n-quads", "nq", RdfFormat.N_QUADS, True),
    Exporter("trig", "TriG (named graphs kept)", "application/trig", "trig", RdfFormat.TRIG, True),
    Exporter("jsonld", "JSON-LD (one @graph per named graph)", "application/ld+json", "jsonld",
             RdfFormat.JSON_LD, True),
)}


def exporter(name: str) -> Exporter:
    try:
        return EXPORTERS[name]
    except KeyError:
        raise UnknownFormatError(f"unknown export format '{name}'; choose one of: {', '.join(EXPORTERS)}") from None


def all_quads(store=None) -> list[Quad]:
    """Every quad of the store in service (embedded or remote), in a stable order."""
    from kg.store import read

    store = store if store is not None else read.store()
    # a remote store reads its project graphs whole, paging under the endpoint's result cap and
    # checking each graph's count (kg.store.remote): an export is complete or refused (E027)
    return list(store.quads_for_pattern(None, None, None, None))


def union_triples(quads: list[Quad]) -> list:
    return list(dict.fromkeys(q.triple for q in quads))


def dump(name: str, quads: list[Quad] | None = None) -> bytes:
    fmt = exporter(name)
    quads = all_quads() if quads is None else quads
    data = quads if fmt.keeps_graphs else union_triples(quads)
    extra = {"prefixes": prefixes()} if fmt.rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG) else {}
    return serialize(data, format=fmt.rdf_format, **extra)


def dataset_iri() -> NamedNode:
    return NamedNode(base_iri() + "dataset")


def _instrument_metadata(sources_dir: Path = SOURCES_DIR) -> dict[str, dict]:
    out = {}
    for path in sorted(sources_dir.glob("*/metadata.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        out[meta["id"]] = meta
    return out


def void_quads(quads: list[Quad], manifest: dict | None = None) -> list:
    """A VoID/DCAT description of the dataset: subsets per named graph, counts, licences, dates,
    and one distribution per export format."""
    manifest = manifest if manifest is not None else stores.read_manifest()
    dataset, a = dataset_iri(), term("rdf", "type")
    created = Literal(manifest.get("ended") or manifest.get("started", ""), datatype=NamedNode(XSD + "dateTime"))

    def count(n: int) -> Literal:
        return Literal(str(n), datatype=NamedNode(XSD + "integer"))

    triples = [
        (dataset, a, term("void", "Dataset")), (dataset, a, term("dcat", "Dataset")),
        (dataset, term("dcterms", "title"), Literal(DATASET_TITLE, language="en")),
        (dataset, term("dcterms", "created"), created), (dataset, term("dcterms", "modified"), created),
        (dataset, term("void", "triples"), count(len(union_triples(quads)))),
        (dataset, term("dcterms", "license"), NamedNode("https://opensource.org/licenses/MIT")),
        (dataset, term("rdfs", "comment"), Literal(
            "Code and graph structure under MIT; each instrument's text keeps its own licence (see the subsets).",
            language="en")),
    ]
    for prefix in ("eli", "dcterms", "skos", "prov", "org"):
        triples.append((dataset, term("void", "vocabulary"), NamedNode(prefixes()[prefix])))
    metadata = _instrument_metadata()
    graph_prefix = graph_iri("").value
    for graph, n in sorted(Counter(q.graph_name.value for q in quads).items()):
        subset = NamedNode(graph)
        name = graph[len(graph_prefix):] if graph.startswith(graph_prefix) else graph
        triples += [(dataset, term("void", "subset"), subset), (subset, a, term("void", "Dataset")),
                    (subset, term("void", "triples"), count(n)),
                    (subset, term("dcterms", "identifier"), Literal(name))]
        meta = metadata.get(name)
        if meta:
            triples.append((subset, term("dcterms", "title"), Literal(meta["title"], language="en")))
            triples.append((subset, term("dcterms", "license"),
                            NamedNode(meta["licence_url"]) if meta.get("licence_url") else Literal(meta["licence"])))
            if meta.get("official_url"):
                triples.append((subset, term("dcterms", "source"), NamedNode(meta["official_url"])))
    for fmt in EXPORTERS.values():
        dist = NamedNode(f"{dataset.value}/distribution/{fmt.name}")
        triples += [(dataset, term("dcat", "distribution"), dist), (dist, a, term("dcat", "Distribution")),
                    (dist, term("dcterms", "title"), Literal(fmt.label, language="en")),
                    (dist, term("dcat", "mediaType"), Literal(fmt.media_type)),
                    (dist, term("dcat", "downloadURL"), NamedNode(f"{dataset.value}/graph.{fmt.extension}"))]
    from pyoxigraph import Triple

    return [Triple(*t) for t in sorted(triples, key=lambda t: t[0].value)]  # grouped by subject


def void_turtle(quads: list[Quad] | None = None) -> bytes:
    quads = all_quads() if quads is None else quads
    return serialize(void_quads(quads), format=RdfFormat.TURTLE, prefixes=prefixes())


def export(name: str, output: Path | None) -> tuple[bytes | None, Path | None]:
    """Write the dump (and ``<output>.void.ttl`` beside it); without ``output``, return the bytes."""
    quads = all_quads()
    data = dump(name, quads)
    if output is None:
        return data, None
    output.write_bytes(data)
    void_path = output.with_name(output.name + ".void.ttl")
    void_path.write_bytes(void_turtle(quads))
    return None, void_path
