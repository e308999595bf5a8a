"""Ask in plain words: the graph's direct answer first (who must, may or must not do it; what the
term is), one card per instrument the question names, then the provisions that answer, cited, best
first.

The question is kept in the URL (``/ask?q=…``) so a search can be shared. Answers are the law's
own words and the graph's extracted norms and definitions: no generated prose.
"""

import streamlit as st

from ui import common
from ui.cards import BADGE, KIND_LABELS, NORMATIVE, highlighted

EXAMPLES = [
    "Who has to report on forced labour in their supply chains?",
    "Who must criminalise trafficking under the Palermo Protocol and the EU Anti-Trafficking Directive?",
    "What does the CSDDD call a micro, small or medium-sized undertaking that is not part of a large group?",
    "Must victims get help even before they agree to testify?",
    "Can products made with forced labour be sold in the EU?",
    "Who approves and signs a modern slavery statement?",
    "When must a bank report a suspicious transaction to the FIU?",
    "Article 9(5) Palermo",
    "What does 'obliged entity' mean in the AMLR?",
]


MODAL_WORDS = {"obligation": "Must", "permission": "May", "prohibition": "Must not"}


def highlight(text: str, sentence: str | None) -> str:
    escaped = common.escape(text)
    if sentence and sentence in text:
        return escaped.replace(common.escape(sentence), f"<mark>{common.escape(sentence)}</mark>", 1)
    return escaped


def answer_card(rank: int, hit: dict, titles: dict) -> None:
    with st.container(border=True):
        title = titles.get(hit["instrument"], hit["instrument"])
        st.markdown(f"**{rank}. {common.link(hit['citation'], common.provision_link(hit['provision']))}** · "
                    f"{common.md(title)}" + (f" — *{common.md(hit['heading'])}*" if hit.get("heading") else ""))
        st.markdown(f"<div class='answer-text'>{highlight(hit['text'][:1500], hit.get('best_sentence'))}"
                    f"{'…' if len(hit['text']) > 1500 else ''}</div>", unsafe_allow_html=True)
        if hit["obligations"]:
            st.caption("Norms here: " + "; ".join(common.md(
                f"{o['modality']} ({o['strength'] or '–'}) on {o['actor'] or 'unknown'}"
                f" [{KIND_LABELS.get(o['actor_kind'], o['actor_kind'] or '?')}]") for o in hit["obligations"][:4]))
        if hit["related"]:
            st.caption("Related provisions in other instruments: " + " · ".join(
                common.link(r["citation"], common.provision_link(r["provision"])) for r in hit["related"]))
        if hit["also"]:
            st.caption("Also matching in the same article: " + ", ".join(
                common.link(p.split("/", 1)[1], common.provision_link(p)) for p in hit["also"][:6]))


def direct_answer_card(found: dict, titles: dict) -> None:
    """The bearer and what it must do (or the term and its definition), with the provision cited."""
    with st.container(border=True):
        title = titles.get(found["instrument"], found["instrument"])
        st.caption(common.md(title))
        if found["kind"] == "bearer":
            badges = "".join(f"<span class='badge' style='background:{BADGE.get(v, '#777')}'>{common.escape(v)}</span>"
                             for v in (found["modality"], found["strength"]) if v)
            st.markdown(f"<div class='direct-answer'>{common.escape(found['answer'])}</div>{badges}",
                        unsafe_allow_html=True)
            if found.get("actor_label") and found["actor_label"] != found["answer"]:
                kind = KIND_LABELS.get(found["actor_kind"], found["actor_kind"] or "")
                st.caption(common.md(f"{found['actor_label']} · {kind}"))
            if found.get("action"):
                st.markdown(f"**{MODAL_WORDS.get(found['modality'], 'Does')}:** {common.md(found['action'])}")
            for label, values in (("Conditions", found["conditions"]), ("Exceptions", found["exceptions"])):
                if values:
                    st.markdown(f"**{label}:** " + common.md("; ".join(values)))
            evidence = highlighted({"sentence": found["evidence"], "actor_text": found["answer"],
                                    "action": found.get("action")})
        else:
            st.markdown(f"<div class='direct-answer'>{common.escape(found['answer'])}</div>"
                        f"<span class='badge' style='background:#555'>defined term</span>", unsafe_allow_html=True)
            text = found["evidence"]
            evidence = common.escape(text[:700] + ("…" if len(text) > 700 else ""))
        st.markdown(f"<div class='answer-text'>{evidence}</div>", unsafe_allow_html=True)
        st.markdown("Source: " + common.link(found["citation"], common.provision_link(found["provision"])))


def set_example(example: str) -> None:
    st.session_state["question"] = example
    st.query_params["q"] = example


st.title("Ask in plain words")
st.caption("Type a question as you would ask a colleague, or a citation such as “s.54” or “Article 9(5) Palermo”. "
           "The answers are provisions, cited and quoted; nothing is paraphrased.")
st.markdown("<style>.answer-text{white-space:pre-wrap;font-family:Georgia,serif} "
            "mark{background:#fde7c1} mark.bearer{background:#cfe3f5} "
            ".direct-answer{font-size:1.35rem;font-weight:600;margin-bottom:0.2rem} "
            ".badge{display:inline-block;font-size:0.78rem;padding:1px 7px;border-radius:10px;margin-right:4px;"
            "color:white}</style>", unsafe_allow_html=True)

with common.friendly_errors():
    build = common.build_id()
    instruments = common.instruments(build)
    titles = {r["id"]: r["shortTitle"] for r in instruments}
    if "question" not in st.session_state:
        st.session_state["question"] = st.query_params.get("q", "")
    question = st.text_input("Your question", key="question", max_chars=10_000,
                             placeholder="e.g. who must report on forced labour in their supply chains?")
    cols = st.columns(3)
    for i, example in enumerate(EXAMPLES):
        cols[i % 3].button(example, key=f"ex{i}", type="tertiary", on_click=set_example, args=(example,))
    with st.expander("Filters"):
        f1, f2 = st.columns(2)
        chosen_instruments = f1.multiselect("Instrument", list(titles), format_func=lambda i: titles[i])
        chosen_jurisdictions = f2.multiselect("Jurisdiction", sorted({r["jurisdiction"] for r in instruments}))
        f3, f4 = st.columns(2)
        chosen_kinds = f3.multiselect("Norms on actor kind", list(KIND_LABELS), format_func=KIND_LABELS.get)
        chosen_modalities = f4.multiselect("Kind of norm", NORMATIVE)
        k = st.slider("Answers", 3, 20, 10)

    if question.strip() or question:
        st.query_params["q"] = question
        from kg.api import ask

        with st.spinner("Searching the law… (the first question also loads the language model)"):
            result = ask(question, k=k, instruments=chosen_instruments or None,
                         jurisdictions=chosen_jurisdictions or None, actor_kinds=chosen_kinds or None,
                         modalities=chosen_modalities or None)
        for note in result.notes:
            st.info(common.md(note))  # a note may quote the question
        if result.answers:
            st.subheader("The answer the graph holds" + (" in each instrument" if len(result.answers) > 1 else ""))
            for column, found in zip(st.columns(len(result.answers)), result.answers):
                with column:
                    direct_answer_card(found.as_dict(), titles)
            st.subheader("Provisions that answer, best first")
        if not result.hits:
            st.warning("No provision matches. Try other words, or remove filters.")
        for rank, hit in enumerate(result.hits, start=1):
            answer_card(rank, hit.as_dict(), titles)
