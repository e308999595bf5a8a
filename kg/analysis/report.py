"""Print-ready one-page reports (self-contained HTML with print CSS) of the scorecard, the coverage
matrix and a side-by-side comparison: the same files from the CLI (``--html``) and the app."""

from __future__ import annotations

import html
from datetime import date

from kg.config import base_iri

STYLE = """
@page { size: A4; margin: 12mm; }
body { font: 10pt/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 15pt; margin: 0 0 2mm; } h2 { font-size: 11.5pt; margin: 4mm 0 1mm; border-bottom: 1px solid #999; }
.meta, .note { color: #555; font-size: 8.5pt; } ul { margin: 1mm 0 2mm 5mm; padding: 0; } li { margin: 0.5mm 0; }
.for { color: #1b6e3a; } .against { color: #a12a1d; } .none { color: #666; font-style: italic; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; } td, th { border: 1px solid #ccc; padding: 1mm; text-align: left; vertical-align: top; }
td.n { text-align: right; } td.gap { background: #fbe3df; } a { color: #174f86; text-decoration: none; }
q { font-style: italic; } @media print { a::after { content: ""; } .noprint { display: none; } }
"""
BADGE = {"for": "✔ for", "against": "✘ against", "none": "– no evidence"}


def _e(text) -> str:
    return html.escape(str(text if text is not None else ""))


def _page(title: str, body: str, app_url: str | None = None) -> str:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{_e(title)}</title>"
            f"<style>{STYLE}</style></head><body>{body}"
            f"<p class='meta'>Policy Coherence Graph · {date.today().isoformat()} · ids under {_e(base_iri())}id/"
            + (f" · links relative to {_e(app_url)}" if app_url else "") + "</p></body></html>")


def _link(href: str | None, text: str, app_url: str | None) -> str:
    if not href:
        return _e(text)
    if href.startswith("/") and app_url:
        href = app_url.rstrip("/") + href
    return f"<a href='{_e(href)}'>{_e(text)}</a>"


def scorecard_html(card: dict, app_url: str | None = None) -> str:
    from kg.analysis.themes import theme_labels

    labels = theme_labels()
    parts = [f"<h1>Coherence scorecard: {_e(card['name'])} ({_e(card['jurisdiction'])})</h1>",
             f"<p class='meta'>Instruments in the graph that apply: {_e(', '.join(card['instruments']) or 'none')}. "
             f"{_e(card['note'])}</p>"]
    for rec in card["recommendations"]:
        parts.append(f"<h2>{_e(rec['title'])}</h2><p class='note'>Looks for: {_e(rec['looks_for'])} "
                     f"<b>{_e(rec['summary'])}</b></p><ul>")
        for ev in rec["evidence"]:
            quote = f" <q>{_e(ev['quote'][:220])}</q>" if ev.get("quote") else ""
            year = f" ({ev['year']})" if ev.get("year") else ""
            parts.append(f"<li class='{_e(ev['stance'])}'>{BADGE.get(ev['stance'], '')} "
                         f"{_link(ev.get('link'), ev['label'], app_url)}{year}: {_e(ev['why'])}{quote}</li>")
        parts.append("</ul>")
    covered = [c for c in card["coverage"] if c["provisions"] or c["obligations"]]
    gaps = [c for c in card["coverage"] if c.get("candidate_gap")]
    parts.append("<h2>Theme coverage in its instruments</h2><table><tr><th>theme</th><th>articles/sections</th>"
                 "<th>norms (binding · soft)</th><th>bearer kinds</th></tr>")
    for c in covered + gaps:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(c["bearer_kinds"].items(), key=lambda kv: -kv[1])[:4])
        parts.append(f"<tr><td{' class=gap' if c.get('candidate_gap') else ''}>{_e(labels.get(c['theme'], c['theme']))}"
                     f"{' (candidate gap)' if c.get('candidate_gap') else ''}</td><td class='n'>{c['provisions']}</td>"
                     f"<td class='n'>{c['obligations']} ({c['binding']} · {c['soft']})</td><td>{_e(kinds)}</td></tr>")
    parts.append("</table>")
    if gaps:
        from kg.analysis.coherence import GAP_RULE

        parts.append(f"<p class='note'>Candidate gaps (rows by jurisdiction): {_e(GAP_RULE)}.</p>")
    return _page(f"Coherence scorecard {card['jurisdiction']}", "".join(parts), app_url)


def matrix_html(matrix: dict, app_url: str | None = None) -> str:
    from kg.analysis.themes import theme_labels

    labels = theme_labels()
    cells = {(c["row"], c["theme"]): c for c in matrix["cells"]}
    head = "".join(f"<th>{_e(labels.get(t, t))}</th>" for t in matrix["themes"])
    rows = []
    for row in matrix["rows"]:
        tds = []
        for t in matrix["themes"]:
            c = cells[(row, t)]
            tds.append(f"<td class='n{' gap' if c.get('candidate_gap') else ''}'>{c['provisions']}"
                       f"<br><small>{c['obligations']}</small></td>")
        rows.append(f"<tr><th>{_e(row)}</th>{''.join(tds)}</tr>")
    body = (f"<h1>Theme coverage: {_e(matrix['by'])} × theme</h1><p class='note'>Each cell: articles and sections "
            f"with the theme (above) and norms with it (below). {_e(matrix['counts'])}. Shaded: candidate gap — "
            f"{_e(matrix['gap_rule'])}.</p><table><tr><th></th>{head}</tr>{''.join(rows)}</table>")
    return _page(f"Theme coverage by {matrix['by']}", body, app_url)


def equivalents_html(result: dict, app_url: str | None = None) -> str:
    parts = [f"<h1>Nearest equivalents of {_e(result['citation'])}</h1>",
             f"<p>{_e(result['text'])}</p><p class='note'>Themes: {_e(', '.join(result['themes']) or 'none')}; norms: "
             f"{_e(', '.join(result['modalities']) or 'none')}; bearer kinds: {_e(', '.join(result['bearer_kinds']) or 'none')}. "
             f"{_e(result['method'])}.</p><table><tr><th>instrument</th><th>provision</th><th>similarity</th>"
             f"<th>themes</th><th>norms</th><th>bearer kinds</th></tr>"]
    for block in result["by_instrument"]:
        for m in block["matches"]:
            parts.append(f"<tr><td>{_e(block['instrument'])}</td><td>{_link('/browse?provision=' + m['provision'], m['citation'], app_url)}"
                         f"<br><small>{_e(m['text'][:160])}</small></td><td class='n'>{m['score']:.3f}</td>"
                         f"<td>{_e(', '.join(m['themes']))}</td><td>{_e(', '.join(m['modalities']))}"
                         f"{'' if m['same_modality'] else ' (differs)'}</td><td>{_e(', '.join(m['bearer_kinds']))}"
                         f"{'' if m['same_bearer_kind'] else ' (differs)'}</td></tr>")
    parts.append("</table>")
    return _page(f"Equivalents of {result['provision']}", "".join(parts), app_url)
