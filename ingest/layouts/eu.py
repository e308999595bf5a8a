"""EU regulations and directives: citations, recitals, chapters, sections, articles, annexes."""

from __future__ import annotations

import re

from ingest.labels import parse_number
from ingest.layouts import register
from ingest.layouts.base import Layout
from ingest.layouts.engine import Close, Division, Footnote, Level, Skip, Text, Unit

ARTICLE_RE = re.compile(r"^Article (\d+[a-z]?)$")
CHAPTER_RE = re.compile(r"^CHAPTER ([IVXL]+|\d+)$")
SECTION_RE = re.compile(r"^SECTION (\d+|[IVXL]+)$", re.IGNORECASE)
ANNEX_RE = re.compile(r"^ANNEX(?: ([IVXL]+|\d+))?$")
RECITAL_RE = re.compile(r"^\((\d+)\)\s")
WHEREAS_RE = re.compile(r"^Whereas:?$", re.IGNORECASE)
ANNEX_PART_RE = re.compile(r"^(?:PART|Part) ([IVXL]+|\d+)$")
ANNEX_SECTION_RE = re.compile(r"^(\d+)\. ([^a-z]{4,160})$")  # "1. RIGHTS AND PROHIBITIONS …": a titled section
FOOTNOTE_RE = re.compile(r"^\[(A?\d{1,3})\]\s+")
ADOPTED_RE = re.compile(r"^HA(VE|S) ADOPTED TH(IS|E PRESENT) ")
PREAMBLE_START_RE = re.compile(r"^THE (EUROPEAN PARLIAMENT|COUNCIL|EUROPEAN COMMISSION)\b")
SIGNATURE_RE = re.compile(r"^Done at ")
FOOTNOTES_RE = re.compile(r"^Footnotes\b.*\(")


@register("eu-act")
class EUActLayout(Layout):
    unit_word = "'Article N' heading"
    top_prefix = "Art. "

    def classify(self, line, following, engine):
        text = line.text
        state = engine.layout_state.setdefault("zone", "front")
        if FOOTNOTES_RE.match(text):
            engine.layout_state["zone"] = "footnotes"
            return Close()
        if state == "footnotes":
            m = FOOTNOTE_RE.match(text)
            return Footnote(m.group(1), m.end()) if m else Skip()
        if state == "signature" and not ANNEX_RE.match(text):
            return Skip()
        if SIGNATURE_RE.match(text) and state == "body":
            engine.layout_state["zone"] = "signature"
            return Close()
        m = ARTICLE_RE.match(text)
        if m:
            engine.layout_state["zone"] = "body"
            return Unit("Article", f"art{m.group(1)}", m.group(1), label=text, heading_on_next_line=True)
        m = CHAPTER_RE.match(text)
        if m:
            engine.layout_state["zone"] = "body"
            number = str(parse_number(m.group(1)))
            return Division("Chapter", f"chapter{number}", m.group(1), title_on_next_line=True, level=0)
        m = SECTION_RE.match(text)
        if m and state == "body":
            number = str(parse_number(m.group(1).upper()))
            return Division("SectionGroup", f"section{number}", m.group(1), title_on_next_line=True, level=1)
        m = ANNEX_RE.match(text)
        if m and state in ("body", "signature"):
            engine.layout_state["zone"] = "body"
            number = str(parse_number(m.group(1))) if m.group(1) else None
            return Unit("Annex", f"annex{number or ''}", number, label=text, heading_on_next_line=True)
        if engine.unit is not None and engine.unit.unit_type == "Annex":
            level = self._annex_level(text)
            if level is not None:
                return level
        if state == "front" and PREAMBLE_START_RE.match(text):
            engine.layout_state["zone"] = "citations"
            return Unit("Preamble", "preamble", None, label="Preamble", body_offset=0)
        if state == "front" and WHEREAS_RE.match(text):  # recitals with no citations block before them
            engine.layout_state["zone"] = "recitals"
            return Skip()
        if state in ("citations", "recitals"):
            if ADOPTED_RE.match(text):
                engine.layout_state["zone"] = "enacting"
                return Skip()
            m = RECITAL_RE.match(text)
            if m:
                engine.layout_state["zone"] = "recitals"
                return Unit("Recital", f"rec{m.group(1)}", m.group(1), label=f"({m.group(1)})",
                            body_offset=m.end())
        if state in ("front", "enacting"):
            return Skip()
        return Text()

    @staticmethod
    def _annex_level(text: str) -> Level | None:
        """Parts of an annex ("Part I" → ``part1``) and their titled sections ("1. RIGHTS …" → ``1``)."""
        m = ANNEX_PART_RE.match(text)
        if m:
            number = str(parse_number(m.group(1)))
            return Level("AnnexPart", f"part{number}", number, label=text, rank=0, heading_on_next_line=True)
        m = ANNEX_SECTION_RE.match(text)
        if m and any(ch.isalpha() for ch in m.group(2)):
            return Level("AnnexSection", m.group(1), m.group(1), label=f"{m.group(1)}.", rank=1,
                         heading=m.group(2).strip())
        return None

    def detect(self, text: str) -> float:
        articles = len(re.findall(r"(?m)^Article \d+[a-z]?$", text))
        eu = len(re.findall(r"Member States|European Parliament|Union", text))
        return min(1.0, articles / 5) * (1.0 if eu > 3 else 0.4)
