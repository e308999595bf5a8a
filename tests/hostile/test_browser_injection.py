"""Items 4, 17 and 20 of the hardening issue, in headless Chromium: no page of the app runs script
injected through its URL parameters or through stored instrument metadata, no such input becomes a
live link, a bad id gets a clear message (never a traceback or "Something went wrong"), and
/overview opens the overview.

Every page is opened with each parameter any page reads, carrying each payload; a dialog listener
fails the case if an alert, confirm or prompt opens, and the page is searched for what an injection
would leave (an <img src=x>, an element with an event handler, a script, a javascript: or data:
link, a link made of Markdown in the input). Stored metadata: a scratch copy of three instruments,
one of whose metadata.json holds markup in its title, short title, licence, attribution, version
note and the note on what is missing, built into a scratch data folder and served by its own app;
every page that shows instruments is opened (tabs, the provenance panel, the charts' tooltips).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import urllib.parse

import pytest

from tests.conftest import REPO, run_cli
from tests.conftest import serving_app

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "</textarea><svg onload=alert(1)>",
    "[click](javascript:alert(1))",  # Markdown: a live link if the input were rendered as Markdown
]
# Every query parameter a page reads (app.py and ui/*.py; test_every_parameter_is_covered checks).
PARAMS = ["provision", "instrument", "q", "query", "compare", "kind"]
# The pages, each with a text it always shows once it has run.
PAGES = {"/": "Policy Coherence Graph", "/overview": "Policy Coherence Graph", "/browse": "Contents",
         "/obligations": "Who must do what", "/ask": "Ask in plain words", "/gaps": "Coordination gaps",
         "/coherence": "Coherence", "/sparql": "SPARQL console"}
# Where a parameter names something of the graph: a bad value gets a message that quotes it.
IDS = {("/", "provision"), ("/", "instrument"), ("/overview", "provision"), ("/overview", "instrument"),
       ("/browse", "provision"), ("/browse", "instrument"), ("/obligations", "instrument"),
       ("/obligations", "kind"), ("/coherence", "compare")}
# A link from / or /overview with a provision or an instrument opens the browser.
OPENS_BROWSE = {("/", "provision"), ("/", "instrument"), ("/overview", "provision"), ("/overview", "instrument")}

# What an injection would leave in the page.
INJECTED = r"""() => ({
  img: [...document.querySelectorAll('img')].filter(i => /^x$|\/x$/.test(i.getAttribute('src') || '')).length,
  handlers: [...document.querySelectorAll('[onerror], [onload], [onclick], [onmouseover]')]
    .map(e => e.outerHTML.slice(0, 120)),
  scripts: [...document.querySelectorAll('script')].filter(s => /alert/.test(s.textContent)).length,
  links: [...document.querySelectorAll('a[href], area[href], iframe[src], embed[src], object[data], form[action]')]
    .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('data') || e.getAttribute('action'))
    .filter(h => /^\s*(javascript|vbscript|data):/i.test(h || '')),
  markdown_links: [...document.querySelectorAll('a')].filter(a => a.textContent.trim() === 'click')
    .map(a => a.outerHTML.slice(0, 120)),
})"""
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app && app.dataset.testScriptState === 'notRunning'
    && document.querySelector('[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]');
}"""


class Visitor:
    """One browser tab that records every dialog, opening page after page."""

    def __init__(self, browser):  # noqa: F811
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.dialogs: list[str] = []
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, url: str, shows: str) -> None:
        self.page.goto(url)
        self.page.get_by_text(shows).first.wait_for(timeout=90_000)
        self.settle()

    def settle(self) -> None:
        self.page.wait_for_function(IDLE, timeout=90_000)
        self.page.wait_for_timeout(400)  # an onerror or onload handler would have run by now

    def alerts(self) -> list[str]:
        return self.page.locator('[data-testid="stAlert"]').all_inner_texts()

    def assert_clean(self, case: str) -> None:
        assert not self.dialogs, f"{case}: a dialog opened: {self.dialogs}"
        found = self.page.evaluate(INJECTED)
        assert not any(found.values()), f"{case}: injected markup in the page: {found}"
        text = self.page.inner_text("body")
        for sign in ("Traceback", 'File "/', "Something went wrong", "Page not found"):
            assert sign not in text, f"{case}: the page shows {sign!r}"

    def close(self) -> None:
        self.page.close()


def test_every_parameter_is_covered():
    """The parameters above are all the app reads: a new one must be added here to be attacked."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in [REPO / "app.py", *sorted((REPO / "ui").glob("*.py"))])
    read = set(re.findall(r"query_params\.get(?:_all)?\(\s*[\"']([^\"']+)[\"']", code))
    read |= set(re.findall(r"[\"']([^\"']+)[\"']\s+in\s+st\.query_params", code))
    read |= set(re.findall(r"query_params\[\s*[\"']([^\"']+)[\"']\s*\]", code))
    assert read == set(PARAMS)


@pytest.mark.parametrize("path", list(PAGES))
def test_no_page_runs_script_from_its_url_parameters(browser, app_url, path):  # noqa: F811
    visitor = Visitor(browser)
    try:
        for param in PARAMS:
            for payload in PAYLOADS:
                case = f"{path}?{param}={payload}"
                shows = PAGES["/browse"] if (path, param) in OPENS_BROWSE else PAGES[path]
                visitor.open(f"{app_url}{path}?{urllib.parse.urlencode({param: payload})}", shows)
                visitor.assert_clean(case)
                if (path, param) in IDS:  # a clear message that quotes the input, as text
                    assert any("alert(1)" in a for a in visitor.alerts()), \
                        f"{case}: no message names the bad value: {visitor.alerts()}"
    finally:
        visitor.close()


@pytest.mark.parametrize("url, says", [
    ("/browse?provision=uk-msa-2015%2Fs999", "No provision 'uk-msa-2015/s999' in the graph"),
    ("/browse?provision=nope%2Fart1", "No provision 'nope/art1' in the graph"),
    ("/browse?instrument=nope", "No instrument 'nope' in the graph"),
    ("/browse?provision=palermo-protocol%2Fart3%20x", "[E008] 'palermo-protocol/art3 x' is not an id of the graph"),
    ("/coherence?compare=palermo-protocol%2Fart99", "no provision 'palermo-protocol/art99' to compare"),
    ("/coherence?compare=%3Cb%3Ex", "[E008] '<b>x' is not an id of the graph"),
    ("/obligations?kind=nope", "The link names no actor kind with norms in the graph: 'nope'"),
    ("/obligations?instrument=nope", "The link names no instrument with norms in the graph: 'nope'"),
])
def test_a_bad_id_in_a_link_gets_a_clear_message(browser, app_url, url, says):  # noqa: F811
    visitor = Visitor(browser)
    try:
        visitor.open(app_url + url, PAGES["/" + url.split("?")[0].strip("/")])
        visitor.assert_clean(url)
        assert any(says in a for a in visitor.alerts()), f"{url}: {visitor.alerts()}"
        if url.startswith("/browse"):  # the message does not take the page: the contents stay usable
            visitor.page.get_by_text("Contents").first.wait_for(timeout=10_000)
    finally:
        visitor.close()


def test_overview_path_opens_the_overview(browser, app_url):  # noqa: F811
    visitor = Visitor(browser)
    try:
        visitor.open(f"{app_url}/overview", "Provisions per instrument")
        visitor.assert_clean("/overview")
        assert visitor.page.get_by_role("heading", name="Policy Coherence Graph").count() == 1
    finally:
        visitor.close()


# --- stored metadata --------------------------------------------------------------------------------

HOSTILE = "slavery-convention-1926"
IMG, SCRIPT, LINK = "<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "[click](javascript:alert(1))"
MARKUP = {
    "title": f"Slavery Convention {SCRIPT} {IMG}",
    "short_title": f"Slavery {IMG} Convention",
    "licence": f"Licence {SCRIPT} {LINK} {IMG}",
    "attribution": f"Attribution {IMG} {SCRIPT} {LINK}",
    "version_note": f"Version {IMG} {SCRIPT} {LINK}",
}
MISSING = f"Missing {IMG} {SCRIPT} {LINK}"


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    """The app over a scratch build of three instruments, one with markup in its metadata. Only the
    build and the app's process see the scratch folders; this process keeps the project's."""
    root = tmp_path_factory.mktemp("hostile-metadata")
    sources, data = root / "sources", root / "data"
    for instrument in ("palermo-protocol", "uk-msa-2015", HOSTILE):
        shutil.copytree(REPO / "ingest" / "sources" / instrument, sources / instrument)
    path = sources / HOSTILE / "metadata.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update(MARKUP)
    meta["completeness"] = {"status": "partial", "missing": MISSING}
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    env = {"PCG_DATA_DIR": str(data), "PCG_SOURCES_DIR": str(sources),
           "PCG_CACHE_DIR": os.environ.get("PCG_CACHE_DIR", str(REPO / "data" / "cache"))}
    run_cli("build", "--quiet", "--sources", str(sources), env=env, check=True, timeout=1800)
    with pytest.MonkeyPatch.context() as patch, contextlib.ExitStack() as app:
        for key, value in env.items():  # the app's process inherits the scratch folders
            patch.setenv(key, value)
        url = app.enter_context(serving_app())
        patch.undo()  # this process keeps the project's folders
        yield url


def hover_every_mark(visitor: Visitor) -> None:
    """Chart tooltips show the metadata too: hover each bar, cell and point of every chart."""
    marks = visitor.page.locator(".vega-embed g.role-mark path, .vega-embed g.role-mark circle")
    for i in range(min(marks.count(), 300)):
        try:
            marks.nth(i).hover(timeout=2_000, force=True)
        except Exception:  # noqa: BLE001 — a mark under another one cannot be hovered; the others can
            continue
    visitor.page.wait_for_timeout(300)


QUERY = ("SELECT ?title ?licence ?attribution WHERE { ?i a pcg:Instrument ; dcterms:title ?title ; "
         "pcg:licenceName ?licence . OPTIONAL { ?i pcg:attribution ?attribution } }")


@pytest.mark.parametrize("url, shows, then", [
    ("/", "Policy Coherence Graph", "hover"),
    ("/overview", "Policy Coherence Graph", None),
    (f"/browse?instrument={HOSTILE}", "Contents", None),
    (f"/browse?provision={HOSTILE}%2Fart1", "Contents", "Provenance and identifiers"),
    (f"/obligations?instrument={HOSTILE}", "Who must do what", "tabs"),
    (f"/ask?{urllib.parse.urlencode({'q': 'the definition of slavery in the Slavery Convention'})}",
     "Ask in plain words", None),
    ("/gaps", "Coordination gaps", None),
    (f"/coherence?compare={HOSTILE}%2Fart1", "Coherence", "tabs"),
    (f"/sparql?{urllib.parse.urlencode({'query': QUERY})}", "SPARQL console", None),
])
def test_markup_in_stored_metadata_shows_as_text_on_every_page(browser, hostile_app, url, shows, then):  # noqa: F811
    visitor = Visitor(browser)
    try:
        visitor.open(hostile_app + url, shows)
        if then == "hover":
            hover_every_mark(visitor)
        elif then == "tabs":
            tabs = visitor.page.get_by_role("tab")
            for i in range(tabs.count()):
                tabs.nth(i).click()
                visitor.settle()
                visitor.assert_clean(f"{url}, tab {i}")
        elif then:
            visitor.page.get_by_text(then).first.click()
            visitor.page.get_by_text("Attribution").first.wait_for(timeout=30_000)
            text = visitor.page.inner_text("body")
            for field in ("licence", "attribution"):  # the licence and attribution as written
                assert MARKUP[field] in text, f"the {field} is not shown as text"
        visitor.assert_clean(url)
        text = visitor.page.inner_text("body")
        if url in ("/", f"/browse?provision={HOSTILE}%2Fart1"):
            assert MARKUP["short_title"] in text, "the short title is not shown as text"
            assert MISSING in text, "what is missing is not shown as text"
        if url == "/":
            assert MARKUP["version_note"] in text, "the version note is not shown as text"
    finally:
        visitor.close()


def test_links_only_to_web_addresses_and_app_paths():
    """The one place URLs become links (ui/common.py): a javascript:, data: or protocol-relative
    address stays text, whatever field or query result it comes from."""
    from ui import common

    for url in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
                "vbscript:x", "//evil.example/x", "/\\evil.example", "http:/no-host", None, ""):
        assert common.safe_url(url) is None, url
        assert "](" not in common.link("Official text", url)
    assert common.link("Official text", "https://example.org/a b)") == "[Official text](https://example.org/a%20b%29)"
    assert common.link("s.54", "/browse?provision=uk-msa-2015%2Fs54") == "[s.54](/browse?provision=uk-msa-2015%2Fs54)"
    assert common.md(LINK) == "\\[click\\](javascript:alert(1))"
    assert common.md(IMG) == "\\<img src=x onerror=alert(1)\\>"
    assert "\n" not in common.escape("a\n\nb") and "<" not in common.escape(SCRIPT)
