"""The SPARQL console in a real browser (headless Chromium): a shared link runs its query, and a
refused update shows the reason, never a traceback."""

from __future__ import annotations

import re
import urllib.parse

from kg.store.queries import runnable_library_query
from tests.conftest import REPO


def test_a_shared_query_link_runs_and_offers_every_download(browser, app_url):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    query = runnable_library_query("binding_vs_soft")
    page.goto(f"{app_url}/sparql?{urllib.parse.urlencode({'query': query})}")
    caption = page.get_by_text(re.compile(r"\d+ row\(s\) in")).first
    caption.wait_for(timeout=60_000)
    assert int(caption.inner_text().split()[0].replace(",", "")) >= 12
    for label in ("CSV (for spreadsheets)", "SPARQL CSV", "SPARQL TSV", "SPARQL JSON", "SPARQL XML"):
        page.get_by_text(f"Download {label}", exact=True).first.wait_for(timeout=30_000)
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(REPO / "test-artifacts" / "sparql.png"), full_page=True)
    page.close()


def test_a_refused_update_shows_the_reason_not_a_traceback(browser, app_url):  # noqa: F811
    page = browser.new_page()
    page.goto(f"{app_url}/sparql?{urllib.parse.urlencode({'query': 'CLEAR ALL'})}")
    page.get_by_text(re.compile("not allowed")).first.wait_for(timeout=60_000)
    assert "Traceback" not in page.content()
    page.close()
