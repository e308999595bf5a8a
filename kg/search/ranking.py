"""Ranking the index's units for a question: dense cosine similarity (a unit's own, mixed with its
best point's) and BM25 over the same units (their text, enclosing headings and the questions written
for them: ``Unit.lexical_text``), fused by reciprocal rank fusion, with recitals behind enacting terms
and the instruments a question names ahead; the loaded index, once per process."""

from __future__ import annotations

import copy
import functools
import json
import re
from pathlib import Path

import numpy as np

from kg.caching import loaded_once
from kg.search import late_interaction
from kg.search.units import Point, Unit, point_vectors, unit_vectors
from kg.search.vector_index import build_vector_index, open_vector_index
from kg.store.builds import SearchIndexFiles

POINT_LEXICAL_WEIGHT = 0.1  # BM25 (scaled to 0–1) beside cosine when picking the point of a hit
# Fusion settings: a sharper reciprocal-rank curve than plain RRF(k=60), chosen on the first gold
# questions; BM25's weight chosen on the dev questions once BM25 stemmed a word's forms alike (0.15–1.5:
# hybrid hit@5 0.759, 0.778, 0.778, 0.787, 0.787, 0.806, 0.787, 0.750 and MRR 0.588–0.646, best at 0.75;
# it was 0.25, when BM25 missed "state"/"states", and the adapted encoder alone was the stronger ranker).
RRF_K = 10
LEXICAL_WEIGHT = 0.75
CANDIDATES = 200
# Above kg.search.vector_index's threshold, dense ranking scores exactly only the units the
# approximate indexes find near the question (by their own vector or a point's): this many of each,
# more when a filter leaves a share of the units (and the filtered units alone when fewer).
APPROXIMATE_CANDIDATES = 4 * CANDIDATES
# A unit's dense score is its own cosine mixed with its best point's: a list's one matching point is
# diluted in the vector of the whole list, and a long unit's later points lie beyond UNIT_TOKENS.
# hit@5 0.805 → 0.843 on tests/gold/questions.jsonl, with 0.2–0.5 all within one question.
POINT_WEIGHT = 0.3
# Units of the instruments a question names (kg.search.query_scope) rank as if their score were this many
# times higher: "the UK offence" should find the UK Act before an EU article of similar wording.
NAMED_INSTRUMENT_WEIGHT = 2.0
# Recitals explain the articles in other words, so they often outrank the article that actually
# answers; they keep a place in the ranking, but behind enacting terms of similar fit.
RECITAL_WEIGHT = 0.5
STOPWORDS = set("""a an the of to in on for by with and or is are be been being as at from that this these those it its
their they them which who whom what when where how do does did has have had not no any all each every such other
than then there here shall must may can could should would will about into under over within without between per
i we you he she his her our your my me us if so also only own same very just more most some""".split())


# "-ize" spellings (the Canadian Act, the UN Protocol's "organized crime") read as the "-ise" ones of
# the UK and EU texts and of most questions: "authorise" finds "authorizing"
IZE_SPELLING = re.compile(r"(?<=\w{3})iz(?=(?:e|es|ed|ing|ation|ations|er|ers)$)")


def ise_spelling(word: str) -> str:
    """"organized" → "organised", "authorization" → "authorisation"; "size", "seize" stay."""
    return IZE_SPELLING.sub("is", word)


def strip_suffix(word: str, suffixes: tuple[tuple[str, str], ...], shortest_stem: int = 3) -> str:
    """``word`` with the first of ``suffixes`` (ending, replacement) it ends in replaced, if what
    is left keeps ``shortest_stem`` letters: the one rule of search's stems and of the verbs that
    direct answers compare (kg.search.direct_answers.verb_root), each with its own endings."""
    for suffix, replacement in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= shortest_stem:
            return word[: -len(suffix)] + replacement
    return word


STEM_SUFFIXES = tuple((s, "y" if s == "ies" else "") for s in (
    "ations", "ation", "ings", "ing", "ities", "ity", "ments", "ment", "ies", "ers", "er", "ed", "es", "s"))


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A word's stem (memoised: loading the index stems 216,000 words of a 7,900-word vocabulary, and
    that took 0.2 s holding the GIL while the app's first sessions were starting)."""
    word = strip_suffix(ise_spelling(word), STEM_SUFFIXES)
    # the endings above take a final "e" with them, so it goes here too: "state" and "states" → "stat",
    # "require", "required" and "requires" → "requir", "employee" and "employees" → "employ"
    while len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def tokens(text: str) -> list[str]:
    return [stem(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS and len(w) > 1]


# a share of BM25 per point (plus each point's cosine when the third item is None), BM25 per
# point, and the question's vector when the cosines are still to be computed (SearchIndex.point_scores)
PointScores = tuple[np.ndarray, np.ndarray, np.ndarray | None]


class SearchIndex:
    def __init__(self, folder: Path):
        import bm25s
        from threadpoolctl import threadpool_limits

        # A 2,400 × 384 product is far too small to share between threads, and once torch is loaded
        # OpenBLAS's second thread waits on torch's OpenMP pool: 7.8 ms a product instead of 0.1 ms.
        threadpool_limits(1, user_api="blas")

        files = SearchIndexFiles(folder)
        self.units = [Unit(**u) for u in json.loads(files.units.read_text(encoding="utf-8"))]
        self.dense, self.unit_index = open_vector_index(files.dense, files.dense_ann)
        encoders = json.loads(files.encoder.read_text(encoding="utf-8"))
        self.encoder = encoders["encoder"]
        # word-piece vectors, memory-mapped: a question reads those of its 30 candidates only
        self.late_encoder = encoders.get("late_encoder")
        if self.late_encoder is not None:
            self.tokens = np.load(files.tokens, mmap_mode="r")
            self.token_offsets = np.load(files.token_offsets)
            self.piece_frequencies = (json.loads(files.token_frequencies.read_text(encoding="utf-8"))
                                      if files.token_frequencies.exists() else None)
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
        self.points = [Point(**p) for p in json.loads(files.points.read_text(encoding="utf-8"))]
        self.points_of: dict[int, list[int]] = {}
        for j, point in enumerate(self.points):
            self.points_of.setdefault(point.unit, []).append(j)
        self.point_dense, self.point_index = open_vector_index(files.points_dense, files.points_dense_ann)
        self.point_owner = np.array([p.unit for p in self.points], dtype=np.int64)
        self.units_with_points = np.zeros(len(self.units), dtype=bool)
        self.units_with_points[self.point_owner] = True
        self.point_bm25 = bm25s.BM25()
        if self.points:
            self.point_bm25.index([tokens(p.lexical_text()) or ["empty"] for p in self.points], show_progress=False)

    # ranking ---------------------------------------------------------------------------

    def dense_scores(self, query: str, allowed: np.ndarray | None = None,
                     named: frozenset[str] = frozenset()) -> np.ndarray:
        """Each unit's cosine to the question mixed with its best point's; with an approximate
        index, only for the units near the question (``allowed`` ones, and those of ``named``
        instruments), ``-inf`` for the rest."""
        from kg.search.question_embedding import embed_query  # loaded with the first question, not the index

        question = embed_query(query, self.encoder)
        if self.unit_index.kind != "exact":
            return self._approximate_dense_scores(question, allowed, named)
        scores = self.dense @ question
        if not len(self.points):
            return scores
        best_point = np.full(len(scores), -np.inf, dtype=np.float32)
        np.maximum.at(best_point, self.point_owner, self.point_dense @ question)
        best_point = np.where(self.units_with_points, best_point, scores)  # no points: the unit itself
        return (1 - POINT_WEIGHT) * scores + POINT_WEIGHT * best_point

    def _approximate_dense_scores(self, question: np.ndarray, allowed: np.ndarray | None,
                                  named: frozenset[str]) -> np.ndarray:
        if allowed is not None and allowed.sum() <= APPROXIMATE_CANDIDATES:
            candidates = np.flatnonzero(allowed)
        else:
            share = 1.0 if allowed is None else max(float(allowed.mean()), 1e-3)
            k = min(len(self.units), int(APPROXIMATE_CANDIDATES / share))
            unit_ids = self.unit_index.search(question, k)[0][0]
            point_ids = self.point_index.search(question, k)[0][0] if len(self.points) else np.zeros(0, np.int64)
            spans = [np.arange(*self.instrument_spans[i]) for i in named if i in self.instrument_spans]
            candidates = np.unique(np.concatenate([unit_ids[unit_ids >= 0], self.point_owner[point_ids[point_ids >= 0]],
                                                   *spans]).astype(np.int64))
        own = np.asarray(self.dense[candidates] @ question, dtype=np.float32)
        best_point = own.copy()
        for n, unit in enumerate(candidates):
            owned = self.points_of.get(int(unit))
            if owned:
                best_point[n] = np.max(self.point_dense[owned] @ question)
        scores = np.full(len(self.units), -np.inf, dtype=np.float32)
        scores[candidates] = (1 - POINT_WEIGHT) * own + POINT_WEIGHT * best_point
        return scores

    def lexical_scores(self, query: str) -> np.ndarray:
        words = tokens(query)
        scores = np.zeros(len(self.units), dtype=np.float32)
        if not words:
            return scores
        return np.asarray(self.bm25.get_scores(words), dtype=np.float32)

    def ranking(self, query: str, mode: str, allowed: np.ndarray,
                named: frozenset[str] = frozenset()) -> list[tuple[int, float]]:
        """Candidates, best first; ``named``: instruments the question names, ranked ahead."""
        dense = self.dense_scores(query, allowed, named) if mode in ("dense", "hybrid") else None
        lexical = self.lexical_scores(query) if mode in ("lexical", "hybrid") else None
        prior = self.prior
        if named:
            prior = prior * np.where(np.isin(self.unit_instrument, list(named)), NAMED_INSTRUMENT_WEIGHT, 1.0)
        if mode == "dense":
            dense = dense * prior
            order = np.argsort(-np.where(allowed, dense, -np.inf))
            return [(int(i), float(dense[i])) for i in order[:CANDIDATES] if allowed[i] and np.isfinite(dense[i])]
        if mode == "lexical":
            lexical = lexical * prior
            order = np.argsort(-np.where(allowed, lexical, -np.inf))
            return [(int(i), float(lexical[i])) for i in order[:CANDIDATES] if allowed[i] and lexical[i] > 0]
        fused = np.zeros(len(self.units))
        for scores, weight in ((dense, 1.0), (lexical, LEXICAL_WEIGHT)):
            masked = np.where(allowed, scores, -np.inf)
            order = np.argsort(-masked)[:CANDIDATES]
            for rank, i in enumerate(order):
                if allowed[i] and (np.isfinite(scores[i]) if scores is dense else scores[i] > 0):
                    fused[i] += weight / (RRF_K + rank + 1)
        fused *= prior
        order = np.argsort(-fused)
        if self.late_encoder is not None:
            self._add_late_interaction(query, fused, order[: late_interaction.DEPTH], prior)
            order = np.argsort(-fused)
        return [(int(i), float(fused[i])) for i in order[:CANDIDATES] if fused[i] > 0]

    def _add_late_interaction(self, query: str, fused: np.ndarray, candidates: np.ndarray,
                              prior: np.ndarray) -> None:
        """The second stage (kg.search.late_interaction): the candidates ranked by MaxSim join the
        fusion as a third list, under the same prior."""
        candidates = candidates[fused[candidates] > 0]
        question, pieces = late_interaction.question_token_vectors(query, self.late_encoder, STOPWORDS)
        weights = late_interaction.piece_weights(pieces, self.piece_frequencies)
        scores = late_interaction.maxsim_scores(question, self.tokens, self.token_offsets, candidates, weights)
        for rank, n in enumerate(np.argsort(-scores, kind="stable")):
            if np.isfinite(scores[n]):
                unit = candidates[n]
                fused[unit] += late_interaction.LATE_WEIGHT / (RRF_K + rank + 1) * prior[unit]

    def best_point(self, position: int, point_scores: PointScores | None) -> Point | None:
        """The point of a unit closest to the question, if the question shares a word with it."""
        candidates = self.points_of.get(position)
        if not candidates or point_scores is None:
            return None
        combined, lexical, question = point_scores
        if question is not None:  # approximate index: the cosines of this unit's points only
            combined = dict(zip(candidates, combined[candidates] + self.point_dense[candidates] @ question))
        best = max(candidates, key=lambda j: combined[j])
        return self.points[best] if lexical[best] > 0 else None

    def point_scores(self, query: str) -> PointScores | None:
        """Cosine of the question to each point, plus a share of BM25 over the point and its lead-in;
        and the BM25 scores. Returned, not kept on the index, which concurrent app sessions share.
        With an approximate index the cosines are left to :meth:`best_point`, for the points of the
        units it is asked about (with the question's vector as the third item): every point's would
        read the whole memory-mapped matrix for each question."""
        from kg.search.question_embedding import embed_query

        words = tokens(query)
        if not self.points or not words:
            return None
        lexical = np.asarray(self.point_bm25.get_scores(words), dtype=np.float32)
        combined = POINT_LEXICAL_WEIGHT * lexical / (lexical.max() or 1.0)
        question = embed_query(query, self.encoder)
        if self.point_index.kind != "exact":
            return combined, lexical, question
        return combined + self.point_dense @ question, lexical, None

    def first_stage(self) -> SearchIndex:
        """The same index without its second stage, to measure what late interaction buys."""
        first = copy.copy(self)
        first.late_encoder = None
        return first

    def with_stock_encoder(self) -> SearchIndex:
        """The same index read by the stock model, to measure what adapting the encoder buys."""
        stock = copy.copy(self)
        stock.encoder = stock.late_encoder = None
        stock.dense = unit_vectors(self.units)
        stock.point_dense = point_vectors(self.units, self.points)
        stock.unit_index, stock.point_index = build_vector_index(stock.dense), build_vector_index(stock.point_dense)
        return stock

    def related(self, position: int, k: int = 3) -> list[dict]:
        """Nearest provisions in other instruments (the best one in each of the k closest)."""
        unit = self.units[position]
        if self.unit_index.kind != "exact":  # the best of each instrument among the unit's nearest
            ids, found = self.unit_index.search(np.asarray(self.dense[position]), APPROXIMATE_CANDIDATES)
            best: dict[str, tuple[int, float]] = {}
            for i, score in zip(ids[0].tolist(), found[0].tolist()):
                if i >= 0 and self.units[i].instrument != unit.instrument:
                    best.setdefault(self.units[i].instrument, (i, score))
            return [{"provision": self.units[i].provision, "citation": self.units[i].citation, "instrument": instrument,
                     "score": round(score, 3)} for instrument, (i, score) in list(best.items())[:k]]
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

    return load_index(str(stores.require_current_build().search_index.folder))
