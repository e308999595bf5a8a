"""Legal citations typed as queries ("s.54", "s 54(5)(a) MSA", "Article 9(5) Palermo",
"Art. 3 AMLR", "Schedule 1", "recital 12 forced labour regulation") → provision ids."""

from __future__ import annotations

import re
from functools import lru_cache

from kg.search.instrument_names import ALIASES

CITATION_RE = re.compile(
    r"^\s*(?P<unit>sections?|secs?\.?|ss?\.?|§|articles?|arts?\.?|schedule|sch\.?|recitals?|rec\.?)\s*"
    r"(?P<number>\d+[A-Za-z]{0,2})(?P<parts>(?:\s*\(\s*\w{1,4}\s*\))*)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
UNIT_PREFIX = {"s": "s", "se": "s", "§": "s", "ar": "art", "sc": "sch", "re": "rec"}


@lru_cache(maxsize=2)
def _known(build_id: str) -> tuple[frozenset, dict]:
    from kg.store import read

    ids, titles = set(), {}
    for row in read.instruments():
        titles[row["shortTitle"].lower()] = row["id"]
        titles[row["id"]] = row["id"]
        ids.update(p["id"] for p in read.provisions(row["id"]))
    return frozenset(ids), titles


def _instrument_hint(rest: str, titles: dict) -> str | None:
    text = rest.lower().strip(" ,.;:-")
    if not text:
        return None
    for name, instrument in sorted({**titles, **ALIASES}.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"(?:^|[\s(]){re.escape(name)}(?:$|[\s),.])", text):
            return instrument
    return ""  # words that name no instrument: not a citation query


def resolve_citation(query: str, instruments: list[str] | None = None) -> list[str]:
    """The provision ids ``query`` cites in the current build ([] when it is not a citation)."""
    if not CITATION_RE.match(query):
        return []
    from kg.store import builds as stores

    known, titles = _known(stores.require_current_build().root.name)
    return resolve_among(query, known, titles, instruments)


def resolve_among(query: str, known: frozenset[str], titles: dict[str, str],
                  instruments: list[str] | None = None) -> list[str]:
    """The ids among ``known`` that ``query`` cites: the deepest existing unit of the cited path, in
    the instrument its words name (``titles``: lower-case short title or id → instrument id, and the
    usual abbreviations), else in every instrument that has it."""
    m = CITATION_RE.match(query)
    if not m:
        return []
    unit = UNIT_PREFIX.get(m.group("unit").lower()[:2], UNIT_PREFIX.get(m.group("unit")[:1].lower()))
    if unit is None:
        return []
    parts = [p.strip().lower() for p in re.findall(r"\(\s*(\w{1,4})\s*\)", m.group("parts"))]
    path = "/".join([f"{unit}{m.group('number').lower()}"] + parts)
    hint = _instrument_hint(m.group("rest"), titles)
    if hint == "":
        return []
    candidates = [hint] if hint else sorted({k.split("/")[0] for k in known})
    if instruments:
        candidates = [c for c in candidates if c in instruments]
    found = []
    for instrument in candidates:
        provision = f"{instrument}/{path}"
        while provision not in known and provision.count("/") > 1:
            provision = provision.rsplit("/", 1)[0]
        if provision in known and provision.count("/") >= 1 and provision.split("/")[1].startswith(unit):
            found.append(provision)
    return found
