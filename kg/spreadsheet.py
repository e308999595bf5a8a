"""CSV for people: a cell that a spreadsheet would read as a formula is written as text.

Data in the graph comes from law texts, cited web pages and membership lists that anyone may
import, so a cell such as ``=HYPERLINK("http://…")``, ``+cmd|' /C calc'!A0`` or ``@SUM(A1)`` must not
run when a user opens a download. As OWASP recommends, a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading apostrophe, which spreadsheets show as
text and do not display. Every CSV the project writes for people goes through here; the exact W3C
SPARQL CSV stays available for programs (``sparql-csv``), and says so where it is offered.
"""

from __future__ import annotations

import csv
import io

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def frame_csv(frame) -> str:
    """A pandas DataFrame as spreadsheet-safe CSV (no index)."""
    return frame.map(neutralised).to_csv(index=False)


def rows_csv(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralised(h) for h in header])
    writer.writerows([neutralised(c) for c in row] for row in rows)
    return out.getvalue()


def neutralise_csv(text: str) -> str:
    """Any CSV text, rewritten with formula-like cells neutralised."""
    rows = list(csv.reader(io.StringIO(text)))
    return rows_csv(rows[0], rows[1:]) if rows else text
