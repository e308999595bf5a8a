"""The provision tree: what every layout parser produces and every later stage reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FOOTNOTE_MARKER_RE = re.compile(r"\[(A?\d{1,3})\]")
PROVISION = "provision"
DIVISION = "division"


@dataclass
class Node:
    """One node of an instrument's tree: a provision (citable text) or a division (a heading).

    ``start``/``end`` are character offsets into the instrument's ``text.txt``; the node's
    text is exactly ``source_text[start:end]`` (its own label excluded, sub-provisions included).
    """

    id: str
    kind: str  # PROVISION or DIVISION
    unit_type: str  # Article, Section, Subsection, Paragraph, Point, Subpoint, ... / Part, Chapter, ...
    citation: str
    start: int
    end: int
    line: int  # 1-based line number of the node's first line, for error messages
    number: str | None = None  # label as used in the id: "54", "5", "a"
    label: str | None = None  # label as printed: "(a)", "1.", "54"
    heading: str | None = None
    crossheading: str | None = None  # the cross-heading printed above a section, if any
    parent: str | None = None  # id of the parent node, None for top-level nodes
    division: str | None = None  # innermost enclosing division id, for provisions
    depth: int = 1  # 1 = directly under the instrument (or a division) for provisions
    notes: list[str] = field(default_factory=list)  # editorial notes found in the text

    def text(self, source: str) -> str:
        return source[self.start : self.end]


@dataclass(frozen=True)
class FootnoteText:
    """A footnote of the source ("[12] Directive …", "[A1] Regulation …"): not a provision, but
    kept so that a reader of a provision that carries its marker can read it."""

    marker: str  # as printed inside the brackets: "12", "A1"
    text: str
    start: int
    end: int
    line: int


@dataclass
class ParsedInstrument:
    instrument_id: str
    text: str
    nodes: list[Node]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # instrument-level editorial notes
    footnotes: list[FootnoteText] = field(default_factory=list)
    structure_lines: set[int] = field(default_factory=set)  # lines read as headings, not as text

    @property
    def provisions(self) -> list[Node]:
        return [n for n in self.nodes if n.kind == PROVISION]

    @property
    def divisions(self) -> list[Node]:
        return [n for n in self.nodes if n.kind == DIVISION]

    def by_id(self) -> dict[str, Node]:
        return {n.id: n for n in self.nodes}

    def text_of(self, node_id: str) -> str:
        return self.by_id()[node_id].text(self.text)

    def own_segments(self, node: Node) -> list[tuple[int, int]]:
        """The spans of ``node``'s text that no sub-provision covers (its own words)."""
        children = sorted((n.start, n.end) for n in self.nodes if n.parent == node.id and n.kind == PROVISION)
        segments, cursor = [], node.start
        for start, end in children:
            if start > cursor:
                segments.append((cursor, start))
            cursor = max(cursor, end)
        if cursor < node.end:
            segments.append((cursor, node.end))
        return segments

    def footnote_markers(self) -> dict[str, list[str]]:
        """provision id → the footnote markers in its own words, in order ("[31]" in Art. 2(8) → "31")."""
        if not self.footnotes:
            return {}
        known = {f.marker for f in self.footnotes}
        found: dict[str, list[str]] = {}
        for node in self.provisions:
            for start, end in self.own_segments(node):
                for marker in FOOTNOTE_MARKER_RE.findall(self.text, start, end):
                    if marker in known and marker not in found.get(node.id, []):
                        found.setdefault(node.id, []).append(marker)
        return found
