"""What every layout shares: citations, unit types of labelled levels, title detection."""

from __future__ import annotations

import re

from ingest import labels as L
from ingest.layouts.engine import Engine, Text
from ingest.model import DIVISION, Node

ANNEX_LEVELS = ("AnnexPart", "AnnexSection")  # numbered levels of an annex in parts (engine.Level)
TERMINAL_PUNCTUATION = (".", ";", ":", ",", "—", "–", "-")
SENTENCE_START_RE = re.compile(r"^(The|A|An|This|These|Each|Every|Any|No|Where|If|In|For|Member|States?)\b ")


class Layout:
    """Base layout. Subclasses override :meth:`classify` and may tune the class attributes."""

    name = "base"
    unit_word = "article or section"
    top_prefix = "Art. "  # how a top-level unit is cited: "Art. 9", "s.54", "§ 3"
    max_label_depth = 3  # paragraph → point → subpoint
    run_in_definitions = False  # '“X” means— (a) …' lists stay inside their paragraph

    def classify(self, line, following: str, engine: Engine):
        return Text()

    def detect(self, text: str) -> float:
        """How well this layout fits ``text`` (0–1), for ``kg add`` without ``--layout``."""
        return 0.0

    # --- hooks the engine calls ----------------------------------------------------------

    def is_title(self, text: str) -> bool:
        """A short line with no closing punctuation that is not a numbered provision."""
        return (
            len(text) <= 160
            and not text.endswith(TERMINAL_PUNCTUATION)
            and L.match_label(text) is None
        )

    def label_unit_type(self, level: int, kind: str, engine: Engine) -> str:
        unit = engine.unit_children_parent or engine.unit
        if unit is not None and unit.unit_type == "ScheduleParagraph":
            return ("Subparagraph", "Point", "Subpoint")[min(level, 2)]
        if unit is not None and unit.unit_type == "Annex" and engine.labels and \
                engine.labels[0][1].unit_type in ANNEX_LEVELS:
            return ("Point", "Subpoint")[min(level, 1)]
        first = "Subsection" if self.top_prefix == "s." else "Paragraph"
        if level == 0 and kind in (L.NUM_PAREN, L.NUM_DOT):
            return first
        return ("Point", "Point", "Subpoint", "Subpoint")[min(level, 3)]

    def cite(self, node: Node, engine: Engine) -> str:
        suffix = f" {engine.short_title}"
        if node.kind == DIVISION:
            word = {"Part": "Part", "Chapter": "Chapter", "SectionGroup": "Section", "Title": "Title",
                    "DivisionOfPart": "Division"}
            owner = engine.index.get(node.parent) if node.parent else None
            prefix = f"{self.cite_top(owner)} " if owner is not None and owner.kind != DIVISION else ""
            return prefix + f"{word.get(node.unit_type, node.unit_type)} {node.label or ''}".strip() + suffix
        chain = []
        current: Node | None = node
        while current is not None and current.kind != DIVISION:
            chain.append(current)
            current = engine.index.get(current.parent) if current.parent else None
        chain.reverse()
        top, rest = chain[0], chain[1:]
        head = self.cite_top(top)
        if rest and rest[0].unit_type in ANNEX_LEVELS:
            return self._cite_annex_levels(head, rest) + suffix
        if rest and rest[0].unit_type == "ScheduleParagraph":
            head += f" para. {rest[0].number}"
            rest = rest[1:]
        return head + "".join(f"({n.label.strip('().') if n.label else n.number})" for n in rest) + suffix

    @staticmethod
    def _cite_annex_levels(head: str, rest: list[Node]) -> str:
        """'Annex, Part I, section 1, point 10(a)': an annex in parts is cited level by level."""
        words = [head]
        points = []
        for node in rest:
            if node.unit_type == "AnnexPart":
                words.append(f"Part {L.roman_upper(int(node.number))}")
            elif node.unit_type == "AnnexSection":
                words.append(f"section {node.number}")
            else:
                points.append(node)
        if points:
            words.append(f"point {points[0].number}" + "".join(f"({n.number})" for n in points[1:]))
        return ", ".join(words)

    def cite_top(self, top: Node) -> str:
        kind = top.unit_type
        if kind == "Recital":
            return f"Recital {top.number}"
        if kind == "Preamble":
            return "Preamble,"
        if kind == "Annex":
            return f"Annex {L.roman_upper(int(top.number))}" if top.number and top.number.isdigit() else "Annex"
        if kind == "Schedule":
            return f"Sch. {top.number}"
        printed = top.label if top.label and top.label.lower() == top.number else top.number
        return f"{self.top_prefix}{printed}"  # as printed: "s.16A", not the id's "16a"


def looks_like_heading(text: str) -> bool:
    return (
        len(text) <= 100
        and not text.endswith(TERMINAL_PUNCTUATION)
        and not text[:1].islower()
        and not text.startswith(("“", "‘", "\"", "["))
        and L.match_label(text) is None
    )
