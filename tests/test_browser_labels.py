"""Every chart label can be read, in a real browser (headless Chromium at Playwright's default
window, 1280×720, as in test_browser.py): each page's charts name every instrument, jurisdiction,
theme, actor kind and body member in full (no "…"), labels of one axis do not overlap, no label
is cut off at the chart's edge, and a heatmap's cell texts fit in their cells.

Charts render as SVG, so labels are text in the page: the test reads each label's words and its
box as drawn (turned labels included) off the rendered chart. Screenshots of every chart are saved
under test-artifacts/labels-*.png for people to look at."""

from __future__ import annotations

import re
import time

import pytest

from tests.conftest import REPO

ARTIFACTS = REPO / "test-artifacts"

# Per chart (.vega-embed) on the page: its size, its axes' labels, its other texts (cell texts,
# names on the network) and its cells. A label's box is its text's own box (getBBox) mapped
# through its transform to the page, so a turned label gives its four turned corners.
READ_CHARTS = """() => {
  const corners = (el) => {
    const b = el.getBBox(), m = el.getScreenCTM();
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => { const p = new DOMPoint(x, y).matrixTransform(m); return [p.x, p.y]; });
  };
  const words = (el) => {
    const lines = [...el.querySelectorAll('tspan')].map(t => t.textContent);
    return (lines.length ? lines.join(' ') : el.textContent).replace(/\\s+/g, ' ').trim();
  };
  const text = (el) => ({text: words(el), corners: corners(el), width: el.getBBox().width});
  return [...document.querySelectorAll('.vega-embed')].map(embed => {
    const svg = embed.querySelector('svg.marks');
    if (!svg) return {svg: false};
    const r = svg.getBoundingClientRect();
    return {
      svg: true,
      box: [r.left, r.top, r.right, r.bottom],
      axes: [...svg.querySelectorAll('g.role-axis')].map(a => ({
        name: a.getAttribute('aria-label') || '',
        labels: [...a.querySelectorAll('g.role-axis-label text')].map(text)})),
      marks: [...svg.querySelectorAll('g.role-mark.mark-text text')].map(text),
      cells: [...svg.querySelectorAll('g.role-mark.mark-rect path')].map(p => p.getBBox().width),
    };
  });
}"""


def overlap(a: list[list[float]], b: list[list[float]], tolerance: float = 1.0) -> bool:
    """Whether two convex quadrilaterals overlap by more than ``tolerance`` pixels (separating axes)."""
    for poly in (a, b):
        for i in range(4):
            (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % 4]
            nx, ny = y2 - y1, x1 - x2
            length = (nx * nx + ny * ny) ** 0.5 or 1.0
            pa = [(x * nx + y * ny) / length for x, y in a]
            pb = [(x * nx + y * ny) / length for x, y in b]
            if min(max(pa), max(pb)) - max(min(pa), min(pb)) <= tolerance:
                return False
    return True


def overlapping(texts: list[dict]) -> list[tuple[str, str]]:
    return [(a["text"], b["text"]) for i, a in enumerate(texts) for b in texts[i + 1:]
            if overlap(a["corners"], b["corners"])]


def outside(chart: dict, texts: list[dict], margin: float = 2.0) -> list[str]:
    """Texts drawn (partly) beyond the edges of the chart's SVG, where the browser cuts them off."""
    left, top, right, bottom = chart["box"]
    return [t["text"] for t in texts if any(x < left - margin or x > right + margin or y < top - margin
                                            or y > bottom + margin for x, y in t["corners"])]


def charts_showing(page, expected: list[set[str]], seconds: float = 60) -> list[dict]:
    """The page's charts once chart i shows every text of ``expected[i]`` (as an axis label or a
    mark's text); after ``seconds``, whatever is drawn (the assertions then say what is missing)."""
    deadline = time.monotonic() + seconds
    while True:
        charts = page.evaluate(READ_CHARTS)
        if len(charts) >= len(expected) and all(
                want <= drawn_texts(chart) for chart, want in zip(charts, expected)):
            return charts
        if time.monotonic() > deadline:
            return charts
        page.wait_for_timeout(500)


def drawn_texts(chart: dict) -> set[str]:
    if not chart.get("svg"):
        return set()
    return {t["text"] for a in chart["axes"] for t in a["labels"]} | {t["text"] for t in chart["marks"]}


def axis_with(chart: dict, expected: set[str]) -> dict:
    """The chart's axis whose labels include most of ``expected``."""
    return max(chart["axes"], key=lambda a: len(expected & {t["text"] for t in a["labels"]}))


def assert_readable_axis(chart: dict, expected: set[str], what: str) -> None:
    assert chart["svg"], f"the {what} chart is not drawn as SVG"
    axis = axis_with(chart, expected)
    labels = axis["labels"]
    shown = {t["text"] for t in labels}
    assert not expected - shown, f"{what}: labels missing from the axis: {sorted(expected - shown)}"
    assert not [t for t in shown if "…" in t], f"{what}: truncated labels: {[t for t in shown if '…' in t]}"
    assert not overlapping(labels), f"{what}: overlapping labels: {overlapping(labels)}"
    assert not outside(chart, labels), f"{what}: labels cut off at the chart's edge: {outside(chart, labels)}"


def assert_cell_texts_fit(chart: dict, what: str) -> None:
    cells = [w for w in chart["cells"] if w > 0]
    assert cells, f"{what}: no cells drawn"
    widest = max(chart["marks"], key=lambda t: t["width"])
    assert widest["width"] <= min(cells) - 2, (
        f"{what}: the cell text {widest['text']!r} ({widest['width']:.0f} px) is wider than a cell "
        f"({min(cells):.0f} px)")


def shot(page, index: int, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    # Streamlit's header is fixed at the top of the window: hidden, it does not cover the chart's title
    page.locator(".vega-embed").nth(index).screenshot(path=str(ARTIFACTS / f"labels-{name}.png"),
                                                      style='[data-testid="stHeader"] {display: none}')


def open_page(browser, url: str):  # noqa: F811
    page = browser.new_page()  # Playwright's default window, 1280×720, as in test_browser.py
    page.goto(url)
    page.locator(".vega-embed").first.wait_for(timeout=90_000)
    return page


@pytest.fixture(scope="module")
def instruments(app_url):  # noqa: F811 — app_url builds (or confirms) the graph first
    from kg.store import read

    return read.instruments()


def name(instrument: dict) -> str:
    """How a chart names an instrument: its short title and jurisdiction."""
    return f"{instrument['shortTitle']} ({instrument['jurisdiction']})"


def test_overview_bar_chart_names_every_instrument(browser, app_url, instruments):  # noqa: F811
    expected = {name(i) for i in instruments}
    assert "Modern Slavery Act 2015 (GB)" in expected and "Modern Slavery Act 2018 (Cth) (AU)" in expected
    page = open_page(browser, app_url)
    charts = charts_showing(page, [expected])
    assert_readable_axis(charts[0], expected, "Provisions per instrument")
    shot(page, 0, "overview")
    page.close()


def test_who_must_do_what_heatmap_names_every_actor_kind_and_instrument(browser, app_url, instruments):  # noqa: F811
    from kg.store import read
    from kg.rdf.vocab import actor_kind_labels

    norms = [o for o in read.obligations(normative_only=False)
             if o["modality"] in ("obligation", "prohibition", "permission")]
    by_id = {i["id"]: i for i in instruments}
    columns = {name(by_id[o["instrument"]]) for o in norms}
    kinds = {actor_kind_labels().get(o["actor_kind"], o["actor_kind"]) for o in norms if o.get("actor_kind")}
    assert len(columns) >= 13 and len(kinds) >= 10
    page = open_page(browser, f"{app_url}/obligations")
    chart = charts_showing(page, [columns | kinds])[0]
    assert_readable_axis(chart, columns, "Who must do what, instruments")
    assert_readable_axis(chart, kinds, "Who must do what, actor kinds")
    assert_cell_texts_fit(chart, "Who must do what")
    assert all(re.fullmatch(r"\d+( \(\d+\))?", t["text"]) for t in chart["marks"]), \
        "a cell says 'binding (soft)' in numbers only"
    page.get_by_text("in brackets its soft norms").first.wait_for(timeout=10_000)  # the legend of the cell texts
    shot(page, 0, "obligations")
    page.close()


@pytest.mark.parametrize("rows", ["instrument", "jurisdiction"])
def test_coherence_heatmap_names_every_row_and_theme(browser, app_url, instruments, rows):  # noqa: F811
    from ingest.jurisdictions import label
    from kg.analysis import coherence
    from kg.analysis.themes import theme_labels

    by_id = {i["id"]: i for i in instruments}
    codes = coherence.matrix(rows)["rows"]
    row_names = ({name(by_id[c]) for c in codes} if rows == "instrument"
                 else {c if label(c) == c else f"{label(c)} ({c})" for c in codes})
    themes = set(theme_labels().values())
    assert len(themes) == 17
    page = open_page(browser, f"{app_url}/coherence")
    if rows == "jurisdiction":
        charts_showing(page, [themes])
        page.get_by_text("jurisdiction", exact=True).first.click()
    chart = charts_showing(page, [row_names | themes])[0]
    assert_readable_axis(chart, row_names, f"Coverage matrix, {rows} rows")
    assert_readable_axis(chart, themes, "Coverage matrix, themes")
    assert_cell_texts_fit(chart, "Coverage matrix")
    shot(page, 0, f"coherence-{rows}")
    page.close()


def coordination():
    from kg.analysis.gaps import coordination_graph, current_gaps

    current = current_gaps()
    graph, _ = coordination_graph(current.memberships, current.partnerships)
    return [g.as_dict() for g in current.bodies], graph


def network_names(graph, body: str) -> set[str]:
    """The names the network of a body shows: the body, its members and their partnerships."""
    node = f"body:{body}"
    members = set(graph.neighbors(node))
    partnerships = {p for m in members for p in graph.neighbors(m) if graph.nodes[p].get("kind") == "partnership"}
    return {" ".join(str(graph.nodes[n].get("label", n)).split()) for n in {node} | members | partnerships}


def choose_body(page, body: str) -> None:
    select = page.locator('[data-testid="stSelectbox"]').filter(has_text="Body").last
    select.locator("input").click()
    page.keyboard.type(body)
    page.keyboard.press("Enter")


def test_coordination_gaps_charts_name_every_jurisdiction_and_every_node(browser, app_url):  # noqa: F811
    gaps, graph = coordination()
    jurisdictions = {g["jurisdiction"] for g in gaps}
    bodies = [g["body"] for g in gaps]
    biggest = max(bodies, key=lambda b: len(network_names(graph, b)))
    with_partnership = next(g["body"] for g in gaps if g["body"] != bodies[0] and any(
        graph.nodes[p].get("kind") == "partnership" for m in graph.neighbors(f"body:{g['body']}")
        for p in graph.neighbors(m)))
    page = open_page(browser, f"{app_url}/gaps")
    for body in dict.fromkeys([bodies[0], biggest, with_partnership]):  # the one shown first, the largest, one with a partnership
        if body != bodies[0]:
            choose_body(page, body)
        names = network_names(graph, body)
        charts = charts_showing(page, [jurisdictions, names])
        assert_readable_axis(charts[0], jurisdictions, "Bodies per jurisdiction")
        network = charts[1]
        assert network["svg"], "the network is not drawn as SVG"
        shown = {t["text"] for t in network["marks"]}
        assert not names - shown, f"{body}: names missing from the network: {sorted(names - shown)}"
        assert not [t for t in shown if "…" in t], f"{body}: truncated names"
        assert not overlapping(network["marks"]), f"{body}: overlapping names: {overlapping(network['marks'])}"
        assert not outside(network, network["marks"]), f"{body}: names cut off: {outside(network, network['marks'])}"
        shot(page, 1, f"gaps-network-{body}")
    shot(page, 0, "gaps-jurisdictions")
    page.close()
