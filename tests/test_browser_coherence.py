"""The Coherence page in a real browser (headless Chromium): the heatmap draws, and the scorecard
tab shows the four recommendations with their evidence links."""

from __future__ import annotations

from tests.conftest import REPO


def test_coherence_page_draws_the_heatmap_and_the_scorecard(browser, app_url):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/coherence")
    page.get_by_text("Coverage matrix").first.wait_for(timeout=60_000)
    page.locator("canvas, svg").first.wait_for(timeout=60_000)
    page.get_by_role("tab", name="Scorecard").click()
    page.get_by_text("Partnerships with the financial sector").first.wait_for(timeout=60_000)
    assert page.locator("a[href*='browse?provision=uk-msa-2015']").count() > 0
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(REPO / "test-artifacts" / "coherence.png"), full_page=True)
    page.close()
