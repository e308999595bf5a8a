"""Which instruments a question names: "under the UK Act", "EU countries", "the 1926 treaty",
"the Palermo Protocol". Search ranks their provisions ahead of equally good matches elsewhere,
because a question that names a jurisdiction wants that jurisdiction's law, and neither ranker
weighs one country's name against a whole provision's wording.

Three kinds of clue: a jurisdiction (its name, adjective or abbreviation), a year of adoption, and
an instrument's title or a usual short name. Clues of different kinds narrow each other ("EU" and
"2011": the 2011 directive); clues that contradict each other are all kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.jurisdictions import mentions
from kg.search.instrument_names import ALIASES

YEAR_RE = re.compile(r"(?<!\d)(1[6-9]\d\d|20\d\d)(?!\d)")


@dataclass(frozen=True)
class Scope:
    instruments: frozenset[str] = frozenset()
    clues: tuple[str, ...] = ()  # the question's words that named them, in the order found

    def __bool__(self) -> bool:
        return bool(self.instruments)


def _names(word: str) -> re.Pattern:
    flags = 0 if word.isupper() else re.IGNORECASE
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", flags)


def _title_forms(row: dict) -> set[str]:
    """An instrument's titles, and its short title without year or gloss: "Modern Slavery Act"
    names both Modern Slavery Acts."""
    forms = {row["shortTitle"], row["title"]}
    bare = re.sub(r"\s*\([^)]*\)", "", row["shortTitle"])
    forms.add(re.sub(r"\s+\d{4}$", "", bare).strip())
    return {f.lower() for f in forms if len(f) >= 3}


@lru_cache(maxsize=4)
def _clue_table(rows: tuple[tuple[tuple[str, object], ...], ...]) -> dict[str, dict[re.Pattern, frozenset[str]]]:
    instruments = [dict(row) for row in rows]
    by_kind: dict[str, dict[str, set[str]]] = {"jurisdiction": {}, "name": {}}
    for row in instruments:
        for word in mentions(row["jurisdiction"]):
            by_kind["jurisdiction"].setdefault(word, set()).add(row["id"])
        for form in _title_forms(row):
            by_kind["name"].setdefault(form, set()).add(row["id"])
    jurisdiction_words = {w.lower() for w in by_kind["jurisdiction"]}
    known = {row["id"] for row in instruments}
    for alias, instrument in ALIASES.items():
        # citations read "s.54 UK" as the UK Act; as a clue, "UK" names every UK instrument
        if instrument in known and alias not in jurisdiction_words:
            by_kind["name"].setdefault(alias, set()).add(instrument)
    return {kind: {_names(word): frozenset(ids) for word, ids in table.items()} for kind, table in by_kind.items()}


def question_scope(question: str, instruments: list[dict]) -> Scope:
    """The instruments ``question`` names, among ``instruments`` (rows of kg.store.read.instruments)."""
    rows = tuple(tuple(sorted((k, row.get(k)) for k in ("id", "shortTitle", "title", "jurisdiction", "adopted")))
                 for row in instruments)
    table = _clue_table(rows)
    clue_sets, clues = [], []
    for kind in ("jurisdiction", "name"):
        named: set[str] = set()
        for pattern, ids in table[kind].items():
            found = pattern.search(question)
            if found:
                named |= ids
                clues.append(found.group(0))
        if named:
            clue_sets.append(named)
    years = set(YEAR_RE.findall(question))
    dated = {row["id"] for row in instruments if (row.get("adopted") or "")[:4] in years}
    if dated:
        clue_sets.append(dated)
        clues += sorted(years & {(row.get("adopted") or "")[:4] for row in instruments})
    if not clue_sets:
        return Scope()
    narrowed = set.intersection(*clue_sets)
    return Scope(frozenset(narrowed or set.union(*clue_sets)), tuple(dict.fromkeys(clues)))
