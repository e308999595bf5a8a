"""End to end in a real browser: start the app, open a provision's shareable link in headless
Chromium (Playwright), and read its text off the rendered page."""

from __future__ import annotations

from tests.conftest import REPO

def test_shareable_link_renders_the_provision_text(browser, app_url):
    page = browser.new_page()
    page.goto(f"{app_url}/browse?provision=uk-msa-2015%2Fs54%2F1")
    page.get_by_text("s.54(1) Modern Slavery Act 2015").first.wait_for(timeout=30_000)
    body = page.locator(".provision-text").first
    body.wait_for(timeout=30_000)
    assert body.inner_text().startswith(
        "A commercial organisation within subsection (2) must prepare a slavery and human trafficking statement")
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(REPO / "test-artifacts" / "provision.png"), full_page=True)
    page.close()


def test_root_link_with_provision_opens_it_too(browser, app_url):
    page = browser.new_page()
    page.goto(f"{app_url}/?provision=palermo-protocol%2Fart9%2F5")
    page.locator(".provision-text").first.wait_for(timeout=30_000)
    assert "States Parties shall adopt or strengthen" in page.locator(".provision-text").first.inner_text()
    page.close()


def test_overview_renders_the_chart(browser, app_url):
    page = browser.new_page()
    page.goto(app_url)
    page.get_by_text("Provisions per instrument").first.wait_for(timeout=30_000)
    page.locator("canvas, svg").first.wait_for(timeout=30_000)
    page.close()
