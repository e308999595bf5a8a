"""Common-law acts: UK (sections, schedules), Australian compilations, Canadian consolidations."""

from __future__ import annotations

import re

from ingest import labels as L
from ingest.layouts import register
from ingest.layouts.base import Layout, looks_like_heading
from ingest.layouts.engine import Division, Editorial, End, Heading, PlainText, Text, Unit

PART_RE = re.compile(r"^(?:PART|Part) (\d+[A-Z]?)(?:\s*[—–-]\s*|\s+)?(.*)$")
SCHEDULE_RE = re.compile(r"^SCHEDULE (\d+[A-Z]?)$")
UK_SECTION_RE = re.compile(r"^(\d+[A-Z]{0,3}) (?!CHAPTER\b)(\S.*)$")
BARE_NUMBER_RE = re.compile(r"^(\d+[A-Z]{0,3})$")
EDITORIAL_RE = re.compile(r"^\[.*\]$")


def section_key(number: str) -> tuple[int, str]:
    digits = re.match(r"\d+", number).group(0)
    return int(digits), number[len(digits):]


def accept_section(engine, number: str) -> bool:
    """Section numbers only go up: guards against body lines that start with a number."""
    last = engine.layout_state.get("last_section")
    if last is not None and section_key(number) <= section_key(last):
        return False
    engine.layout_state["last_section"] = number
    return True


class ActLayout(Layout):
    unit_word = "numbered section"
    top_prefix = "s."
    run_in_definitions = True


@register("uk-act")
class UKActLayout(ActLayout):
    def classify(self, line, following, engine):
        text = line.text
        in_schedules = engine.layout_state.get("schedules", False)
        if EDITORIAL_RE.match(text):
            return Editorial(text.strip("[]"))
        m = SCHEDULE_RE.match(text)
        if m:
            engine.layout_state["schedules"] = True
            return Unit("Schedule", f"sch{m.group(1).lower()}", m.group(1).lower(), label=text)
        m = PART_RE.match(text)
        if m and (text.startswith("PART") or " — " in text):
            number = m.group(1).lower()
            if in_schedules and engine.unit is not None:
                return Division("Part", f"part{number}", m.group(1), title=m.group(2) or None,
                                inside_unit=True)
            return Division("Part", f"part{number}", m.group(1), title=m.group(2) or None)
        if in_schedules:
            m = BARE_NUMBER_RE.match(text)
            if m and engine.unit is not None:
                number = m.group(1).lower()
                return Unit("ScheduleParagraph", number, number, label=m.group(1), top_level_id=False)
        else:
            m = UK_SECTION_RE.match(text)
            if m and L.match_label(text) is None and accept_section(engine, m.group(1)):
                number = m.group(1).lower()
                return Unit("Section", f"s{number}", number, label=m.group(1), heading=m.group(2))
        if looks_like_heading(text) and self._structural(following, in_schedules):
            inside = L.match_label(following) is not None or (in_schedules and BARE_NUMBER_RE.match(following))
            return Heading(text, role="heading" if inside else "cross")
        return Text()

    @staticmethod
    def _structural(following: str, in_schedules: bool) -> bool:
        return bool(
            L.match_label(following)
            or UK_SECTION_RE.match(following)
            or (in_schedules and BARE_NUMBER_RE.match(following))
            or looks_like_heading(following)
        )

    def detect(self, text: str) -> float:
        sections = len(re.findall(r"(?m)^\d+[A-Z]* [A-Z][^.\n]{2,80}$", text))
        subsections = len(re.findall(r"(?m)^\(\d+[A-Z]?\) ", text))
        australian = bool(AustralianActLayout.DIVISION_RE.search(text)) and not re.search(r"(?m)^PART \d", text)
        return (min(1.0, sections / 5) * (1.0 if subsections else 0.5)
                * (1.0 if "Article " not in text[:3000] else 0.7) * (0.8 if australian else 1.0))


@register("au-act")
class AustralianActLayout(UKActLayout):
    """Commonwealth Acts as compiled by the Federal Register of Legislation: "Part 2—Modern slavery
    statements" and "Division 1—Preliminary" headings (structure, not in ids), sections "16A
    Explanations for failure …", subsection subheadings, notes and examples (text of the provision
    they follow), and tables written as rows with " | " between columns (text, never list labels)."""

    DIVISION_RE = re.compile(r"^(Part|Division|Subdivision) (\d+[A-Z]?)—(\S.*)$", re.MULTILINE)
    LEVELS = {"Part": 0, "Division": 1, "Subdivision": 2}
    TYPES = {"Part": "Part", "Division": "DivisionOfPart", "Subdivision": "Subdivision"}
    TABLE_ROW = " | "

    def classify(self, line, following, engine):
        text = line.text
        if self.TABLE_ROW in text:
            return PlainText()
        m = self.DIVISION_RE.match(text)
        if m:
            kind, number, title = m.groups()
            return Division(self.TYPES[kind], f"{kind.lower()}{number.lower()}", number, title=title,
                            level=self.LEVELS[kind])
        if self.TABLE_ROW in following and looks_like_heading(text):
            return Text()  # a table's caption ("Commencement information") is text of its provision
        return super().classify(line, following, engine)

    def detect(self, text: str) -> float:
        sections = len(re.findall(r"(?m)^\d+[A-Z]* [A-Z][^.\n]{2,80}$", text))
        divisions = len(self.DIVISION_RE.findall(text))
        return min(1.0, sections / 5) * (1.0 if divisions else 0.3)


@register("ca-act")
class CanadianActLayout(ActLayout):
    SECTION_RE = re.compile(r"^(\d+(?:\.\d+)?)(?:\s+(\S.*))?$")
    CA_PART_RE = re.compile(r"^PART (\d+) (\S.*)$")
    MARGINAL_RE = re.compile(r"^\[(.+)\]$")

    def classify(self, line, following, engine):
        text = line.text
        if text.startswith("[Appendix"):
            engine.instrument_notes.append(text.strip("[]"))
            return End()
        m = self.CA_PART_RE.match(text)
        if m:
            return Division("Part", f"part{m.group(1)}", m.group(1), title=m.group(2))
        if text == "Preamble" and engine.unit is None and not engine.nodes:
            return Unit("Preamble", "preamble", None, label="Preamble")
        m = self.MARGINAL_RE.match(text)
        if m:
            return Heading(m.group(1), role="heading")
        m = self.SECTION_RE.match(text)
        if m and L.match_label(text) is None and accept_section(engine, m.group(1)):
            number = m.group(1).replace(".", "-")
            offset = text.index(m.group(2)) if m.group(2) else None
            return Unit("Section", f"s{number}", m.group(1), label=m.group(1), body_offset=offset)
        if looks_like_heading(text) and (
            self.MARGINAL_RE.match(following) or self.SECTION_RE.match(following)
        ):
            return Heading(text, role="cross")
        return Text()

    def detect(self, text: str) -> float:
        marginal = len(re.findall(r"(?m)^\[[A-Z][^\]]{2,60}\]$", text))
        return min(1.0, marginal / 5)
