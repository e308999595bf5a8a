"""Policy Coherence Graph — Streamlit app. Run with ``make run`` (or ``streamlit run app.py``)."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Policy Coherence Graph", page_icon="⚖️", layout="wide")

PAGES = [
    st.Page("ui/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("ui/browse.py", title="Browse the law", icon=":material/menu_book:", url_path="browse"),
    st.Page("ui/obligations.py", title="Who must do what", icon=":material/gavel:", url_path="obligations"),
]

navigation = st.navigation(PAGES)

st.sidebar.caption(
    "Policy Coherence Graph: who must do what under anti-trafficking law, who coordinates, "
    "and where finance is missing."
)
navigation.run()
