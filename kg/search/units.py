"""The search index's units, written at build time: provisions at paragraph level (a paragraph or
subsection, or an article/section that has none, and recitals), each embedded with its instrument,
citation and heading as context, and the points inside them (found once their unit ranks), with
their vectors and the key of the encoder that made them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ingest.model import ParsedInstrument
from kg.search.adaptation import generated_questions
from kg.search.late_interaction import piece_frequencies
from kg.search.models import VECTOR_WIDTH
from kg.search.text_embeddings import embed_text_tokens, embed_texts
from kg.search.vector_index import write_vector_index
from kg.store.builds import SearchIndexFiles

# Dense retrieval reads a provision's first 160 word pieces (its citation, heading and most of its
# text; BM25 reads all of it): when this was chosen, on the 159 questions of the first gold batch,
# hybrid hit@5 was 0.805 against 0.786 at 96, for about 12 s more of cold embedding on 2 cores
# (bench/search_bench.py); 256, the model's limit, gained nothing more.
UNIT_TOKENS = 160
LEAD_IN_WORDS = 40


@dataclass
class Unit:
    provision: str
    instrument: str
    jurisdiction: str
    citation: str
    group: str  # the article/section (or recital) the unit belongs to
    heading: str | None
    text: str
    short_title: str
    language: str = "en"
    context: str = ""  # headings of the enclosing Part/Chapter/Title, read by BM25 only
    # plain-language questions written for the provision (kg/search_data), read by BM25 only: document
    # expansion, so a question in everyday words meets the words people use for it, not only the law's
    questions: list[str] = field(default_factory=list)

    def embedding_text(self) -> str:
        heading = f" — {self.heading}" if self.heading else ""
        return f"{self.short_title}, {self.citation}{heading}: {self.text}"

    def lexical_text(self) -> str:
        return " ".join([self.embedding_text(), self.context, *self.questions])


@dataclass
class Point:
    """A point or sub-point inside a unit ("(f) training …"), found by BM25 once its unit ranks,
    so a hit can name the exact point that answers."""

    provision: str
    citation: str
    unit: int  # position of the enclosing unit
    text: str
    lead_in: str  # the last words before the list, which say what the points are about

    def lexical_text(self) -> str:
        return f"{self.lead_in} {self.text}"


def index_units(pairs: list[tuple[object, ParsedInstrument]]) -> list[Unit]:
    """Paragraph-level units of every instrument (instrument objects from ingest.catalogue)."""
    return [unit for unit, _ in _units_with_nodes(pairs)]


def index_points(pairs: list[tuple[object, ParsedInstrument]]) -> list[Point]:
    """Every provision below a unit (points, sub-points), each with its list's lead-in words."""
    points = []
    units = _units_with_nodes(pairs)
    position = {unit.provision: i for i, (unit, _) in enumerate(units)}
    for instrument, parsed in pairs:
        index = parsed.by_id()
        children: dict[str, list] = {}
        for node in parsed.provisions:
            children.setdefault(node.parent, []).append(node)
        for node in parsed.provisions:
            ancestor = node.parent
            while ancestor is not None and ancestor not in position:
                ancestor = index[ancestor].parent if ancestor in index else None
            if ancestor is None or node.id in position:
                continue
            parent = index[node.parent]
            lead_in = parsed.text[parent.start : min(c.start for c in children[parent.id])]
            lead_in = " ".join(lead_in.split()[-LEAD_IN_WORDS:])
            points.append(Point(node.id, node.citation, position[ancestor], node.text(parsed.text), lead_in))
    return points


def _units_with_nodes(pairs) -> list[tuple[Unit, object]]:
    questions: dict[str, list[str]] = {}
    for provision, question in generated_questions():
        questions.setdefault(provision, []).append(question)
    units = []
    for instrument, parsed in pairs:
        meta = instrument.meta
        index = parsed.by_id()
        has_children = {n.parent for n in parsed.provisions if n.parent}
        for node in parsed.provisions:
            parent = index.get(node.parent) if node.parent else None
            top_level = parent is None or parent.kind == "division"
            paragraph_level = parent is not None and parent.kind == "provision" and (
                index.get(parent.parent) is None or index[parent.parent].kind == "division")
            if (top_level and node.id not in has_children) or paragraph_level:
                group = node.id if top_level else parent.id
                heading = node.heading or (parent.heading if paragraph_level else None)
                units.append((Unit(node.id, instrument.id, meta["jurisdiction"], node.citation, group, heading,
                                   node.text(parsed.text), meta["short_title"], meta.get("language", "en"),
                                   _division_headings(index, node), questions.get(node.id, [])), node))
    return units


def _division_headings(index: dict, node) -> str:
    headings, division = [], index.get(node.division) if node.division else None
    while division is not None:
        headings += [h for h in (division.heading,) if h]
        division = index.get(division.parent) if division.parent else None
    return " ".join(headings)


def unit_vectors(units: list[Unit], progress=None, encoder: str | None = None) -> np.ndarray:
    """Embeddings of the units (cached on disk); zero rows for other-language units, which the
    model cannot read: they are found by BM25 alone."""
    english = [i for i, u in enumerate(units) if u.language == "en"]
    vectors = np.zeros((len(units), VECTOR_WIDTH), dtype=np.float32)
    if english:
        vectors[english] = embed_texts([units[i].embedding_text() for i in english], progress=progress,
                                       encoder=encoder, max_tokens=UNIT_TOKENS)
    return vectors


def point_embedding_text(units: list[Unit], point: Point) -> str:
    """What a point's vector reads: the point under its unit's heading."""
    heading = units[point.unit].heading
    return f"{heading}: {point.text}" if heading else point.text


def point_vectors(units: list[Unit], points: list[Point], progress=None, encoder: str | None = None) -> np.ndarray:
    """Embeddings of the points, each read under its unit's heading."""
    vectors = np.zeros((len(points), VECTOR_WIDTH), dtype=np.float32)
    english = [j for j, p in enumerate(points) if units[p.unit].language == "en"]
    if english:
        texts = [point_embedding_text(units, points[j]) for j in english]
        vectors[english] = embed_texts(texts, progress=progress, cache="search-points", encoder=encoder)
    return vectors


def unit_token_vectors(units: list[Unit], encoder: str, progress=None) -> tuple[np.ndarray, np.ndarray]:
    """The word-piece vectors of every unit, read as :func:`unit_vectors` reads it, one after another
    (float16), and the offsets where each unit's start, with the end last; none for units in other
    languages."""
    tokens = [np.zeros((0, VECTOR_WIDTH), dtype=np.float16) for _ in units]
    english = [i for i, u in enumerate(units) if u.language == "en"]
    if english:
        found = embed_text_tokens([units[i].embedding_text() for i in english], progress=progress,
                                  cache="search-tokens", encoder=encoder, max_tokens=UNIT_TOKENS)
        for i, vectors in zip(english, found):
            tokens[i] = vectors
    offsets = np.concatenate([[0], np.cumsum([len(t) for t in tokens])]).astype(np.int64)
    return np.concatenate(tokens), offsets


def write_index(units: list[Unit], folder: Path, progress=None, points: list[Point] | None = None,
                encoder: str | None = None, late_encoder: str | None = None) -> None:
    """The index a :class:`SearchIndex` reads: units, points, their vectors (with an approximate
    index of each above kg.search.vector_index's threshold), the units' word-piece vectors by
    ``late_encoder`` and how many units hold each word piece (neither without one) and the encoders'
    keys (None: the stock model).
    ``progress(stage, done, total)`` hears of the embedding."""
    points = points or []
    folder.mkdir(parents=True, exist_ok=True)
    files = SearchIndexFiles(folder)

    def reporter(stage: str):
        return (lambda done, total: progress(stage, done, total)) if progress else None

    write_vector_index(unit_vectors(units, reporter("embed provisions for search"), encoder), files.dense,
                       files.dense_ann)
    write_vector_index(point_vectors(units, points, reporter("embed points for search"), encoder),
                       files.points_dense, files.points_dense_ann)
    if late_encoder is not None:
        tokens, offsets = unit_token_vectors(units, late_encoder, reporter("embed word pieces for reranking"))
        np.save(files.tokens, tokens)
        np.save(files.token_offsets, offsets)
        english = [u.embedding_text() for u in units if u.language == "en"]
        frequencies = piece_frequencies(english, late_encoder, UNIT_TOKENS)
        files.token_frequencies.write_text(json.dumps(frequencies, ensure_ascii=False), encoding="utf-8")
    files.units.write_text(json.dumps([u.__dict__ for u in units], ensure_ascii=False), encoding="utf-8")
    files.points.write_text(json.dumps([p.__dict__ for p in points], ensure_ascii=False), encoding="utf-8")
    files.encoder.write_text(json.dumps({"encoder": encoder, "late_encoder": late_encoder}), encoding="utf-8")
