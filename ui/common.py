"""What every page of the app shares: cached reads, links, and errors shown as messages."""

from __future__ import annotations

import contextlib
import html
import logging
from urllib.parse import quote

import streamlit as st

from ingest.errors import NoGraphError, PCGError
from kg import read
from kg import store as stores

log = logging.getLogger("pcg.app")

BROWSE_PATH = "browse"


def build_id() -> str:
    """Changes when a new build is swapped in, so caches keyed on it refresh."""
    build = stores.require_current_build()
    return build.root.name


@st.cache_data(show_spinner=False)
def instruments(build: str) -> list[dict]:
    return read.instruments()


@st.cache_data(show_spinner=False)
def tree(build: str, instrument_id: str) -> list[dict]:
    return read.tree(instrument_id)


@st.cache_data(show_spinner=False)
def provision(build: str, provision_id: str) -> dict | None:
    return read.provision(provision_id)


def provision_link(provision_id: str) -> str:
    """Relative link that opens a provision in the browser page (shareable)."""
    return f"/{BROWSE_PATH}?provision={quote(provision_id, safe='')}"


def instrument_link(instrument_id: str) -> str:
    return f"/{BROWSE_PATH}?instrument={quote(instrument_id, safe='')}"


def escape(text: str) -> str:
    return html.escape(text or "")


@contextlib.contextmanager
def friendly_errors():
    """Show bad input and missing data as messages, never as a traceback."""
    try:
        yield
    except NoGraphError:
        st.error("No graph has been built yet. Run `python -m kg build` (or `make run`), then reload.")
    except PCGError as err:
        st.error(err.one_line())
    except Exception as err:  # noqa: BLE001 — the app must not show tracebacks to users
        log.exception("unexpected error in the app")
        st.error(f"Something went wrong ({type(err).__name__}). The details are in the server log.")
