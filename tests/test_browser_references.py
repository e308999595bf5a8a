"""References between instruments in a real browser (headless Chromium): the Australian definition
of modern slavery links to the Palermo Protocol's Art. 3 with the words that cite it, the link
opens Art. 3, and Art. 3 says that the Australian s.4 cites it."""

from __future__ import annotations

from tests.conftest import REPO


def reference_row(page, href_part: str):
    """The list item of a reference whose link contains ``href_part``."""
    return page.locator("ul.xref li").filter(has=page.locator(f"a[href*='{href_part}']")).first


def test_australian_definition_links_to_the_palermo_protocol(browser, app_url):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/browse?provision=au-msa-2018%2Fs4")
    page.get_by_text("Cites in other instruments").first.wait_for(timeout=60_000)
    row = reference_row(page, "provision=palermo-protocol%2Fart3")
    row.wait_for(timeout=30_000)
    link = row.locator("a").first
    assert link.inner_text() == "Art. 3 Palermo Protocol"
    assert "Palermo Protocol (INT)" in row.inner_text()
    assert "“Article 3 of the Protocol to Prevent, Suppress and Punish Trafficking in Persons”" in row.inner_text()
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(REPO / "test-artifacts" / "references-cites.png"), full_page=True)

    link.click()  # the link opens the cited article in the app
    page.wait_for_url("**/browse?provision=palermo-protocol%2Fart3", timeout=30_000)
    page.get_by_text("Cited by other instruments").first.wait_for(timeout=60_000)
    back = reference_row(page, "provision=au-msa-2018%2Fs4")
    back.wait_for(timeout=30_000)
    assert back.locator("a").first.inner_text() == "s.4 Modern Slavery Act 2018 (Cth)"
    assert "“Article 3 of the Protocol to Prevent" in back.inner_text()
    page.screenshot(path=str(REPO / "test-artifacts" / "references-cited-by.png"), full_page=True)
    page.close()


def test_overview_network_of_references_opens_an_instrument(browser, app_url):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(app_url)
    page.get_by_text("References between instruments").first.wait_for(timeout=60_000)
    node = page.locator("svg g.node", has_text="Palermo Protocol").first
    node.wait_for(timeout=60_000)
    tips = page.eval_on_selector_all(  # Graphviz writes a tooltip as the link's xlink:title
        "svg g.edge a", "links => links.map(a => a.getAttributeNS('http://www.w3.org/1999/xlink', 'title'))")
    assert any((t or "").startswith("Modern Slavery Act 2018 (Cth) cites Palermo Protocol: ") and
               (t or "").endswith(" provision-level reference(s)") for t in tips)
    node.scroll_into_view_if_needed()
    page.screenshot(path=str(REPO / "test-artifacts" / "references-network.png"))
    node.click()
    page.wait_for_url("**/browse?instrument=palermo-protocol", timeout=30_000)
    page.get_by_text("Art. 3 Use of terms").first.wait_for(timeout=60_000)
    page.close()
