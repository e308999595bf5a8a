"""Policy Coherence Graph — Streamlit app. Run with ``make run`` (``python -m kg app``); plain
``streamlit run app.py`` works too, but starts loading search only when the first page opens."""

from __future__ import annotations

import streamlit as st

from kg import warm_up

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

warm_up.start()

navigation = st.navigation(PAGES)

st.sidebar.caption(
    "Policy Coherence Graph: who must do what under anti-trafficking law, who coordinates, "
    "and where finance is missing."
)
navigation.run()
