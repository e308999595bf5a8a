"""References from one instrument of the corpus to another, found in the text and resolved to the
cited provision (or to the instrument when no provision is named), with the citing span as evidence.

An instrument is recognised by the ways laws cite it, all derived from its metadata:

- an EU act by its number: "Directive 2011/36/EU", "Regulation (EU) 2024/1624", "Regulations (EU)
  2023/1113 and (EU) 2024/1620" (from ``official_citation``);
- an ILO convention by its number: "ILO Convention No 29", "Forced Labour Convention, 1930 (No 29)",
  "the ILO Convention (No. 29) concerning …" (from ``official_citation`` "ILO C029" or the title);
- any instrument by the names in ``cited_as`` ("Protocol to Prevent, Suppress and Punish Trafficking
  in Persons"), and an act by its title when the title ends in its year ("Proceeds of Crime Act 2002").

The provision is read from what stands just before the name: "Article 3 of the Protocol …",
"Article 2(1) of the International Labour Organization Forced Labour Convention, 1930 (No 29)",
"Article 3, point (3)(a) and (b), of Regulation (EU) 2024/1624", "Articles 69, 70 and 71 of …",
"section 6 of the Proceeds of Crime Act 2002". A cited provision that the corpus copy lacks (a
partial text) is cited as the nearest unit that exists, or the instrument, with the printed label kept.
References of an instrument to itself are left to :mod:`ingest.obligations.references`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.catalogue import Instrument
from ingest.model import ParsedInstrument

RESOLVER_VERSION = "1.0.0"

EU_NUMBER_RE = re.compile(
    r"(?:\b(?:Directive|Regulation|Decision)s?\s+)?\((?:EU|EC|EEC|EU, Euratom)\)\s+(?:No\s+)?(?P<a>\d{2,4}/\d{1,4})\b"
    r"|\b(?:Directive|Regulation|Decision)s?\s+(?:No\s+)?(?P<b>\d{2,4}/\d{1,4})(?:/(?:EU|EC|EEC|JHA))?\b"
)
ILO_NUMBER_RE = re.compile(
    r"\bConvention(?:,?\s+\d{4})?,?\s*\((?:No\.?\s*)(?P<a>\d{1,3})\)|\bConvention\s+No\.?\s*(?P<b>\d{1,3})\b"
)
# "the 2014 Protocol to Convention No 29" names the Protocol, another instrument
PROTOCOL_TO_RE = re.compile(r"Protocol to (?:the )?(?:ILO )?$")
METADATA_EU_RE = re.compile(r"\b(?:Directive|Regulation|Decision)\b\D*?(\d{2,4}/\d{1,4})")
METADATA_ILO_RE = re.compile(r"\bILO C0*(\d{1,3})\b|\bILO Convention No\.?\s*(\d{1,3})\b")
TITLE_WITH_YEAR_RE = re.compile(r"^[A-Z][\w ,’'()-]{4,100} (?:1[89]|20)\d\d$")

_ITEM = r"\d+[a-z]{0,3}(?:\(\w{1,4}\))*"
_QUALIFIER = (r"\(\w{1,4}\)(?:\(\w{1,4}\))*|(?:first|second|third|fourth|fifth|last)\s+subparagraph"
              r"|points?\s+\(\w{1,4}\)(?:\(\w{1,4}\))*")
_LIST = rf"{_ITEM}(?:(?:\s*,\s*|\s+(?:and|or|to)\s+)(?:{_ITEM}|{_QUALIFIER}))*"
# what may stand between "of" and the name: "the", "International Labour Organization Forced Labour"
_NAME_LEAD = r"(?:(?:the|of)\s+|[A-Z][\w’'.-]*\s+){0,10}"
PROVISION_BEFORE_RE = re.compile(
    rf"\b(?P<word>Articles?|sections?)\s+(?P<list>{_LIST}),?\s+(?:of|in|under)\s+{_NAME_LEAD}$"
)
LIST_TOKEN_RE = re.compile(
    r"(?P<number>\d+[a-z]{0,3})(?P<parens>(?:\(\w{1,4}\))*)"
    r"|points?\s+(?P<point>(?:\(\w{1,4}\))+)"
    r"|(?P<bare>(?:\(\w{1,4}\))+)"
)
UNIT_PREFIX = {"article": "art", "section": "s"}
LOOKBEHIND = 300
NAME_BEFORE_RE = re.compile(r"(?:[A-Z][\w’'.-]*\s+){1,8}$")  # "ILO " before "Convention No 29"


@dataclass(frozen=True)
class CrossReference:
    """``citing`` (a provision) refers to ``cited`` (a provision of another instrument, or that
    instrument's id when no provision is named or the copy lacks it)."""

    citing: str
    cited_instrument: str
    cited: str
    start: int  # the citing span in the citing instrument's text
    end: int
    text: str
    cited_label: str | None = None  # as printed ("Article 2(1)", "section 6") when a provision is named

    @property
    def cites_provision(self) -> bool:
        return self.cited != self.cited_instrument


@dataclass(frozen=True)
class _Mention:
    instrument: str
    start: int
    end: int


class CitationIndex:
    """How each instrument of a corpus is cited, and which provision ids it has."""

    def __init__(self, instruments: Iterable[Instrument], provision_ids: dict[str, set[str]]):
        self.eu: dict[str, str] = {}
        self.ilo: dict[str, str] = {}
        names: dict[str, str] = {}
        for instrument in instruments:
            meta = instrument.meta
            citation = meta.get("official_citation") or ""
            m = METADATA_EU_RE.search(citation)
            if m and meta.get("kind") in ("directive", "regulation"):
                self.eu[m.group(1)] = instrument.id
            m = METADATA_ILO_RE.search(citation) or METADATA_ILO_RE.search(meta.get("title", ""))
            if m:
                self.ilo[m.group(1) or m.group(2)] = instrument.id
            for name in meta.get("cited_as") or []:
                names[name] = instrument.id
            if meta.get("kind") == "act" and TITLE_WITH_YEAR_RE.match(meta.get("title", "")):
                names[meta["title"]] = instrument.id
        self.names = names
        self.name_re = (re.compile("|".join(rf"\b{re.escape(n)}\b" for n in sorted(names, key=len, reverse=True)))
                        if names else None)
        self.provision_ids = provision_ids

    def mentions(self, text: str, start: int, end: int) -> list[_Mention]:
        found: list[_Mention] = []
        for m in EU_NUMBER_RE.finditer(text, start, end):
            instrument = self.eu.get(m.group("a") or m.group("b"))
            if instrument:
                found.append(_Mention(instrument, m.start(), m.end()))
        for m in ILO_NUMBER_RE.finditer(text, start, end):
            instrument = self.ilo.get(m.group("a") or m.group("b"))
            if instrument and not PROTOCOL_TO_RE.search(text, max(start, m.start() - 30), m.start()):
                found.append(_Mention(instrument, m.start(), m.end()))
        if self.name_re is not None:
            for m in self.name_re.finditer(text, start, end):
                found.append(_Mention(self.names[m.group(0)], m.start(), m.end()))
        return sorted(found, key=lambda x: x.start)

    def resolve(self, instrument: str, word: str, items: list[list[str]]) -> list[str]:
        """Provision ids for the printed items ("2(1)" → art2/1), each trimmed to the nearest unit
        the corpus has; the instrument itself when none exists."""
        known = self.provision_ids.get(instrument, set())
        prefix = UNIT_PREFIX[word.lower().rstrip("s")]
        out: list[str] = []
        for path in items:
            candidate = f"{instrument}/{prefix}{'/'.join(path)}"
            while candidate not in known and candidate.count("/") > 1:
                candidate = candidate.rsplit("/", 1)[0]
            target = candidate if candidate in known else instrument
            if target not in out:
                out.append(target)
        return out


def parse_items(listing: str) -> list[list[str]]:
    """'3, point (3)(a) and (b)' → [['3', '3', 'a'], ['3', '3', 'b']]; '75(3), (4) and (5)' →
    [['75', '3'], ['75', '4'], ['75', '5']]; subparagraphs are not id levels and are dropped."""
    items: list[list[str]] = []
    for m in LIST_TOKEN_RE.finditer(listing):
        if m.group("number"):
            items.append([m.group("number").lower()] + _parens(m.group("parens")))
        elif m.group("point") and items:
            items[-1] = items[-1] + _parens(m.group("point"))
        elif m.group("bare") and items:
            levels = _parens(m.group("bare"))
            base = items[-1][: max(1, len(items[-1]) - len(levels))]
            items.append(base + levels)
    return items


def _parens(text: str) -> list[str]:
    return [p.lower() for p in re.findall(r"\((\w{1,4})\)", text)]


def _own_segments(parsed: ParsedInstrument) -> list[tuple[int, int, str]]:
    """(start, end, provision id) for every stretch of text, attributed to the smallest provision."""
    return sorted((start, end, node.id) for node in parsed.provisions for start, end in parsed.own_segments(node))


def find_cross_references(parsed: ParsedInstrument, index: CitationIndex) -> list[CrossReference]:
    """Every reference of ``parsed`` to another instrument of ``index``, one per (citing, cited) pair."""
    text = parsed.text
    found: dict[tuple[str, str], CrossReference] = {}
    for seg_start, seg_end, provision in _own_segments(parsed):
        for mention in index.mentions(text, seg_start, seg_end):
            if mention.instrument == parsed.instrument_id:
                continue
            window_start = max(seg_start, mention.start - LOOKBEHIND)
            before = PROVISION_BEFORE_RE.search(text, window_start, mention.start)
            if before is not None:
                items = parse_items(before.group("list"))
                targets = index.resolve(mention.instrument, before.group("word"), items)
                span_start = before.start()
                label = f"{before.group('word')} {before.group('list')}"
            else:
                lead = NAME_BEFORE_RE.search(text, window_start, mention.start)
                targets, span_start, label = [mention.instrument], lead.start() if lead else mention.start, None
            for target in targets:
                key = (provision, target)
                if key not in found:
                    found[key] = CrossReference(provision, mention.instrument, target, span_start, mention.end,
                                                text[span_start:mention.end], label)
    return sorted(found.values(), key=lambda r: (r.start, r.cited))


def corpus_cross_references(pairs: list[tuple[Instrument, ParsedInstrument]]) -> dict[str, list[CrossReference]]:
    """instrument id → its references to the other instruments of the corpus."""
    index = CitationIndex([i for i, _ in pairs], {i.id: {n.id for n in p.provisions} for i, p in pairs})
    return {instrument.id: find_cross_references(parsed, index) for instrument, parsed in pairs}


__all__ = ["CrossReference", "CitationIndex", "find_cross_references", "corpus_cross_references", "parse_items",
           "RESOLVER_VERSION"]
