"""What every page of the app shares: cached reads, links, and errors shown as messages."""

from __future__ import annotations

import contextlib
import html
import logging
import re
from urllib.parse import quote, urlsplit

import streamlit as st

from kg.errors import NoGraphError, PCGError
from kg.store import read
from kg.store import builds as stores

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


# Everything the app shows from the graph, the sources, an upload or a link (titles, licences, law
# texts, ids, error messages that quote input) is text: it goes through ``escape`` into HTML and
# through ``md`` into Markdown, and a URL becomes a link only through ``safe_url``/``link``. Raw
# HTML or Markdown syntax in stored metadata or in a URL parameter then shows as the characters it
# is, never as markup, a script or a live link.
# what makes Markdown more than text: HTML and autolinks (< > &), links and images ([ ]), emphasis,
# strike-through and code (* _ ~ `), headings and tables (# |), Streamlit's math ($), escapes (\\);
# Streamlit's colour and icon directives need brackets too. Other punctuation stays as it is.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$&])")
LIST_MARKER = re.compile(r"^(\s*)([-+]|\d+[.)])(?=\s|$)")  # "- x", "1. x" would start a list
SAFE_SCHEMES = ("http", "https")


def escape(text) -> str:
    """``text`` for an HTML fragment (shown with ``unsafe_allow_html``): markup escaped, and line
    breaks written as character references, so a blank line in the text cannot end the HTML block
    and drop the rest of the fragment into Markdown (a ``white-space: pre-wrap`` block still shows
    them as line breaks)."""
    return html.escape(str(text) if text is not None else "").replace("\r\n", "&#10;").replace("\n", "&#10;")


def md(text) -> str:
    """``text`` for Markdown (``st.markdown``, captions, alerts, headers, widget labels), shown as
    written: the characters that make markup backslash-escaped and line breaks made spaces, so no
    HTML, link, image, emphasis, heading, list or Streamlit colour, icon or math syntax in it takes
    effect. Safe inside an HTML paragraph shown with ``unsafe_allow_html`` too (an escaped '<' is
    text)."""
    text = "" if text is None else str(text)
    if "\n" in text or "\r" in text:
        text = " ".join(text.split())
    text = MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return LIST_MARKER.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


def safe_url(url) -> str | None:
    """``url`` if a reader may follow it: an http(s) address or a path of this app ("/browse?…").
    Characters that would end a Markdown link or an HTML attribute are percent-encoded. Anything
    else (``javascript:``, ``data:``, a protocol-relative ``//host``) is None: show it as text."""
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme:
        if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
            return None
    elif not url.startswith("/") or url.startswith("//") or url.startswith("/\\"):
        return None
    return quote(url, safe="/:?#[]@!$&*+,;=%~-._")


def link(label, url) -> str:
    """A Markdown link to ``url`` labelled ``label`` (both as text); the label alone, as text, when
    ``url`` is not one a reader may follow."""
    target = safe_url(url)
    return f"[{md(label)}]({target})" if target else md(label)


def error_text(err: PCGError) -> str:
    """The error's one line for Markdown: its code as it is, the message (which may quote the bad
    input: an id from a link, a query) as text."""
    line, code = err.one_line(), f"[{err.code}] "
    return code + md(line[len(code):]) if line.startswith(code) else md(line)


@contextlib.contextmanager
def friendly_errors():
    """Show bad input and missing data as messages, never as a traceback."""
    try:
        yield
    except NoGraphError:
        st.error("No graph has been built yet. Run `python -m kg build` (or `make run`), then reload.")
    except PCGError as err:
        st.error(error_text(err))
    except Exception as err:  # noqa: BLE001 — the app must not show tracebacks to users
        log.exception("unexpected error in the app")
        st.error(f"Something went wrong ({type(err).__name__}). The details are in the server log.")
