"""What the app shows as text and how its charts name things (no browser, no graph)."""

from ui import charts, common


def test_wrap_keeps_whole_words_and_counts_lines():
    wrapped = charts.wrap("Fighting Against Forced Labour and Child Labour in Supply Chains Act", 30)
    assert all(len(line) <= 30 for line in wrapped.split(charts.LINE_BREAK))
    assert wrapped.replace(charts.LINE_BREAK, " ") == "Fighting Against Forced Labour and Child Labour in Supply Chains Act"
    assert charts.lines(wrapped) == wrapped.count(charts.LINE_BREAK) + 1
    assert charts.wrap("Supercalifragilistic", 5) == "Supercalifragilistic"


def test_two_acts_of_one_name_differ_by_jurisdiction_and_a_repeat_by_id():
    names = charts.instrument_names([
        {"id": "uk-msa-2015", "shortTitle": "Modern Slavery Act 2015", "jurisdiction": "GB"},
        {"id": "au-msa-2018", "shortTitle": "Modern Slavery Act 2018", "jurisdiction": "AU"},
        {"id": "x-1", "shortTitle": "Same", "jurisdiction": "EU"},
        {"id": "x-2", "shortTitle": "Same", "jurisdiction": "EU"},
    ])
    assert names["uk-msa-2015"] == "Modern Slavery Act 2015 (GB)"
    assert names["x-1"] == "Same (EU) [x-1]" and names["x-2"] == "Same (EU) [x-2]"


def test_markdown_special_characters_show_as_themselves():
    assert common.md("[click](javascript:alert(1))") == "\\[click\\](javascript:alert(1))"
    assert common.md("<b>x</b> *y* `z` $m$") == "\\<b\\>x\\</b\\> \\*y\\* \\`z\\` \\$m\\$"
    assert common.md("1. not a list") == "1\\. not a list"
    assert common.md("a\n\nb") == "a b"


def test_only_web_addresses_and_app_paths_become_links():
    assert common.safe_url("https://example.org/a b") == "https://example.org/a%20b"
    assert common.safe_url("/browse?provision=uk-msa-2015%2Fs54") == "/browse?provision=uk-msa-2015%2Fs54"
    for url in ("javascript:alert(1)", "data:text/html,x", "//evil.example", "ftp://example.org", "", None):
        assert common.safe_url(url) is None
    assert common.link("Official text", "javascript:alert(1)") == "Official text"


def test_html_escape_keeps_line_breaks_inside_the_block():
    assert common.escape("<a>\n\nb") == "&lt;a&gt;&#10;&#10;b"
