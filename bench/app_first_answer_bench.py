"""The app's first answer after start: a new app process, then the Ask page opened with a question
in its URL, in headless Chromium, timed until the first answer card is on the page.

Each run starts the app afresh, so it pays for loading the graph, the search index and the
encoder (the app warms them up in the background while the page loads). Prints a table and writes
``bench/results/app_first_answer.json``. Target on 2 cores: the first answer under 10 s.
"""

from __future__ import annotations

import statistics
import time
import urllib.parse
from pathlib import Path

from browser_app import CHROMIUM_ARGS, chromium_for_app
from results_file import verdict, write_results

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "app_first_answer.json"
RUNS = 3
TARGET_SECONDS = 10.0
QUESTION = "Who must report on forced labour in their supply chains?"


def one_run(browser) -> dict:
    from kg.app_server import start_app

    started = time.monotonic()
    server, url = start_app(REPO)
    try:
        serving = time.monotonic() - started
        page = browser.new_page()
        page.goto(f"{url}/ask?q={urllib.parse.quote(QUESTION)}")
        page.locator("a[href*='browse?provision=']").first.wait_for(timeout=60_000)
        answered = time.monotonic() - started
        page.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    return {"serving": serving, "answered": answered}


def main() -> None:
    chromium = chromium_for_app()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        runs = [one_run(browser) for _ in range(RUNS)]
        browser.close()
    rows = [
        ("app serving after start (s), median", round(statistics.median(r["serving"] for r in runs), 2), None),
        ("first answer after start (s), median", round(statistics.median(r["answered"] for r in runs), 2),
         TARGET_SECONDS),
        ("first answer after start (s), worst", round(max(r["answered"] for r in runs), 2), TARGET_SECONDS),
    ]
    print(f"{'measure':40} {'value':>7} {'target':>7}  ok")
    for name, value, target in rows:
        print(f"{name:40} {value:>7} {target if target is not None else '':>7}  {verdict(value, target)}")
    write_results(RESULTS, "app_first_answer", [{"measure": n, "value": v, "target": t} for n, v, t in rows],
                  runs=RUNS, question=QUESTION)


if __name__ == "__main__":
    main()
