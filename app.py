"""Policy Coherence Graph — Streamlit app. Run with ``make run`` (or ``streamlit run app.py``)."""

from __future__ import annotations

import threading

import streamlit as st

st.set_page_config(page_title="Policy Coherence Graph", page_icon="⚖️", layout="wide")

PAGES = [
    st.Page("ui/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("ui/browse.py", title="Browse the law", icon=":material/menu_book:", url_path="browse"),
    st.Page("ui/obligations.py", title="Who must do what", icon=":material/gavel:", url_path="obligations"),
    st.Page("ui/ask.py", title="Ask", icon=":material/search:", url_path="ask"),
    st.Page("ui/gaps.py", title="Coordination gaps", icon=":material/hub:", url_path="gaps"),
    st.Page("ui/coherence.py", title="Coherence", icon=":material/balance:", url_path="coherence"),
    st.Page("ui/sparql.py", title="SPARQL", icon=":material/terminal:", url_path="sparql"),
]


@st.cache_resource(show_spinner=False)
def warm_up_search() -> threading.Thread:
    """Load the language model and the search index in the background as the app starts, so the
    first question is answered quickly."""

    def load() -> None:
        try:
            from kg.search import current_index
            from kg.embeddings import embed_query

            embed_query("warm up", current_index().encoder)
        except Exception:  # noqa: BLE001 — no graph yet: the pages say so
            pass

    thread = threading.Thread(target=load, name="pcg-warm-up", daemon=True)
    thread.start()
    return thread


warm_up_search()

navigation = st.navigation(PAGES)

st.sidebar.caption(
    "Policy Coherence Graph: who must do what under anti-trafficking law, who coordinates, "
    "and where finance is missing."
)
navigation.run()
