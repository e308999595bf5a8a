"""Policy Coherence Graph — Streamlit app. Run with ``make run`` (``python -m kg app``); plain
``streamlit run app.py`` works too, but starts loading search only when the first page opens."""

from __future__ import annotations

import streamlit as st

from kg import warm_up

st.set_page_config(page_title="Policy Coherence Graph", page_icon="⚖️", layout="wide")

PAGES = [
    st.Page("ui/overview.py", title="Overview", icon=":material/dashboard:", url_path="home", default=True),
    st.Page("ui/browse.py", title="Browse the law", icon=":material/menu_book:", url_path="browse"),
    st.Page("ui/obligations.py", title="Who must do what", icon=":material/gavel:", url_path="obligations"),
    st.Page("ui/ask.py", title="Ask", icon=":material/search:", url_path="ask"),
    st.Page("ui/gaps.py", title="Coordination gaps", icon=":material/hub:", url_path="gaps"),
    st.Page("ui/coherence.py", title="Coherence", icon=":material/balance:", url_path="coherence"),
    st.Page("ui/sparql.py", title="SPARQL", icon=":material/terminal:", url_path="sparql"),
]

# The default page is served at "/", whatever its url_path; its own path must open it too, so a link
# or a bookmark to /overview does not land on "Page not found". The aliases are routed, not listed.
ALIASES = [st.Page("ui/overview.py", title="Overview", url_path="overview")]

warm_up.start()

navigation = st.navigation(PAGES + ALIASES, position="hidden")
for page in PAGES:
    st.sidebar.page_link(page)

st.sidebar.caption(
    "Policy Coherence Graph: who must do what under anti-trafficking law, who coordinates, "
    "and where finance is missing."
)
navigation.run()
