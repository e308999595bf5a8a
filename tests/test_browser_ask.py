"""The Ask page in a real browser (headless Chromium): a shared /ask?q=… link shows the graph's
direct answer, with its provision's link, above the ranked provisions."""

from __future__ import annotations

from urllib.parse import quote

from tests.conftest import REPO


def test_a_shared_question_shows_the_direct_answer_first(browser, app_url):
    page = browser.new_page()
    page.goto(f"{app_url}/ask?q={quote('Who must prepare a slavery and human trafficking statement?')}")
    answer = page.locator(".direct-answer").first
    answer.wait_for(timeout=60_000)
    assert answer.inner_text() == "A commercial organisation within subsection (2)"
    page.get_by_text("Provisions that answer, best first").first.wait_for(timeout=30_000)
    source = page.get_by_role("link", name="s.54(1) Modern Slavery Act 2015").first
    assert "provision=uk-msa-2015%2Fs54%2F1" in source.get_attribute("href")
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(REPO / "test-artifacts" / "ask-direct-answer.png"), full_page=True)
    page.close()
