"""Ask in plain words: the hits that answer a question, cited, with notes on how it was read.

A question is cleaned, filtered (instruments, jurisdictions, kinds of norm), ranked
(kg.search.ranking) with the instruments it names ranked ahead (kg.search.query_scope), and its hits
grouped so one article does not fill the list, each with its best sentence, its norms and its
nearest provisions in other instruments. A question that is a legal citation ("s.54", "Article 9(5)
Palermo") goes straight to it (kg.search.citations).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from kg.errors import SearchInputError
from kg.search.citations import resolve_citation
from kg.search.query_scope import Scope, question_scope
from kg.search.ranking import SearchIndex, current_index, tokens
from kg.search.units import Unit
from kg.store import read

MAX_QUERY_CHARS = 1000
# Up to this many paragraphs of one article in the list: enough to show a second paragraph that
# answers, not so many that one article fills the list.
PER_ARTICLE = 2


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
