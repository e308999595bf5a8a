"""Who brings a thing about. "A reporting entity must give the Minister a modern slavery statement"
makes the reporting entity the producer of statements; "Member States shall ensure that companies
… have a due diligence policy" makes companies (the regulated party) the producers of the policy.
A later norm whose subject is such a thing ("A modern slavery statement must include …", "The due
diligence policy … shall be developed in consultation …") binds its producer: the nearest one in
the same article or section; failing that and any bearer named earlier in that article or section,
the first one in the instrument, which introduces the thing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.obligations.actors import TRAILING_CLAUSE, ResolvedActor, normalise, singular

MIN_HEAD_CHARS = 4  # "act", "it": too short to name a thing reliably


def thing_head(phrase: str) -> str | None:
    """The head noun of a noun phrase, singular: 'The due diligence policy referred to in …' → 'policy'."""
    words = TRAILING_CLAUSE.sub("", normalise(phrase)).split()
    head = words[-1] if words else ""
    return head if len(head) >= MIN_HEAD_CHARS and head.isalpha() else None


@dataclass
class Producers:
    records: list[tuple[str, set[str], ResolvedActor]] = field(default_factory=list)  # (top unit, words, actor)

    def add(self, top: str, action: str | None, bearer: ResolvedActor | None,
            regulated: ResolvedActor | None) -> None:
        producer = regulated or bearer
        if action and producer is not None and producer.resolved:
            words = {singular(w) for w in re.findall(r"[a-z]+", action.lower())}
            self.records.append((top, words, producer))

    def nearby(self, thing: str, top: str) -> ResolvedActor | None:
        """The nearest earlier producer of ``thing`` in the same article or section."""
        head = thing_head(thing)
        return next((actor for record_top, words, actor in reversed(self.records)
                     if head is not None and record_top == top and head in words), None)

    def first(self, thing: str) -> ResolvedActor | None:
        """The first producer of ``thing`` in the instrument: the norm that introduces it."""
        head = thing_head(thing)
        return next((actor for _, words, actor in self.records if head is not None and head in words), None)
