"""Browser benchmark: how long the network picture of a 300-member body takes to render.

Builds a private graph with a synthetic 300-member body imported beside the shipped data, starts
the app on loopback, opens the Coordination gaps page in headless Chromium (Playwright), picks
the body and times until its network chart is drawn. Prints a table and writes
``bench/results/network_render.json``. Target: under 3 s.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "network_render.json"
MEMBERS = 300


def synthetic_csv() -> str:
    header = "body_id,body_name,level,jurisdiction,member_name,member_kind,is_member,source_url,source_quote,as_of\n"
    kinds = ["law_enforcement", "government_agency", "civil_society", "prosecution", "labour", "fiu"]
    rows = [f"ZZ-BIG,Synthetic 300-member body,national,ZZ,Member organisation {i},{kinds[i % len(kinds)]},yes,"
            f"https://example.org/big,\"member {i}\",2025" for i in range(MEMBERS)]
    return header + "\n".join(rows) + "\n"


def main() -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        raise SystemExit("chromium is not installed (apt-get install -y chromium)")
    data = tempfile.mkdtemp()
    env = {**os.environ, "PCG_DATA_DIR": data,
           "PCG_CACHE_DIR": os.environ.get("PCG_CACHE_DIR", str(REPO / "data" / "cache"))}
    (Path(data) / "imports").mkdir(parents=True)
    (Path(data) / "imports" / "synthetic-big.csv").write_text(synthetic_csv(), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "kg", "build", "--quiet"], cwd=REPO, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                               "--server.headless", "true", "--server.address", "127.0.0.1"],
                              cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            page.goto(f"{url}/gaps")
            page.get_by_text("Coordination gaps").first.wait_for(timeout=60_000)
            select = page.locator('[data-testid="stSelectbox"]').filter(has_text="Body").last
            select.wait_for(timeout=60_000)
            page.wait_for_timeout(1500)  # let the first body's chart finish drawing
            start = time.perf_counter()
            select.locator("input").click()
            page.keyboard.type("ZZ-BIG")
            page.keyboard.press("Enter")
            page.get_by_role("heading", name="Synthetic 300-member body").wait_for(timeout=60_000)
            # drawn: the network chart shows the 300 members (one circle mark each, plus the body)
            page.wait_for_function(
                "n => [...document.querySelectorAll('.vega-embed')].some("
                "e => e.querySelectorAll('[aria-roledescription=\"circle\"]').length >= n)",
                arg=MEMBERS, timeout=60_000)
            seconds = time.perf_counter() - start
            page.screenshot(path=str(Path(tempfile.gettempdir()) / "network-300.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(data, ignore_errors=True)
    row = {"members": MEMBERS, "render_seconds": round(seconds, 2), "target_seconds": 3.0,
           "meets_target": seconds < 3.0}
    print(f"{'measure':28} value")
    for key, value in row.items():
        print(f"{key:28} {value}")
    RESULTS.write_text(json.dumps({"benchmark": "network picture render", "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                                   "results": row}, indent=2) + "\n")
    print(f"written {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
