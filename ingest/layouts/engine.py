"""The line-driven parser every layout shares.

A layout only says what each line *is* (a division heading, the start of an article or
section, an editorial note, the end of the enacting terms, or plain text); this engine
keeps the stack of open divisions, units and labelled sub-provisions, mints ids, and
records exact character spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest import labels as L
from ingest.errors import SourceTextError
from ingest.model import DIVISION, PROVISION, FootnoteText, Node, ParsedInstrument


@dataclass
class Line:
    no: int  # 1-based line number
    start: int  # offset of the first non-blank character
    end: int  # offset just past the last non-blank character
    text: str  # the stripped line
    indented: bool = False  # quoted matter (e.g. text inserted into another Act) is indented


def split_lines(text: str) -> list[Line]:
    lines, offset = [], 0
    for no, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        lines.append(Line(no, offset + lead, offset + lead + len(stripped), stripped, lead > 0))
        offset += len(raw) + 1
    return lines


# --- tokens a layout returns -------------------------------------------------------------


@dataclass
class Division:
    """A heading that groups units: Part, Chapter, Section (EU), Abschnitt."""

    division_type: str  # Part, Chapter, SectionGroup, Title
    id_part: str  # "part6", "chapter3", "section2"
    number: str | None
    title: str | None = None
    title_on_next_line: bool = False
    level: int = 0  # 0 = outermost; a division closes open divisions of its level and below
    inside_unit: bool = False  # e.g. a Part of a UK Schedule: the schedule stays open


@dataclass
class Unit:
    """The start of a top-level provision: article, section, schedule, recital, annex, preamble."""

    unit_type: str
    id_part: str  # "art9", "s54", "sch1", "rec12", "annex2", "preamble"
    number: str | None
    label: str | None = None
    heading: str | None = None
    heading_on_next_line: bool = False
    body_offset: int | None = None  # text on the same line belongs to the body from here
    note: str | None = None  # editorial note carried by the heading line
    top_level_id: bool = True  # False: id is parent-unit/id_part (schedule paragraphs)


@dataclass
class Level:
    """A numbered level inside the open unit that is part of ids but is not a list label: the Parts
    of an unnumbered annex ("Part I" → ``part1``) and their titled sections ("1. RIGHTS AND …" → ``1``).

    A level closes the labels and the levels of its ``rank`` and below; labels then nest inside it.
    """

    unit_type: str  # AnnexPart, AnnexSection
    id_part: str
    number: str
    label: str
    rank: int = 0
    heading: str | None = None
    heading_on_next_line: bool = False


@dataclass
class Heading:
    """A cross-heading or marginal note.

    ``role`` "cross": a heading above one or more units (closes the open unit);
    "heading": the heading of the next unit, sub-provision or schedule paragraph.
    """

    text: str
    role: str = "cross"


@dataclass
class Editorial:
    text: str


@dataclass
class End:
    """End of the provisions (signatures, footnotes, appendix)."""


@dataclass
class Close:
    """The enacting terms pause (e.g. signatures before annexes): close all open units."""


@dataclass
class Skip:
    """A line that belongs to no provision (front matter, enacting formula)."""


@dataclass
class Text:
    """Text of the open provision, or a list label ("(a) …") if the line starts with one."""


@dataclass
class PlainText:
    """Text of the open provision even though it may start like a label (a table row "1. … | …")."""


@dataclass
class Footnote:
    """A note of the instrument's apparatus ("[12] Directive …"): kept for readers, not a provision."""

    marker: str
    body_offset: int


INDENT_RE = re.compile(r"^[—–] ")
SUBPARAGRAPH_OF_ITEM_RE = re.compile(r"^[a-z][^.;:]*?\b(?:shall|must|may)\b")
LEVEL_PREFIX = "level"  # label-stack kind of a Level token: "level0" (annex part), "level1" (its section)

DEFINITION_HEAD_RE = re.compile(
    r"^(?:“[^”]{1,80}”|‘[^’]{1,80}’|[A-Za-z][\w’'()-]*(?: [\w’'()-]+){0,6})"
    r"(?:,[^,]{1,60},)?\s+(?:means|includes|has the same meaning|has the meaning)\b"
)


class Engine:
    """Builds the node list for one instrument. Layouts call :meth:`feed` per line."""

    def __init__(self, layout, instrument_id: str, text: str, path: str):
        self.layout = layout
        self.instrument_id = instrument_id
        self.text = text
        self.path = path
        self.nodes: list[Node] = []
        self.ids: set[str] = set()
        self.index: dict[str, Node] = {}
        self.short_title = layout.name
        self.layout_state: dict = {}  # scratch space for a layout's own zone tracking
        self.warnings: list[str] = []
        self.instrument_notes: list[str] = []
        self.divisions: list[tuple[int, Node]] = []  # (level, node)
        self.unit: Node | None = None
        self.unit_children_parent: Node | None = None  # schedule paragraph, when open
        self.labels: list[tuple[str, Node, Line]] = []  # (label kind, node, its first line)
        self.pending_heading: str | None = None
        self.pending_crossheading: str | None = None
        self.expect_title: Node | None = None
        self.absorb_owner: Node | None = None
        self.ended = False
        self.sequence = 0
        self.previous_text = ""  # the content line before the one being read
        self.footnotes: list[FootnoteText] = []
        self.structure_lines: set[int] = set()

    # --- helpers ---------------------------------------------------------------------------

    def _add(self, node: Node) -> Node:
        self.sequence += 1
        self.nodes.append(node)
        self.ids.add(node.id)
        self.index[node.id] = node
        return node

    def _open_chain(self) -> list[Node]:
        chain = [node for _, node in self.divisions]
        if self.unit is not None:
            chain.append(self.unit)
        if self.unit_children_parent is not None:
            chain.append(self.unit_children_parent)
        chain.extend(node for _, node, _ in self.labels)
        return chain

    def _extend(self, line: Line, upto: Node | None = None) -> None:
        """Extend the span of every open provision (down to ``upto``) to the end of ``line``."""
        for node in self._open_chain():
            if node.kind == PROVISION:
                if node.start < 0:  # first body line of a unit whose header line has no text
                    node.start = line.start
                node.end = max(node.end, line.end)
            if node is upto:
                break

    def _innermost_division(self) -> Node | None:
        return self.divisions[-1][1] if self.divisions else None

    def _close_unit(self) -> None:
        self.unit = None
        self.unit_children_parent = None
        self.labels = []
        self.absorb_owner = None
        self.pending_heading = None

    def _container(self) -> Node | None:
        if self.labels:
            return self.labels[-1][1]
        if self.unit_children_parent is not None:
            return self.unit_children_parent
        return self.unit

    # --- token handlers --------------------------------------------------------------------

    def _division(self, tok: Division, line: Line) -> None:
        if tok.inside_unit and self.unit is not None:
            self.unit_children_parent = None
            self.labels = []
            self.absorb_owner = None
            parent = self.unit
            self.divisions = [(lvl, d) for lvl, d in self.divisions if d.parent != parent.id]
        else:
            self._close_unit()
            self.divisions = [(lvl, d) for lvl, d in self.divisions if lvl < tok.level]
            parent = self._innermost_division()
        base = parent.id if parent is not None else self.instrument_id
        node_id = f"{base}/{tok.id_part}"
        if node_id in self.ids:
            raise SourceTextError(
                f"{tok.division_type} {tok.number} appears twice", path=self.path, line=line.no
            )
        node = self._add(
            Node(
                id=node_id, kind=DIVISION, unit_type=tok.division_type, citation="",
                start=line.start, end=line.end, line=line.no, number=tok.number,
                label=tok.number, heading=tok.title, parent=parent.id if parent else None,
                division=parent.id if parent and parent.kind == DIVISION else None,
            )
        )
        node.citation = self.layout.cite(node, self)
        self.divisions.append((tok.level, node))
        if tok.title_on_next_line:
            self.expect_title = node
        self.pending_crossheading = None

    def _unit(self, tok: Unit, line: Line) -> None:
        if not tok.top_level_id and self.unit is not None:
            # a paragraph of a schedule: a provision under the open schedule
            self.labels = []
            self.absorb_owner = None
            parent = self.unit
            node_id = f"{parent.id}/{tok.id_part}"
            depth = 2
        else:
            heading = self.pending_heading
            self._close_unit()
            self.pending_heading = heading
            parent = self._innermost_division()
            node_id = f"{self.instrument_id}/{tok.id_part}"
            depth = 1
        if node_id in self.ids:
            self.warnings.append(f"line {line.no}: {node_id} appears again; the repeat is kept as text")
            raise _Ignore()
        start = line.start + tok.body_offset if tok.body_offset is not None else -1
        node = self._add(
            Node(
                id=node_id, kind=PROVISION, unit_type=tok.unit_type, citation="",
                start=start, end=line.end if tok.body_offset is not None else -1,
                line=line.no, number=tok.number, label=tok.label, heading=tok.heading,
                parent=parent.id if parent is not None else None,
                division=self._innermost_division().id if self.divisions else None, depth=depth,
            )
        )
        if tok.note:
            node.notes.append(tok.note)
        if depth == 1:
            node.crossheading = self.pending_crossheading
            self.pending_crossheading = None
        if self.pending_heading and node.heading is None:
            node.heading = self.pending_heading
        self.pending_heading = None
        node.citation = self.layout.cite(node, self)
        if depth == 1:
            self.unit = node
        else:
            self.unit_children_parent = node
        if tok.heading_on_next_line:
            self.expect_title = node

    def by_id(self, node_id: str) -> Node:
        return self.index[node_id]

    def _label_kind(self, token: str, kind: str) -> str:
        """Settle the (i)/(v)/(x) ambiguity: a letter after (h)/(u)/(w), else a Roman numeral."""
        if kind != L.ROMAN_PAREN or len(token) != 1:
            return kind
        before = L.previous_letter(token)
        for idx, (k, node, first_line) in enumerate(self.labels):
            if k == L.ALPHA_PAREN and node.number == before:
                is_top = idx == len(self.labels) - 1
                if is_top and first_line.text.rstrip().endswith(("—", ":", "–", "-")):
                    return L.ROMAN_PAREN  # (h) introduces a list: (i) is its first item
                return L.ALPHA_PAREN
        return kind

    def _label(self, line: Line, printed: str, token: str, kind: str, offset: int) -> None:
        kind = self._label_kind(token, kind)
        open_kinds = [k for k, _, _ in self.labels]
        if self.absorb_owner is not None:
            ends_absorb = kind in open_kinds[: self._depth_of(self.absorb_owner) + 1] or (
                self.absorb_owner in (self.unit, self.unit_children_parent)
                and kind in (L.NUM_PAREN, L.NUM_DOT)
            )
            if not ends_absorb:
                self._extend(line)
                return
            self.absorb_owner = None
        if kind in open_kinds:
            idx = open_kinds.index(kind)
            self.labels = self.labels[:idx]
        parent = self._container()
        depth_below_unit = len(self.labels) - self._open_levels() + 1
        if depth_below_unit > self.layout.max_label_depth:
            self._extend(line)
            return
        node_id = f"{parent.id}/{token}"
        if node_id in self.ids:
            self.warnings.append(
                f"line {line.no}: label {printed} would repeat id {node_id}; kept as text of {parent.id}"
            )
            self._extend(line)
            return
        text_start = line.start + offset
        node = self._add(
            Node(
                id=node_id, kind=PROVISION,
                unit_type=self.layout.label_unit_type(len(self.labels) - self._open_levels(), kind, self),
                citation="", start=text_start, end=max(line.end, text_start), line=line.no,
                number=token, label=printed, parent=parent.id,
                division=self._innermost_division().id if self.divisions else None,
                depth=parent.depth + 1,
            )
        )
        if self.pending_heading:
            node.heading = self.pending_heading
            self.pending_heading = None
        node.citation = self.layout.cite(node, self)
        self.labels.append((kind, node, line))
        self._extend(line)

    def _depth_of(self, owner: Node) -> int:
        for idx, (_, node, _) in enumerate(self.labels):
            if node is owner:
                return idx
        return -1

    def _text(self, line: Line) -> None:
        if self.unit is None:
            return  # front matter outside any provision
        if self.absorb_owner is not None:
            self._extend(line)
            return
        if INDENT_RE.match(line.text) or (SUBPARAGRAPH_OF_ITEM_RE.match(line.text)
                                          and self.previous_text.endswith((";", "."))):
            # an EU indent ("— …") stays inside the point that holds it, and so does a lower-case clause
            # of its own after an item that closed ("(a) national rules …; / the limitation period … shall
            # be at least five years"); after an item ending "," ("and must do so …") or without a verb of
            # its own ("interpreted in line with …", "to be tabled in each House …") the line is the
            # closing words of the list, and belongs to the paragraph (below)
            self._extend(line)
            return
        keep = self._open_levels() + 1  # text after a list belongs to its paragraph (or level)
        if self.layout.run_in_definitions and DEFINITION_HEAD_RE.match(line.text):
            self.labels = self.labels[:keep]
            self.absorb_owner = self._container()
            self._extend(line)
            return
        if len(self.labels) > keep:
            self.labels = self.labels[:keep]
        self._extend(line)

    def _open_levels(self) -> int:
        return sum(1 for kind, _, _ in self.labels if kind.startswith(LEVEL_PREFIX))

    def _level(self, tok: Level, line: Line) -> None:
        if self.unit is None:
            raise _Ignore()
        self.absorb_owner = None
        self.labels = [entry for entry in self.labels
                       if entry[0].startswith(LEVEL_PREFIX) and int(entry[0][len(LEVEL_PREFIX):]) < tok.rank]
        parent = self._container()
        node_id = f"{parent.id}/{tok.id_part}"
        if node_id in self.ids:
            self.warnings.append(f"line {line.no}: {tok.label} would repeat id {node_id}; kept as text")
            raise _Ignore()
        node = self._add(
            Node(
                id=node_id, kind=PROVISION, unit_type=tok.unit_type, citation="", start=-1, end=-1,
                line=line.no, number=tok.number, label=tok.label, heading=tok.heading, parent=parent.id,
                division=self._innermost_division().id if self.divisions else None, depth=parent.depth + 1,
            )
        )
        node.citation = self.layout.cite(node, self)
        self.labels.append((f"{LEVEL_PREFIX}{tok.rank}", node, line))
        if tok.heading_on_next_line:
            self.expect_title = node

    # --- driver ----------------------------------------------------------------------------

    def run(self) -> ParsedInstrument:
        lines = split_lines(self.text)
        content = [ln for ln in lines if ln.text]
        if not content:
            raise SourceTextError("the text is empty", path=self.path, line=1)
        for pos, line in enumerate(content):
            if self.ended:
                break
            if line.indented and self.unit is not None:
                self._extend(line)  # quoted matter is text of the provision that quotes it
                continue
            following = content[pos + 1].text if pos + 1 < len(content) else ""
            tok = self.layout.classify(line, following, self)
            if self.expect_title is not None:
                target, self.expect_title = self.expect_title, None
                if isinstance(tok, Text) and self.layout.is_title(line.text):
                    target.heading = line.text
                    self.structure_lines.add(line.no)
                    continue
            try:
                self._dispatch(tok, line)
            except _Ignore:
                continue
            finally:
                self.previous_text = line.text
        self._check_complete(content)
        for node in self.nodes:
            if node.start < 0:  # a heading with no body (e.g. a schedule whose list is missing)
                line = next(ln for ln in content if ln.no == node.line)
                node.start, node.end = line.start, line.end
                self.warnings.append(f"line {node.line}: {node.id} has no text of its own")
        return ParsedInstrument(
            instrument_id=self.instrument_id, text=self.text, nodes=self.nodes,
            warnings=self.warnings, notes=self.instrument_notes, footnotes=self.footnotes,
            structure_lines=self.structure_lines,
        )

    def _dispatch(self, tok, line: Line) -> None:
        if not isinstance(tok, (Text, PlainText, Skip, Footnote)):
            self.structure_lines.add(line.no)
        if isinstance(tok, Footnote):
            body = line.start + tok.body_offset
            self.footnotes.append(FootnoteText(tok.marker, self.text[body:line.end], body, line.end, line.no))
        elif isinstance(tok, PlainText):
            self._text(line)
        elif isinstance(tok, Level):
            self._level(tok, line)
        elif isinstance(tok, End):
            self.ended = True
        elif isinstance(tok, Division):
            self._division(tok, line)
        elif isinstance(tok, Unit):
            self._unit(tok, line)
        elif isinstance(tok, Heading):
            if tok.role == "heading":
                self.pending_heading = tok.text
            else:
                self._close_unit()
                self.pending_crossheading = tok.text
        elif isinstance(tok, Editorial):
            target = self._container()
            (target.notes if target is not None else self.instrument_notes).append(tok.text)
        elif isinstance(tok, Close):
            self._close_unit()
            self.divisions = []
            self.pending_crossheading = None
        elif isinstance(tok, Skip):
            return
        else:
            match = L.match_label(line.text) if self.unit is not None else None
            if match and self.layout.max_label_depth > 0:
                self._label(line, *match)
            else:
                self._text(line)

    def _check_complete(self, content: list[Line]) -> None:
        if not any(n.kind == PROVISION for n in self.nodes):
            first = content[0]
            raise SourceTextError(
                f"no {self.layout.unit_word} found for layout '{self.layout.name}'; "
                f"first line it could not place: {first.text[:80]!r}",
                path=self.path, line=first.no,
            )


class _Ignore(Exception):
    pass
