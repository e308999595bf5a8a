"""Obligation cards: the sentence with bearer and action highlighted, badges and a provision link."""

from kg.rdf.vocab import NORMATIVE as DEONTIC_NORMATIVE, actor_kind_labels
from ui import common

NORMATIVE = list(DEONTIC_NORMATIVE)
KIND_LABELS = actor_kind_labels()


def highlighted(row) -> str:
    """The sentence with the bearer and the action marked."""
    sentence = row["sentence"]
    marks = []
    for text, css in ((row.get("actor_text"), "bearer"), (row.get("action"), "action")):
        if text and isinstance(text, str):
            pos = sentence.find(text)
            if pos >= 0:
                marks.append((pos, pos + len(text), css))
    out, cursor = [], 0
    for start, end, css in sorted(marks):
        if start < cursor:
            continue
        out.append(common.escape(sentence[cursor:start]))
        out.append(f"<mark class='{css}'>{common.escape(sentence[start:end])}</mark>")
        cursor = end
    out.append(common.escape(sentence[cursor:]))
    return "".join(out)


STYLE = """<style>
mark.bearer {background:#cfe3f5; padding:0 2px; border-radius:3px}
mark.action {background:#fde7c1; padding:0 2px; border-radius:3px}
.ob-card {border:1px solid #e3e3e3; border-radius:6px; padding:0.6rem 0.8rem; margin-bottom:0.5rem}
.badge {display:inline-block; font-size:0.78rem; padding:1px 7px; border-radius:10px; margin-right:4px; color:white}
</style>"""
BADGE = {"obligation": "#1f5f8b", "prohibition": "#b03a2e", "permission": "#2e8b57", "binding": "#555",
         "soft": "#c98a1b"}


def card(row) -> str:
    badges = "".join(
        f"<span class='badge' style='background:{BADGE.get(v, '#777')}'>{common.escape(v)}</span>"
        for v in (row["modality"], row.get("strength")) if isinstance(v, str)
    )
    who = common.escape(f"{row.get('actor_label') or row.get('actor') or 'unknown bearer'}"
                      f" · {KIND_LABELS.get(row.get('actor_kind'), row.get('actor_kind') or '')}")
    link = common.provision_link(row["provision"])
    extra = []
    if row.get("conditions"):
        extra.append("Conditions: " + common.escape("; ".join(row["conditions"])))
    if row.get("beneficiaries"):
        extra.append("For: " + common.escape(", ".join(row["beneficiaries"])))
    if row.get("bearer_source") not in (None, "subject"):
        extra.append(f"Bearer inferred from the {common.escape(str(row['bearer_source']))}")
    return (f"<div class='ob-card'>{badges} <b>{who}</b> — <a href='{link}' target='_self'>"
            f"{common.escape(row['citation'])}</a><br>{highlighted(row)}"
            + (f"<br><small>{' · '.join(extra)}</small>" if extra else "") + "</div>")
