"""Short names an instrument gives to one of the registry's actors, read from its own definitions:
"Commissioner means the Australian Anti-Slavery Commissioner referred to in section 20B" or
"an Independent Anti-slavery Commissioner (“the Commissioner”)". Within that instrument the short
name then resolves to that actor, whatever the same word means in other laws."""

from __future__ import annotations

import re

from ingest.model import ParsedInstrument
from ingest.obligations.actors import GENERIC_PERSON, actor_at_start, normalise, resolves_by_local_form

MEANS_RE = re.compile(
    r"(?m)^\s*[“‘\"]?(?P<term>[A-Za-z][\w’'-]*(?: [\w’'-]+){0,4})[”’\"]?,?\s+means\s+(?P<target>[^;:\n]{3,160})"
)
# "… be an Independent Anti-slavery Commissioner (“the Commissioner”)", but not "a staff member from
# the Authority (‘JST coordinator’)": the name must not sit in a prepositional phrase
PARENTHESIS_RE = re.compile(
    r"(?<!(?:of|om|in|to|by|th|or|on|at|er) )\b(?:an?|the)\s+"
    r"(?P<target>(?:[A-Z][\w’'-]*\s+(?:(?:of|for|on|and|the)\s+)?){1,8})\((?:the\s+|a\s+)?[“‘\"](?P<term>[^”’\"]{2,40})[”’\"]\)"
)

DefinedTerms = tuple[tuple[str, str], ...]  # (normalised short name, actor id)


def defined_terms(parsed: ParsedInstrument) -> DefinedTerms:
    """(short name, actor id) for every definition in ``parsed`` whose defining words name an actor."""
    found: dict[str, str] = {}
    for regex in (MEANS_RE, PARENTHESIS_RE):
        for m in regex.finditer(parsed.text):
            target = re.sub(r"^(?:the|an?)\s+", "", m.group("target").strip())
            actor = actor_at_start(target, parsed.instrument_id)
            term = normalise(m.group("term"))
            # "X means a person who …" narrows a person, it names no office; and a term the registry
            # already reads for this very instrument keeps that curated reading
            if actor is None or actor.id == GENERIC_PERSON or not term or term in found or \
                    resolves_by_local_form(term, parsed.instrument_id):
                continue
            found[term] = actor.id
    return tuple(sorted(found.items(), key=lambda pair: -len(pair[0])))
