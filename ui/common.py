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


@st.cache_data(show_spinner=False)
def references(build: str, provision_id: str) -> dict[str, list[dict]]:
    """What a provision and its parts cite in other instruments, and what cites them."""
    return read.provision_references(provision_id, include_parts=True)


@st.cache_data(show_spinner=False)
def footnotes(build: str, provision_id: str) -> list[dict]:
    """The footnotes marked anywhere in the text the provision view shows (its parts' words too)."""
    return read.footnotes(provision_id, include_parts=True)


@st.cache_data(show_spinner="Reading the references between instruments…")
def cross_references(build: str) -> list[dict]:
    """Every provision-level reference from one instrument to another, with its citing words."""
    return [{**row, "citing_instrument": row["citing"].split("/")[0]} for row in read.cross_references()]


def provision_link(provision_id: str) -> str:
    """Relative link that opens a provision in the browser page (shareable)."""
    return f"/{BROWSE_PATH}?provision={quote(provision_id, safe='')}"


def instrument_link(instrument_id: str) -> str:
    return f"/{BROWSE_PATH}?instrument={quote(instrument_id, safe='')}"


def resource_link(resource_id: str) -> str:
    """A reference may cite a provision or (when it names no provision) a whole instrument."""
    return provision_link(resource_id) if "/" in resource_id else instrument_link(resource_id)


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
