"""UN, ILO and League of Nations treaties: preamble, 'I. Chapter' headings, 'Article N'."""

from __future__ import annotations

import re

from ingest.labels import parse_number
from ingest.layouts import register
from ingest.layouts.base import Layout
from ingest.layouts.engine import Division, End, Text, Unit

ARTICLE_RE = re.compile(r"^Article (\d+)$")
CHAPTER_RE = re.compile(r"^([IVXL]+)\. (\S.*)$")
CLOSING_RE = re.compile(r"^(IN WITNESS WHEREOF|In faith whereof|DONE at|Done at)\b")


@register("treaty")
class TreatyLayout(Layout):
    unit_word = "'Article N' heading"
    top_prefix = "Art. "

    def classify(self, line, following, engine):
        text = line.text
        m = ARTICLE_RE.match(text)
        if m:
            return Unit("Article", f"art{m.group(1)}", m.group(1), label=text, heading_on_next_line=True)
        m = CHAPTER_RE.match(text)
        if m and len(text) < 120:
            number = str(parse_number(m.group(1)))
            return Division("Chapter", f"chapter{number}", m.group(1), title=m.group(2))
        if CLOSING_RE.match(text):
            return End()
        if engine.unit is None and not engine.nodes and line.no > 1 and self._opens_preamble(text):
            return Unit("Preamble", "preamble", None, label="Preamble",
                        body_offset=None if text == "Preamble" else 0)
        return Text()

    @staticmethod
    def _opens_preamble(text: str) -> bool:
        return text == "Preamble" or text.endswith((",", ";")) or len(text) > 80

    def detect(self, text: str) -> float:
        articles = len(re.findall(r"(?m)^Article \d+$", text))
        parties = len(re.findall(r"State Part|High Contracting|Member of the International Labour", text))
        return min(1.0, articles / 5) * (1.0 if parties else 0.5)
