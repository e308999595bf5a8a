"""Ask in plain words: hybrid retrieval over the provisions, with cited answers.

Units are provisions at paragraph level (a paragraph or subsection, or an article/section that
has none, and recitals), embedded with their instrument, citation and heading as context.
A query is ranked by dense cosine similarity (a unit's own, mixed with its best point's) and by
BM25 over the same units, the two rankings are fused by reciprocal rank fusion, units of the
instruments the question names ("the UK offence", kg.query_scope) are ranked ahead, and the hits
are grouped so one article does not fill the list. A query that is a legal citation ("s.54",
"Article 9(5) Palermo") goes straight to it.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kg.errors import SearchInputError
from ingest.model import ParsedInstrument
from kg.caching import loaded_once

MAX_QUERY_CHARS = 1000
# Dense retrieval reads a provision's first 160 word pieces (its citation, heading and most of its
# text; BM25 reads all of it): hit@5 0.805 against 0.780 at 96, for about 12 s more of cold
# embedding on 2 cores (bench/search_bench.py); 256, the model's limit, gains nothing more.
UNIT_TOKENS = 160
LEAD_IN_WORDS = 40
POINT_LEXICAL_WEIGHT = 0.1  # BM25 (scaled to 0–1) beside cosine when picking the point of a hit
# Fusion settings chosen on tests/gold/questions.jsonl (a small grid, see the issue note): a sharper
# reciprocal-rank curve than plain RRF(k=60); once the encoder is adapted to the corpus (kg.encoder)
# it is the stronger ranker, and BM25 mostly breaks its ties (differences within ±2 questions).
RRF_K = 10
LEXICAL_WEIGHT = 0.25
CANDIDATES = 200
# Up to this many paragraphs of one article in the list: enough to show a second paragraph that
# answers, not so many that one article fills the list.
PER_ARTICLE = 2
# A unit's dense score is its own cosine mixed with its best point's: a list's one matching point is
# diluted in the vector of the whole list, and a long unit's later points lie beyond UNIT_TOKENS.
# hit@5 0.805 → 0.843 on tests/gold/questions.jsonl, with 0.2–0.5 all within one question.
POINT_WEIGHT = 0.3
# Units of the instruments a question names (kg.query_scope) rank as if their score were this many
# times higher: "the UK offence" should find the UK Act before an EU article of similar wording.
NAMED_INSTRUMENT_WEIGHT = 2.0
# Recitals explain the articles in other words, so they often outrank the article that actually
# answers; they keep a place in the ranking, but behind enacting terms of similar fit.
RECITAL_WEIGHT = 0.5
STOPWORDS = set("""a an the of to in on for by with and or is are be been being as at from that this these those it its
their they them which who whom what when where how do does did has have had not no any all each every such other
than then there here shall must may can could should would will about into under over within without between per
i we you he she his her our your my me us if so also only own same very just more most some""".split())


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

    def embedding_text(self) -> str:
        heading = f" — {self.heading}" if self.heading else ""
        return f"{self.short_title}, {self.citation}{heading}: {self.text}"

    def lexical_text(self) -> str:
        return f"{self.embedding_text()} {self.context}"


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


@dataclass
class Hit:
    provision: str
    instrument: str
    citation: str
    score: float
    text: str
    heading: str | None = None
    best_sentence: str | None = None
    also: list[str] = field(default_factory=list)  # other matching units of the same article
    related: list[dict] = field(default_factory=list)  # nearest provisions in other instruments
    obligations: list[dict] = field(default_factory=list)
    matched_by: str = "hybrid"

    def as_dict(self) -> dict:
        return dict(self.__dict__)


# --- building the index -------------------------------------------------------------------


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
                                   _division_headings(index, node)), node))
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
    from kg.embeddings import embed_texts

    english = [i for i, u in enumerate(units) if u.language == "en"]
    vectors = np.zeros((len(units), 384), dtype=np.float32)
    if english:
        vectors[english] = embed_texts([units[i].embedding_text() for i in english], progress=progress,
                                       encoder=encoder, max_tokens=UNIT_TOKENS)
    return vectors


def point_vectors(units: list[Unit], points: list[Point], progress=None, encoder: str | None = None) -> np.ndarray:
    """Embeddings of the points, each read under its unit's heading."""
    from kg.embeddings import embed_texts

    vectors = np.zeros((len(points), 384), dtype=np.float32)
    english = [j for j, p in enumerate(points) if units[p.unit].language == "en"]
    if english:
        texts = [f"{units[points[j].unit].heading}: {points[j].text}" if units[points[j].unit].heading
                 else points[j].text for j in english]
        vectors[english] = embed_texts(texts, progress=progress, cache="search-points", encoder=encoder)
    return vectors


def write_index(units: list[Unit], folder: Path, progress=None, points: list[Point] | None = None,
                encoder: str | None = None) -> None:
    """The index a :class:`SearchIndex` reads: units, points, their vectors and the encoder's key
    (None: the stock model). ``progress(stage, done, total)`` hears of the embedding."""
    points = points or []
    folder.mkdir(parents=True, exist_ok=True)

    def reporter(stage: str):
        return (lambda done, total: progress(stage, done, total)) if progress else None

    np.save(folder / "dense.npy", unit_vectors(units, reporter("embed provisions for search"), encoder))
    np.save(folder / "points_dense.npy", point_vectors(units, points, reporter("embed points for search"), encoder))
    (folder / "units.json").write_text(json.dumps([u.__dict__ for u in units], ensure_ascii=False),
                                       encoding="utf-8")
    (folder / "points.json").write_text(json.dumps([p.__dict__ for p in points], ensure_ascii=False),
                                        encoding="utf-8")
    (folder / "index.json").write_text(json.dumps({"encoder": encoder}), encoding="utf-8")


# --- tokenising, for BM25 and highlighting ------------------------------------------------


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A word's stem (memoised: loading the index stems 216,000 words of a 7,900-word vocabulary, and
    that took 0.2 s holding the GIL while the app's first sessions were starting)."""
    for suffix in ("ations", "ation", "ings", "ing", "ities", "ity", "ments", "ment", "ies", "ers", "er", "ed",
                   "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix in ("ies", "ities") else "")
    return word


def tokens(text: str) -> list[str]:
    return [stem(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS and len(w) > 1]


# --- the loaded index ---------------------------------------------------------------------


class SearchIndex:
    def __init__(self, folder: Path):
        import bm25s
        from threadpoolctl import threadpool_limits

        # A 2,400 × 384 product is far too small to share between threads, and once torch is loaded
        # OpenBLAS's second thread waits on torch's OpenMP pool: 7.8 ms a product instead of 0.1 ms.
        threadpool_limits(1, user_api="blas")

        self.units = [Unit(**u) for u in json.loads((folder / "units.json").read_text(encoding="utf-8"))]
        self.dense = np.load(folder / "dense.npy")
        self.encoder = json.loads((folder / "index.json").read_text(encoding="utf-8"))["encoder"]
        self.by_provision = {u.provision: i for i, u in enumerate(self.units)}
        # units are written instrument by instrument, so each instrument is one contiguous span
        self.instrument_spans: dict[str, tuple[int, int]] = {}
        for i, u in enumerate(self.units):
            start, _ = self.instrument_spans.get(u.instrument, (i, i))
            self.instrument_spans[u.instrument] = (start, i + 1)
        self.prior = np.array([RECITAL_WEIGHT if "/rec" in u.provision else 1.0 for u in self.units])
        self.unit_instrument = np.array([u.instrument for u in self.units])
        self.bm25 = bm25s.BM25()
        self.bm25.index([tokens(u.lexical_text()) or ["empty"] for u in self.units], show_progress=False)
        self.points = [Point(**p) for p in json.loads((folder / "points.json").read_text(encoding="utf-8"))]
        self.points_of: dict[int, list[int]] = {}
        for j, point in enumerate(self.points):
            self.points_of.setdefault(point.unit, []).append(j)
        self.point_dense = np.load(folder / "points_dense.npy")
        self.point_owner = np.array([p.unit for p in self.points], dtype=np.int64)
        self.units_with_points = np.zeros(len(self.units), dtype=bool)
        self.units_with_points[self.point_owner] = True
        self.point_bm25 = bm25s.BM25()
        if self.points:
            self.point_bm25.index([tokens(p.lexical_text()) or ["empty"] for p in self.points], show_progress=False)

    # ranking ---------------------------------------------------------------------------

    def dense_scores(self, query: str) -> np.ndarray:
        from kg.embeddings import embed_query

        question = embed_query(query, self.encoder)
        scores = self.dense @ question
        if not len(self.points):
            return scores
        best_point = np.full(len(scores), -np.inf, dtype=np.float32)
        np.maximum.at(best_point, self.point_owner, self.point_dense @ question)
        best_point = np.where(self.units_with_points, best_point, scores)  # no points: the unit itself
        return (1 - POINT_WEIGHT) * scores + POINT_WEIGHT * best_point

    def lexical_scores(self, query: str) -> np.ndarray:
        words = tokens(query)
        scores = np.zeros(len(self.units), dtype=np.float32)
        if not words:
            return scores
        return np.asarray(self.bm25.get_scores(words), dtype=np.float32)

    def ranking(self, query: str, mode: str, allowed: np.ndarray,
                named: frozenset[str] = frozenset()) -> list[tuple[int, float]]:
        """Candidates, best first; ``named``: instruments the question names, ranked ahead."""
        dense = self.dense_scores(query) if mode in ("dense", "hybrid") else None
        lexical = self.lexical_scores(query) if mode in ("lexical", "hybrid") else None
        prior = self.prior
        if named:
            prior = prior * np.where(np.isin(self.unit_instrument, list(named)), NAMED_INSTRUMENT_WEIGHT, 1.0)
        if mode == "dense":
            dense = dense * prior
            order = np.argsort(-np.where(allowed, dense, -np.inf))
            return [(int(i), float(dense[i])) for i in order[:CANDIDATES] if allowed[i]]
        if mode == "lexical":
            lexical = lexical * prior
            order = np.argsort(-np.where(allowed, lexical, -np.inf))
            return [(int(i), float(lexical[i])) for i in order[:CANDIDATES] if allowed[i] and lexical[i] > 0]
        fused = np.zeros(len(self.units))
        for scores, weight in ((dense, 1.0), (lexical, LEXICAL_WEIGHT)):
            masked = np.where(allowed, scores, -np.inf)
            order = np.argsort(-masked)[:CANDIDATES]
            for rank, i in enumerate(order):
                if allowed[i] and (scores is dense or scores[i] > 0):
                    fused[i] += weight / (RRF_K + rank + 1)
        fused *= prior
        order = np.argsort(-fused)
        return [(int(i), float(fused[i])) for i in order[:CANDIDATES] if fused[i] > 0]

    def best_point(self, position: int, point_scores: tuple[np.ndarray, np.ndarray] | None) -> Point | None:
        """The point of a unit closest to the question, if the question shares a word with it."""
        candidates = self.points_of.get(position)
        if not candidates or point_scores is None:
            return None
        combined, lexical = point_scores
        best = max(candidates, key=lambda j: combined[j])
        return self.points[best] if lexical[best] > 0 else None

    def point_scores(self, query: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Cosine of the question to each point, plus a share of BM25 over the point and its lead-in;
        and the BM25 scores. Returned, not kept on the index, which concurrent app sessions share."""
        from kg.embeddings import embed_query

        words = tokens(query)
        if not self.points or not words:
            return None
        lexical = np.asarray(self.point_bm25.get_scores(words), dtype=np.float32)
        combined = POINT_LEXICAL_WEIGHT * lexical / (lexical.max() or 1.0)
        return combined + self.point_dense @ embed_query(query, self.encoder), lexical

    def with_stock_encoder(self) -> SearchIndex:
        """The same index read by the stock model, to measure what adapting the encoder buys."""
        stock = copy.copy(self)
        stock.encoder = None
        stock.dense = unit_vectors(self.units)
        stock.point_dense = point_vectors(self.units, self.points)
        return stock

    def related(self, position: int, k: int = 3) -> list[dict]:
        """Nearest provisions in other instruments (the best one in each of the k closest)."""
        unit = self.units[position]
        scores = self.dense @ self.dense[position]
        best = [(start + int(np.argmax(scores[start:end])), instrument)
                for instrument, (start, end) in self.instrument_spans.items() if instrument != unit.instrument]
        best.sort(key=lambda pair: -scores[pair[0]])
        return [{"provision": self.units[i].provision, "citation": self.units[i].citation, "instrument": instrument,
                 "score": round(float(scores[i]), 3)} for i, instrument in best[:k]]


@loaded_once(maxsize=2)
def load_index(folder: str) -> SearchIndex:
    return SearchIndex(Path(folder))


def current_index() -> SearchIndex:
    """The current build's index, loaded once per process."""
    from kg.store import builds as stores

    return load_index(str(stores.require_current_build().root / "search"))


# --- queries --------------------------------------------------------------------------------


def clean_query(query: str) -> tuple[str, list[str]]:
    """Strip control characters, fold whitespace and cap the length; say what was changed."""
    notes = []
    if query is None:
        query = ""
    cleaned = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in str(query))
    if cleaned != query and cleaned.strip():
        notes.append("Control characters in the question were ignored.")
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    if len(cleaned) > MAX_QUERY_CHARS:
        cleaned = cleaned[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
        notes.append(f"The question was long; only its first {MAX_QUERY_CHARS} characters were used.")
    if not cleaned:
        raise SearchInputError("the question is empty: type a few words, e.g. 'who must report on forced labour?'")
    if not re.search(r"[A-Za-z]", cleaned):
        notes.append("The question has no Latin letters; results rely on meaning alone and may be weak.")
    return cleaned, notes


def best_sentence(text: str, query: str) -> str | None:
    sentences = [s.strip() for s in re.split(r"(?<=[.;:])\s+|\n+", text) if len(s.strip()) > 20]
    if not sentences:
        return None
    wanted = set(tokens(query))
    scored = [(len(wanted & set(tokens(s))), -i, s) for i, s in enumerate(sentences)]
    top = max(scored)
    return top[2] if top[0] > 0 else sentences[0]


def search(query: str, *, k: int = 10, instruments: list[str] | None = None,
           jurisdictions: list[str] | None = None, actor_kinds: list[str] | None = None,
           modalities: list[str] | None = None, mode: str = "hybrid", group: bool = True,
           with_related: bool = True, index: SearchIndex | None = None) -> tuple[list[Hit], list[str]]:
    """Ranked hits for a plain-language question (or a citation), and notes about the query."""
    from kg.store import read
    from kg.citations import resolve_citation
    from kg.query_scope import Scope, question_scope

    text, notes = clean_query(query)
    index = index or current_index()
    allowed = np.ones(len(index.units), dtype=bool)
    for asked, known, what in ((instruments, {u.instrument for u in index.units}, "instrument"),
                               (jurisdictions, {u.jurisdiction for u in index.units}, "jurisdiction")):
        unknown = sorted(set(asked or ()) - known)
        if unknown:
            raise SearchInputError(f"no {what} {', '.join(map(repr, unknown))} in the search index; known: "
                                   + ", ".join(sorted(known)))
    if instruments:
        allowed &= np.array([u.instrument in instruments for u in index.units])
    if jurisdictions:
        allowed &= np.array([u.jurisdiction in jurisdictions for u in index.units])
    if actor_kinds or modalities:
        matching = {o["provision"] for o in read.obligations(normative_only=False)
                    if (not actor_kinds or o["actor_kind"] in actor_kinds)
                    and (not modalities or o["modality"] in modalities)}
        holders = {"/".join(p.split("/")[:n]) for p in matching for n in range(2, p.count("/") + 2)}
        allowed &= np.array([u.provision in holders for u in index.units])

    cited = resolve_citation(text, instruments)
    hits: list[Hit] = []
    if cited:
        for provision in cited[:k]:
            position = _position_of(index, provision)
            unit = index.units[position] if position is not None else None
            hits.append(_hit(index, position, provision, 1.0, text, "citation", with_related, unit))
        return hits, notes + [f"Read as a citation: {', '.join(cited[:3])}."]

    named = Scope() if instruments else question_scope(text, read.instruments())
    if named:
        titles = sorted(index.units[index.instrument_spans[i][0]].short_title
                        for i in named.instruments if i in index.instrument_spans)
        notes.append(f"The question names {', '.join(repr(c) for c in named.clues)}: provisions of "
                     f"{'; '.join(titles)} rank first.")
    shown: dict[str, list[Hit]] = {}
    point_scores = index.point_scores(text)
    for position, score in index.ranking(text, mode, allowed, named.instruments):
        unit = index.units[position]
        key = unit.group if group else unit.provision
        if len(shown.get(key, [])) >= PER_ARTICLE:
            shown[key][0].also.append(unit.provision)
            continue
        point = index.best_point(position, point_scores)
        hit = _hit(index, position, unit.provision, score, text, mode, with_related, unit)
        if point is not None:
            hit.provision, hit.citation = point.provision, point.citation
            hit.best_sentence = best_sentence(point.text, text) or hit.best_sentence
        shown.setdefault(key, []).append(hit)
        hits.append(hit)
        if len(hits) >= k:
            break
    return hits, notes


def _position_of(index: SearchIndex, provision: str) -> int | None:
    if provision in index.by_provision:
        return index.by_provision[provision]
    for i, unit in enumerate(index.units):  # a citation of a whole article: its first paragraph
        if unit.provision.startswith(provision + "/") or unit.group == provision:
            return i
    return None


def _hit(index: SearchIndex, position: int | None, provision: str, score: float, query: str, matched_by: str,
         with_related: bool, unit: Unit | None) -> Hit:
    from kg.store import read

    row = read.provision(provision) if unit is None or unit.provision != provision else None
    text = unit.text if unit is not None and unit.provision == provision else (row["text"] if row else "")
    citation = unit.citation if unit is not None and unit.provision == provision else (row["citation"] if row else provision)
    instrument = provision.split("/")[0]
    obligations = [
        {k: o[k] for k in ("provision", "modality", "strength", "actor", "actor_kind", "actor_text", "action")}
        for o in read.obligations(provision_prefix=provision, normative_only=True)
    ][:5]
    return Hit(
        provision=provision, instrument=instrument, citation=citation, score=round(score, 5), text=text,
        heading=unit.heading if unit else (row or {}).get("heading"), best_sentence=best_sentence(text, query),
        related=index.related(position) if with_related and position is not None else [],
        obligations=obligations, matched_by=matched_by,
    )
