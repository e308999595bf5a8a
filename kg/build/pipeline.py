"""``python -m kg build``: sources → provision trees → RDF → SHACL check → new store, swapped in.

Stages report progress through a callback so the CLI can draw a progress bar and the app
a spinner. Any failure leaves ``data/current`` untouched.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse, serialize

from ingest import PIPELINE_VERSION
from ingest.catalogue import list_instruments
from ingest.cross_references import corpus_cross_references
from kg.store import builds as stores
from kg.store.locks import build_lock
from kg.config import ONTOLOGY_DIR, REPO_ROOT, imports_dir, sparql_endpoint
from kg.config import sources_dir as configured_sources_dir
from kg.rdf.terms import RDF_TYPE, XSD, entity, graph_iri, pcg, prefixes, term
from ingest.coordination import imported_memberships, shipped_memberships, shipped_partnerships
from kg.build.extraction import extract_all, not_extracted_note
from kg.rdf.coordination import coordination_quads
from kg.rdf.obligations import obligation_quads
from kg.rdf.references import cross_reference_quads
from kg.rdf.provisions import instrument_quads, source_iri
from kg.rdf.themes import theme_quads
from kg.search.adaptation import encoder_for_build
from kg.search.late_interaction import trained_late_encoder
from kg.search.text_embeddings import counting as counting_embeddings
from kg.search.units import index_points, index_units, write_index
from kg.analysis import themes
from kg.analysis.coherence import coverage_rows, write_coverage
from kg.rdf.shapes import validate_quads

Progress = Callable[[str, int, int], None]  # (stage description, done, total)

FINGERPRINT_CODE_DIRS = ("ingest", "kg")


@dataclass
class InstrumentReport:
    instrument: str
    provisions: int
    divisions: int
    triples: int
    partial: bool
    warnings: list[str] = field(default_factory=list)
    obligations: int = 0
    extraction: dict = field(default_factory=dict)  # sentences, parsed, unparsed_long, …


@dataclass
class BuildReport:
    build_id: str
    skipped: bool
    seconds: float
    triples: int
    instruments: list[InstrumentReport]
    path: Path | None = None
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage
    # the search encoder (kg.search.adaptation.EncoderChoice.as_dict) and the texts embedded or read from the
    # embedding cache, for search and for themes: {"search": {"embedded": n, "cached": m}, …}
    encoder: dict = field(default_factory=dict)
    embedded: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "build_id": self.build_id,
            "skipped": self.skipped,
            "seconds": round(self.seconds, 3),
            "triples": self.triples,
            "instruments": [vars(r) for r in self.instruments],
            "stages": {k: round(v, 2) for k, v in self.stages.items()},
            "embedded": self.embedded,
        }


def _embedding_counts(counts: dict) -> dict:
    """{"embedded": n, "cached": m} summed over the cache files of kg.search.text_embeddings.counting."""
    return {k: sum(c[k] for c in counts.values()) for k in ("embedded", "cached")}


def build_inputs(sources_dir: Path) -> list[Path]:
    """Every file a build reads: the sources, the ontology, imported membership lists, the code and
    the data files of ``ingest/`` and ``kg/`` (coordination CSVs, the actor registry, the theme
    classifier's examples and labels, queries)."""
    files = sorted(p for p in sources_dir.rglob("*") if p.is_file())
    files += sorted(p for p in ONTOLOGY_DIR.glob("*.ttl"))
    files += sorted(imports_dir().glob("*.csv")) if imports_dir().exists() else []
    for folder in FINGERPRINT_CODE_DIRS:
        files += sorted(p for p in (REPO_ROOT / folder).rglob("*")
                        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    return files


def fingerprint(sources_dir: Path) -> str:
    """Hash of everything a build reads (:func:`build_inputs`): a change to any of them rebuilds."""
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    for path in dict.fromkeys(build_inputs(sources_dir)):
        digest.update(str(path.relative_to(path.anchor)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ontology_quads() -> list[Quad]:
    g = graph_iri("ontology")
    quads = []
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        if path.name == "shapes.ttl":
            continue
        for triple in parse(path=str(path), format=RdfFormat.TURTLE):
            quads.append(Quad(triple.subject, triple.predicate, triple.object, g))
    return quads


def build_activity_quads(build_id: str, started: str, ended: str, instrument_ids: list[str]) -> list[Quad]:
    g, activity = graph_iri("build"), entity(f"build/{build_id}")
    dt = NamedNode(XSD + "dateTime")
    quads = [
        Quad(activity, RDF_TYPE, term("prov", "Activity"), g),
        Quad(activity, term("prov", "startedAtTime"), Literal(started, datatype=dt), g),
        Quad(activity, term("prov", "endedAtTime"), Literal(ended, datatype=dt), g),
        Quad(activity, pcg("pipelineVersion"), Literal(PIPELINE_VERSION), g),
    ]
    for iid in instrument_ids:
        quads.append(Quad(activity, term("prov", "used"), source_iri(iid), g))
        quads.append(Quad(entity(iid), term("prov", "wasGeneratedBy"), activity, g))
    return quads


def store_target() -> str:
    """Where a build loads: "embedded", or the remote endpoint's query URL."""
    endpoint = sparql_endpoint()
    return endpoint[0] if endpoint else "embedded"


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def build(
    *, sources_dir: Path | None = None, force: bool = False, readapt: bool = False, progress: Progress | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> BuildReport:
    """``readapt``: use the search encoder adapted to exactly this corpus, never one reused from an
    earlier corpus (kg.search.adaptation); a build that reused one is then not skipped. One build at a time
    per data folder (kg.store.locks): a second waits, and ``on_wait`` hears why."""
    with build_lock("build", on_wait):
        return _build(sources_dir or configured_sources_dir(), force, readapt, progress)


def _build(sources_dir: Path, force: bool, readapt: bool, progress: Progress | None) -> BuildReport:
    progress = progress or (lambda stage, done, total: None)
    t0 = time.perf_counter()
    stores.remove_partial_builds()  # safe: we hold the lock, so no other build is writing one
    print_ = fingerprint(sources_dir)
    current = stores.current_build()
    current_manifest = stores.read_manifest(current) if stores.is_complete(current) else {}
    if current_manifest and not force:
        manifest = current_manifest
        reused = manifest.get("search", {}).get("adaptation", {}).get("status") == "reused"
        if (manifest.get("fingerprint") == print_ and manifest.get("store", "embedded") == store_target()
                and not (readapt and reused)):
            return BuildReport(
                build_id=manifest["build_id"], skipped=True, seconds=time.perf_counter() - t0,
                triples=manifest["triples"],
                instruments=[InstrumentReport(**r) for r in manifest["instruments"]], path=current.root,
                encoder=manifest.get("search", {}).get("adaptation", {}),
            )

    started = _now()
    build_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    instruments = list_instruments(sources_dir)
    quads: list[Quad] = []
    reports = []
    stages: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[name] = now - clock
        clock = now

    parsed_all = []
    for done, instrument in enumerate(instruments):
        progress(f"parse {instrument.id}", done, len(instruments))
        parsed_all.append((instrument, instrument.parse()))
    progress("parse", len(instruments), len(instruments))
    lap("parse")
    extracted = extract_all(parsed_all, progress)
    lap("extract obligations")
    cross_references = corpus_cross_references(parsed_all)
    for instrument, parsed in parsed_all:
        records, stats = extracted[instrument.id]
        own = list(instrument_quads(instrument, parsed))
        own += obligation_quads(instrument.id, records, instrument.extract_obligations,
                                not_extracted_note(instrument))
        own += cross_reference_quads(instrument.id, cross_references[instrument.id])
        quads.extend(own)
        reports.append(
            InstrumentReport(
                instrument=instrument.id, provisions=len(parsed.provisions),
                divisions=len(parsed.divisions), triples=len(own), partial=instrument.is_partial,
                warnings=parsed.warnings, obligations=len(records), extraction=stats,
            )
        )
    coordination = shipped_memberships()
    jurisdictions = {i.id: i.meta["jurisdiction"] for i in instruments}
    quads.extend(coordination_quads(coordination.memberships, shipped_partnerships(), jurisdictions))
    for name, imported in imported_memberships(imports_dir()).items():
        quads.extend(coordination_quads(imported.memberships, [], jurisdictions, graph_name=f"import-{name}",
                                        membership_file=f"{name}.csv"))
    lap("coordination data")
    units = index_units(parsed_all)
    obligations = [o for records, _ in extracted.values() for o in records]
    progress("classify themes", 0, 1)
    with counting_embeddings() as theme_counts:
        theme_corpus = themes.corpus(parsed_all, units, obligations,
                                     progress=lambda done, total: progress("classify themes (embed)", done, total))
        classification = themes.classify(theme_corpus, obligations)
    quads.extend(theme_quads((classification.provisions, classification.obligations), themes.CLASSIFIER_VERSION,
                             themes.classifier_description()))
    progress("classify themes", 1, 1)
    lap("classify themes")
    quads = list(dict.fromkeys(quads))  # actors and jurisdictions are shared by many instruments
    quads.extend(ontology_quads())
    quads.extend(build_activity_quads(build_id, started, _now(), [i.id for i in instruments]))

    lap("build RDF")
    progress("validate against SHACL shapes", 0, 1)
    validate_quads(quads)
    progress("validate against SHACL shapes", 1, 1)
    lap("validate (SHACL)")

    partial = stores.new_build_dir(build_id)
    progress("write store", 0, 1)
    loaded_into = stores.write_store(partial, quads)
    serialize((q.triple for q in quads), output=str(partial.turtle), format=RdfFormat.TURTLE,
              prefixes=prefixes())
    serialize(quads, output=str(partial.trig), format=RdfFormat.TRIG, prefixes=prefixes())
    progress("write store", 1, 1)
    lap("write store and dumps")
    progress("adapt search encoder", 0, 1)
    choice = encoder_for_build(units, progress=lambda done, total: progress("adapt search encoder", done, total),
                               readapt=readapt, current=current_manifest.get("search", {}).get("encoder"))
    encoder = choice.key
    progress(f"adapt search encoder: {choice.status}"
             + (f" ({choice.unseen_share:.1%} new)" if choice.status == "reused" else ""), 1, 1)
    lap("adapt search encoder")
    late_encoder = trained_late_encoder(
        encoder, units, progress=lambda done, total: progress("train the reranking encoder", done, total))
    lap("train the reranking encoder")
    with counting_embeddings() as search_counts:
        write_index(units, partial.search_index.folder, points=index_points(parsed_all), encoder=encoder,
                    late_encoder=late_encoder, progress=progress)
    themes.write_outputs(classification, partial.themes.folder)
    write_coverage(coverage_rows(classification, obligations), partial.themes.folder)
    lap("search index (embeddings)")

    report = BuildReport(build_id=build_id, skipped=False, seconds=time.perf_counter() - t0,
                         triples=len(quads), instruments=reports, stages=stages, encoder=choice.as_dict(),
                         embedded={"search": {**_embedding_counts(search_counts), "by_cache": search_counts},
                                   "themes": {**_embedding_counts(theme_counts), "by_cache": theme_counts}})
    manifest = {**report.as_dict(), "fingerprint": print_, "started": started, "ended": _now(),
                "store": loaded_into,
                "coordination": {"memberships": len(coordination.memberships),
                                 "row_errors": [str(e) for e in coordination.errors]},
                "themes": {"classifier": themes.CLASSIFIER_VERSION,
                           "provision_assignments": sum(map(len, classification.provisions.values())),
                           "obligation_assignments": sum(map(len, classification.obligations.values()))},
                "search": {"encoder": encoder, "late_encoder": late_encoder, "adaptation": choice.as_dict()},
                "pipeline_version": PIPELINE_VERSION}
    partial.manifest.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    report.path = stores.publish(partial).root
    return report
