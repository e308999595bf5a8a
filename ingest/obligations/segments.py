"""Sentence units of a provision tree: each provision's own text (children excluded), split into
sentences with absolute character offsets, and for list items the sentence that introduces them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.model import ParsedInstrument

ABBREVIATIONS = {
    "no", "nos", "art", "arts", "s", "ss", "para", "paras", "e.g", "i.e", "etc", "cth", "c", "st", "dr",
    "mr", "mrs", "m", "p", "pp", "vol", "oj", "reg", "dir", "cf", "viz", "co", "ltd", "inc", "sch", "ch",
    "subs", "op", "cit", "al", "approx", "u.k", "u.s", "ibid", "seq",
}
SENTENCE_END_RE = re.compile(r"[.!?](?=\s+[A-Z“‘(\"])")
LEAD_IN_END = (":", "—", "–", "-", "that", "if", "if it", "whether", "either", "to", "by", "of", "where")
LABEL_PREFIX_RE = re.compile(r"^(?:\((?:\d+[A-Za-z]{0,2}|[a-z]{1,4}|[A-Z]{1,2})\)|\d+[a-z]?\.|[a-z]{1,2}\))(?:\s+|$)")
NON_NORMATIVE_UNITS = {"Recital", "Preamble"}
# Commonwealth acts open each Part with a "Simplified outline" that retells its rules in plain words;
# by law it is not operative (the duties are in the sections it summarises)
EXPLANATORY_HEADING_RE = re.compile(r"^Simplified outline\b", re.IGNORECASE)


def explanatory_units(parsed: ParsedInstrument) -> set[str]:
    """Ids of the top-level provisions that only explain the law (simplified outlines)."""
    return {n.id for n in parsed.provisions if n.depth == 1 and EXPLANATORY_HEADING_RE.match(n.heading or "")}


@dataclass
class SentenceUnit:
    provision: str  # the provision whose own text holds the sentence
    top: str  # the article/section/schedule the provision belongs to
    start: int
    end: int
    text: str
    unit_type: str
    lead_in: "SentenceUnit | None" = None  # the sentence introducing the list this item is in
    is_lead_in: bool = False


def split_sentences(text: str, base: int) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets) in one line of text."""
    spans, start = [], 0
    for m in SENTENCE_END_RE.finditer(text):
        words = re.findall(r"[\w.]+", text[max(0, m.start() - 40) : m.start()])
        prev = words[-1].lower() if words else ""
        before = words[-2].lower().rstrip(".") if len(words) > 1 else ""
        if prev in ABBREVIATIONS or (len(prev) == 1 and prev.isalpha()):
            continue
        # "No. 29." or "p. 1." is a citation; "… set up under Article 28. The …" ends a sentence
        if prev.replace(".", "").isdigit() and (before in ABBREVIATIONS or "." in prev):
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        chunk = text[s:e]
        lead = len(chunk) - len(chunk.lstrip())
        trimmed = chunk.strip()
        if trimmed:
            out.append((base + s + lead, base + s + lead + len(trimmed)))
    return out


def own_segments(source: str, start: int, end: int, children: list[tuple[int, int]]):
    """The parts of [start, end) not covered by children, as (start, end, followed_by_child)."""
    cursor = start
    for c_start, c_end in sorted(children):
        if c_start > cursor:
            yield cursor, c_start, True
        cursor = max(cursor, c_end)
    if cursor < end:
        yield cursor, end, False


def is_open_lead_in(text: str) -> bool:
    stripped = text.rstrip()
    return stripped.endswith((":", "—", "–", "-", ",")) or not stripped.endswith((".", ";", "?", "!"))


def sentence_units(parsed: ParsedInstrument) -> list[SentenceUnit]:
    source = parsed.text
    index = parsed.by_id()
    children: dict[str, list] = {}
    for node in parsed.provisions:
        if node.parent and node.parent in index and index[node.parent].kind == "provision":
            children.setdefault(node.parent, []).append(node)
    units: list[SentenceUnit] = []
    lead_ins: dict[str, SentenceUnit] = {}
    for node in parsed.provisions:  # document order: parents before children
        top = node.id.split("/")[1]
        top_id = f"{parsed.instrument_id}/{top}"
        inherited = lead_ins.get(node.parent) if node.parent else None
        kids = children.get(node.id, [])
        for seg_start, seg_end, before_child in own_segments(source, node.start, node.end,
                                                             [(k.start, k.end) for k in kids]):
            offset = seg_start
            for raw in source[seg_start:seg_end].split("\n"):
                line_start = offset
                offset += len(raw) + 1
                stripped = raw.strip()
                lead = len(raw) - len(raw.lstrip())
                label = LABEL_PREFIX_RE.match(stripped)
                if label:  # a child's label sits in the parent's own text, just before the child
                    lead += label.end()
                    stripped = stripped[label.end():]
                if not stripped:
                    continue
                for s, e in split_sentences(stripped, line_start + lead):
                    units.append(SentenceUnit(node.id, top_id, s, e, source[s:e], node.unit_type,
                                              lead_in=inherited))
            if before_child and units and units[-1].provision == node.id and is_open_lead_in(units[-1].text):
                units[-1].is_lead_in = True
                lead_ins[node.id] = units[-1]
        if node.id not in lead_ins and inherited is not None and kids:
            lead_ins[node.id] = inherited  # (a)(i): items of a nested list share the outer lead-in
    return units
