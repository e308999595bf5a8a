"""Eight visitors asking at once: a new app process, then eight browser pages (one headless
Chromium, a context each: eight fresh visitors) opened together on ``/ask?q=…`` with eight
different questions, each timed from its navigation to its first answer card on the page.

Two cases per run: the eight arrive together the moment the app answers its health check (it is
still loading search in the background: "right after start"), and eight others arrive together once
it has answered them ("warm"). Each run starts the app afresh. Target on 2 cores: every visitor
sees an answer within 5 s, in both cases.

The browser runs on the same two cores as the app, and a fresh visitor's Streamlit page costs
Chromium about 2 s of CPU before and while it draws the answer (its ~100 script files, React,
the Markdown), against the app's 0.3 s. So the bench also measures

- the **server alone**: the same eight questions as eight Streamlit sessions opened over the
  websocket protocol the page speaks (no browser), timed from connecting to the first message
  that carries an answer card; both cases again, on an app started afresh;
- the **browser alone**: eight fresh contexts opening a one-line Streamlit page (a link, no graph)
  served by the same Streamlit, which is what any Streamlit app costs this machine.

Prints each visitor's time, the medians and the worst, and writes
``bench/results/app_concurrent_answers.json``. ``PCG_BENCH_RUNS`` sets the number of runs (3).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from browser_app import CHROMIUM_ARGS, REPO, chromium_for_app
from results_file import verdict, write_results

RESULTS = REPO / "bench" / "results" / "app_concurrent_answers.json"
RUNS = int(os.environ.get("PCG_BENCH_RUNS", "3"))
VISITORS = 8
TARGET_SECONDS = 5.0
ANSWER = "a[href*='browse?provision=']"  # the first answer card's citation link
COLD_QUESTIONS = [
    "Who must report on forced labour in their supply chains?",
    "Must victims get help even before they agree to testify?",
    "Can products made with forced labour be sold in the EU?",
    "Who approves and signs a modern slavery statement?",
    "When must a bank report a suspicious transaction to the FIU?",
    "What penalties apply to companies that fail their due diligence duties?",
    "Which authority supervises anti-money laundering at EU level?",
    "How must states protect the identity of trafficking victims?",
]
WARM_QUESTIONS = [
    "Who is the Independent Anti-slavery Commissioner?",
    "What is the definition of trafficking in persons?",
    "Must companies consult stakeholders when identifying adverse impacts?",
    "Can a person be prosecuted for offences they were compelled to commit?",
    "What must a modern slavery statement include?",
    "Who can order the withdrawal of a product made with forced labour?",
    "Must obliged entities identify the beneficial owner of a customer?",
    "What is a disclosure under the Proceeds of Crime Act?",
]
BARE_PAGE = ('import streamlit as st\n'
             'st.markdown(f"[{st.query_params.get(\'q\', \'\')}](/browse?provision=x)")\n')


# --- visitors ---------------------------------------------------------------------------------


async def browser_visitor(browser, url: str, question: str, path: str = "ask") -> float:
    """Seconds from navigation to the first answer card, in a context of its own (a visitor)."""
    context = await browser.new_context()
    try:
        page = await context.new_page()
        started = time.monotonic()
        await page.goto(f"{url}/{path}?q={urllib.parse.quote(question)}", wait_until="commit")
        await page.locator(ANSWER).first.wait_for(timeout=120_000)
        return time.monotonic() - started
    finally:
        await context.close()


async def session_visitor(url: str, question: str) -> float:
    """Seconds from opening a Streamlit session over its websocket (as the page does once its
    scripts have loaded) to the first message carrying an answer card: the server's share."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    started = time.monotonic()
    host = url.split("//", 1)[1]
    async with websockets.connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], origin=url,
                                  max_size=None, close_timeout=0.1) as socket:
        rerun = BackMsg()
        rerun.rerun_script.query_string = "q=" + urllib.parse.quote(question)
        rerun.rerun_script.page_name = "ask"
        rerun.rerun_script.context_info.url = f"{url}/ask?{rerun.rerun_script.query_string}"
        await socket.send(rerun.SerializeToString())
        while True:
            data = await asyncio.wait_for(socket.recv(), timeout=120)
            message = ForwardMsg()
            message.ParseFromString(data)
            if message.WhichOneof("type") == "delta" and b"browse?provision=" in data:
                return time.monotonic() - started
            if message.WhichOneof("type") == "script_finished":
                raise RuntimeError(f"the app answered {question!r} without an answer card")


async def browsers(browser, url: str, questions: list[str]) -> list[float]:
    return list(await asyncio.gather(*(browser_visitor(browser, url, q) for q in questions)))


async def sessions(url: str, questions: list[str]) -> list[float]:
    return list(await asyncio.gather(*(session_visitor(url, q) for q in questions)))


# --- runs -------------------------------------------------------------------------------------


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=20)


async def one_run(browser) -> dict:
    from kg.app_server import start_app

    started = time.monotonic()
    server, url = start_app(REPO)
    try:
        serving = time.monotonic() - started
        cold = await browsers(browser, url, COLD_QUESTIONS)
        warm = await browsers(browser, url, WARM_QUESTIONS)
    finally:
        stop(server)
    server, url = start_app(REPO)
    try:
        server_cold = await sessions(url, COLD_QUESTIONS)
        server_warm = await sessions(url, WARM_QUESTIONS)
    finally:
        stop(server)
    return {"serving": serving, "cold": cold, "warm": warm, "server_cold": server_cold, "server_warm": server_warm}


def start_bare_page(folder: Path) -> tuple[subprocess.Popen, str]:
    """A one-line Streamlit page (a link, nothing else), served as the app is."""
    from kg.ports import free_port

    (folder / "bare.py").write_text(BARE_PAGE, encoding="utf-8")
    shutil.copytree(REPO / ".streamlit", folder / ".streamlit")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "bare.py", "--server.port", str(port),
                               "--server.address", "127.0.0.1"], cwd=folder,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return server, url
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the bare Streamlit page did not start")


async def bare_run(browser) -> list[float]:
    """Eight fresh contexts at once on the one-line page, once it has served one."""
    with tempfile.TemporaryDirectory() as folder:
        server, url = start_bare_page(Path(folder))
        try:
            await browser_visitor(browser, url, "warm up", path="")
            return list(await asyncio.gather(*(browser_visitor(browser, url, q, path="") for q in WARM_QUESTIONS)))
        finally:
            stop(server)


async def measure(chromium: str) -> tuple[list[dict], list[list[float]]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            runs, bare = [], []
            for _ in range(RUNS):
                runs.append(await one_run(browser))
                bare.append(await bare_run(browser))
            return runs, bare
        finally:
            await browser.close()


CASES = [
    ("cold", "browser, 8 at once right after start", TARGET_SECONDS),
    ("warm", "browser, 8 at once on a warm app", TARGET_SECONDS),
    ("server_cold", "server alone, 8 right after start", TARGET_SECONDS),
    ("server_warm", "server alone, 8 on a warm app", TARGET_SECONDS),
    ("bare", "browser alone: 8 on a one-line page", None),
]


def main() -> None:
    runs, bare = asyncio.run(measure(chromium_for_app()))
    for run, page in zip(runs, bare):
        run["bare"] = page
    per_visitor = {case: [[round(t, 2) for t in sorted(run[case])] for run in runs] for case, _, _ in CASES}
    for case, label, _ in CASES:
        for n, times in enumerate(per_visitor[case], start=1):
            print(f"{label}, run {n}: " + " ".join(f"{t:5.2f}" for t in times))
    rows = [("app serving after start (s), median", round(statistics.median(r["serving"] for r in runs), 2), None)]
    for case, label, target in CASES:
        times = [t for run in runs for t in run[case]]
        rows += [(f"{label} (s), median", round(statistics.median(times), 2), target),
                 (f"{label} (s), worst", round(max(times), 2), target)]
    print(f"{'measure':52} {'value':>7} {'target':>7}  ok")
    for name, value, target in rows:
        print(f"{name:52} {value:>7} {target if target is not None else '':>7}  {verdict(value, target)}")
    write_results(RESULTS, "app_concurrent_answers", [{"measure": n, "value": v, "target": t} for n, v, t in rows],
                  runs=RUNS, visitors=VISITORS, per_visitor=per_visitor,
                  questions={"right after start": COLD_QUESTIONS, "warm": WARM_QUESTIONS})


if __name__ == "__main__":
    main()
