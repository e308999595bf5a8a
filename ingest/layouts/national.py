"""German and Norwegian statutes: '§ N' sections. Their texts are not in English, so the
parse stops at the Absatz/ledd or letter level (deeper numbering restarts per sentence)."""

from __future__ import annotations

import re

from ingest.layouts import register
from ingest.layouts.base import Layout
from ingest.layouts.engine import Division, Text, Unit


class ParagraphSignLayout(Layout):
    unit_word = "'§ N' section"
    top_prefix = "§ "
    max_label_depth = 1
    SECTION_RE = re.compile(r"^§ (\d+[a-z]?)\.? (\S.*)$")

    def classify(self, line, following, engine):
        m = self.SECTION_RE.match(line.text)
        if m and not m.group(2)[:1].islower() and not m.group(2).startswith(("Absatz", "Satz")):
            number = m.group(1)
            return Unit("Section", f"s{number}", number, label=f"§ {number}", heading=m.group(2))
        return Text()

    def detect(self, text: str) -> float:
        return min(1.0, len(re.findall(r"(?m)^§ \d+", text)) / 5)


@register("de-act")
class GermanActLayout(ParagraphSignLayout):
    ABSCHNITT_RE = re.compile(r"^Abschnitt (\d+) (\S.*)$")

    def classify(self, line, following, engine):
        m = self.ABSCHNITT_RE.match(line.text)
        if m:
            return Division("Chapter", f"chapter{m.group(1)}", m.group(1), title=m.group(2))
        if line.text.startswith("Anlage"):
            return Unit("Annex", "annex", None, label="Anlage", heading=line.text)
        return super().classify(line, following, engine)

    def detect(self, text: str) -> float:
        return super().detect(text) * (1.0 if "Abschnitt" in text or "Absatz" in text else 0.3)


@register("no-act")
class NorwegianActLayout(ParagraphSignLayout):
    def detect(self, text: str) -> float:
        return super().detect(text) * (1.0 if re.search(r"(?m)^§ \d+\. ", text) else 0.3)

