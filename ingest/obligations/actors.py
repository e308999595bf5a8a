"""The actor registry: canonical actors, their kinds, and the surface forms that name them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REGISTRY_PATH = Path(__file__).with_name("actors.json")
UNRESOLVED = "unresolved"
GENERIC_PERSON = "person"  # the catch-all "any person"
LEADING_WORDS = re.compile(
    r"^(?:(?:each|every|a|an|the|any|all|no|such|other|relevant|that|this|those|these|its|their|"
    r"both|either|neither|one or more|several)\s+)+"
)
TRAILING_CLAUSE = re.compile(r"\s+(?:which|who|that|whose|where|referred|as defined|within|under|in|of|to|"
                             r"concerned|designated|established|pursuant|\w+ed (?:by|in|under|to|for|with|from))\b.*$")


@dataclass(frozen=True)
class Actor:
    id: str
    label: str
    kind: str
    forms: tuple[str, ...]
    instruments: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResolvedActor:
    id: str  # canonical id, or "unresolved:<slug>" when no registry entry matches
    kind: str  # skos:notation of an actor kind, or "unresolved"
    text: str  # the phrase as written

    @property
    def resolved(self) -> bool:
        return self.kind != UNRESOLVED


@lru_cache(maxsize=1)
def registry() -> tuple[Actor, ...]:
    data = json.loads(REGISTRY_PATH.read_text(encoding="utf-8"))
    return tuple(
        Actor(a["id"], a["label"], a["kind"], tuple(a["forms"]), tuple(a.get("instruments", ())))
        for a in data["actors"]
    )


def actor_by_id(actor_id: str) -> Actor | None:
    return next((a for a in registry() if a.id == actor_id), None)


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def normalise(phrase: str) -> str:
    text = phrase.lower().replace("’", "'").strip(" ,.;:—-")
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = LEADING_WORDS.sub("", text)
    return " ".join(singular(w) for w in text.split())


@lru_cache(maxsize=1)
def _forms() -> list[tuple[str, Actor]]:
    pairs = [(normalise(form) or form, actor) for actor in registry() for form in actor.forms]
    return sorted(pairs, key=lambda p: (-len(p[0]), not p[1].instruments))  # specific forms first


AGENTIVE_HEAD = re.compile(
    r"(?:^|\s)(?:\w+(?:or|er|ant|ist)|authorit(?:y|ie)|body|agency|office|service|unit|institution|organi[sz]ation|"
    r"committee|council|court|person|party|state|minister|commissioner|board|government|administration|"
    r"department|entity|operator|undertaking|company|firm|coordinator|parliament|commission|inspectorate|"
    r"police|prosecution|judge|tribunal|fius?|chief|member|individual|employer|bank)$"
)
NOT_AGENTS = {"order", "number", "matter", "manner", "paper", "letter", "register", "chapter", "power", "border",
              "transfer", "offender", "layer", "other", "water", "filter", "cover", "trigger", "quarter"}


def first_conjunct(phrase: str) -> str:
    return re.split(r",|\s(?:and|or|and/or)\s", phrase, maxsplit=1)[0].strip()


def resolves_by_local_form(phrase: str, instrument_id: str) -> bool:
    """Does a form the registry limits to this instrument name the phrase?"""
    norm = normalise(phrase)
    return any(norm == form or norm.endswith(" " + form)
               for form, actor in _forms() if instrument_id in actor.instruments)


def actor_at_start(phrase: str, instrument_id: str | None = None) -> Actor | None:
    """The actor whose form the phrase begins with ("Australian Anti-Slavery Commissioner referred
    to in section 20B" → that office), longest form first; None when it names no known actor."""
    norm = normalise(phrase)
    for form, actor in _forms():
        if actor.instruments and instrument_id not in actor.instruments:
            continue
        if norm == form or norm.startswith(form + " "):
            return actor
    return None


@lru_cache(maxsize=65536)
def is_agentive(phrase: str, instrument_id: str | None = None, terms: tuple = ()) -> bool:
    """Could this phrase name someone who acts (an actor), rather than a thing (a report, an order)?"""
    if resolve(phrase, instrument_id, terms).resolved:
        return True
    head = first_conjunct(TRAILING_CLAUSE.sub("", normalise(phrase)))
    last = head.split()[-1] if head.split() else ""
    return bool(AGENTIVE_HEAD.search(head)) and last not in NOT_AGENTS


@lru_cache(maxsize=65536)
def resolve(phrase: str, instrument_id: str | None = None, terms: tuple = ()) -> ResolvedActor:
    """Map a bearer phrase to a canonical actor: its first conjunct and head first, then the whole.
    ``terms`` are the instrument's own short names for actors (ingest.obligations.defined_terms),
    which win over the registry's general forms."""
    text = phrase.strip()
    norm = normalise(text)
    head = TRAILING_CLAUSE.sub("", norm)
    for candidate in (first_conjunct(head), head, norm):
        for term, actor_id in terms:
            if candidate == term or candidate.endswith(" " + term):
                known = actor_by_id(actor_id)
                return ResolvedActor(known.id, known.kind, text)
        for form, actor in _forms():
            if actor.instruments and instrument_id not in actor.instruments:
                continue
            if candidate == form or candidate.endswith(" " + form):
                return ResolvedActor(actor.id, actor.kind, text)
    slug = re.sub(r"[^a-z0-9]+", "-", head or norm).strip("-")[:60] or "unknown"
    return ResolvedActor(f"{UNRESOLVED}:{slug}", UNRESOLVED, text)
