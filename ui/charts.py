"""What every chart of the app shares, so that each of its labels can be read.

Streamlit's chart theme draws at most 100 pixels of an axis label and drops labels that would
overlap their neighbours, so a heatmap of long instrument and theme names lost most of them. Here
every axis draws every label in full: long names are wrapped onto lines (``wrap``; the axis splits
them at "\\n"), the chart gives each row and column room enough for them (a height per row, labels
turned where columns are narrow), and charts render as SVG, so their text is text a browser (and a
test) can read.
"""

from __future__ import annotations

import math
import textwrap

import altair as alt

from kg.rdf.vocab import jurisdiction_label as jurisdiction_name

LINE_BREAK = "\n"
LINE_HEIGHT = 13  # pixels per line of an axis label (labels are 11 px)
# Streamlit picks the canvas renderer for marks with many data points; text on a canvas is pixels
RENDERER = {"embedOptions": {"renderer": "svg"}}


def wrap(text: str, width: int) -> str:
    """``text`` on lines of at most ``width`` characters (whole words; a longer word keeps its own
    line), joined by ``LINE_BREAK``."""
    return LINE_BREAK.join(textwrap.wrap(str(text), width, break_long_words=False, break_on_hyphens=False)) or str(text)


def lines(text: str) -> int:
    return str(text).count(LINE_BREAK) + 1


def axis(*, angle: int = 0, **settings) -> alt.Axis:
    """An axis that draws every label, whole, each line of a wrapped label on a line of its own and
    the lines centred on their row or column (Vega hangs the lines of a label below its first)."""
    align = {0: {}, -90: {"labelAlign": "right", "labelBaseline": "middle"},
             -45: {"labelAlign": "right", "labelBaseline": "middle"}}[angle]
    # Vega puts the first line at the tick: shift a label of n lines back by half of n - 1 lines,
    # across its own lines (along the axis: straight for a level label on a y axis, 1/sin for a turned one)
    across = 1 if angle == 0 else 1 / math.sin(math.radians(abs(angle)))
    shift = f"-(length(split(datum.label, '\\n')) - 1) * {LINE_HEIGHT * across / 2:.2f}"
    return alt.Axis(labelOverlap=False, labelLimit=1000, labelAngle=angle, labelFontSize=11,
                    labelLineHeight=LINE_HEIGHT, labelExpr="split(datum.label, '\\n')",
                    labelOffset=alt.ExprRef(shift), **{**align, **settings})


def svg(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart drawn as SVG whatever its size, so its labels are text in the page."""
    return chart.properties(usermeta=RENDERER)


def instrument_names(instruments: list[dict]) -> dict[str, str]:
    """Instrument id → the name charts show: short title and jurisdiction ("Modern Slavery Act 2015
    (GB)"), so two acts of the same name (the UK and the Australian Modern Slavery Acts) differ; an
    instrument whose short title and jurisdiction repeat another's also shows its id."""
    names = {r["id"]: f"{r.get('shortTitle') or r['id']} ({r.get('jurisdiction') or '?'})" for r in instruments}
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {i: (f"{name} [{i}]" if counts[name] > 1 else name) for i, name in names.items()}


def jurisdiction_names(codes: list[str]) -> dict[str, str]:
    """Code → "Austria (AT)"; a code without a name ("ASEAN") stands for itself."""
    out = {}
    for code in codes:
        name = jurisdiction_name(code)
        out[code] = code if name.upper() == code.upper() else f"{name} ({code})"
    return out
