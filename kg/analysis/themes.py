"""Themes of every provision and obligation: what each is about (``ontology/themes.ttl``).

The evidence for a theme: the cosine similarity of the provision's embedding to the theme's
nearest prototype (the theme's definition, or one of the hand-labelled examples in
``kg/themes_data/examples.jsonl``), whether one of the theme's lexical cues (``pcg:cue`` in the
ontology) occurs in its text (an offence sentence counts as a criminalisation cue), and the
provision's vector itself. A logistic regression per theme, trained on the hand-labelled
provisions (the examples and ``kg/themes_data/labels.jsonl``), weighs that evidence; a theme is
assigned from probability ``MODEL_THRESHOLD``. Definitions, purpose, commencement and final
clauses get no theme. Obligations take their provision's themes, plus any theme cued in their own
sentence whose similarity at the provision reaches ``cue_floor``. ``python -m kg eval themes``
cross-validates the models (and the earlier threshold rule, ``Params``, as a baseline).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from kg.config import ONTOLOGY_DIR, THEMES_DATA_DIR, cache_dir
from kg.search.models import VECTOR_WIDTH
from kg.store.builds import ThemeFiles

CLASSIFIER_VERSION = "2.0.0"
EXAMPLES_PATH = THEMES_DATA_DIR / "examples.jsonl"


@dataclass(frozen=True)
class Params:
    threshold: float = 0.775  # a theme by similarity alone: score ≥ threshold …
    margin: float = 0.03  # … and within this of the provision's best theme …
    top_k: int = 1  # … at most this many
    cue_bonus: float = 0.10  # added to a theme's score when one of its cues occurs
    cue_floor: float = 0.45  # a cued theme is also assigned when its similarity reaches this


PARAMS = Params()

# Headings of provisions that carry no policy theme (the annotators' rule: definitions, titles,
# commencement, final provisions).
NO_THEME_HEADING = re.compile(
    r"^\s*(definitions?|use of terms|meaning of|interpretation|general interpretation|commencement|entry into force|short title|extent|"
    r"signature|ratification|accession|reservations?|denunciation|depositary|authentic texts?|languages?|"
    r"repeals?|transposition|addressees|citation|final provisions|settlement of disputes|amendments?|"
    r"statement of purpose|purpose|subject[- ]matter|objectives?|relation with|evaluation and review|"
    r"(?:reporting|review|evaluation)\s*$)\b", re.I)
OFFENCE_THEME = "criminalisation-penalties"


# --- the vocabulary -------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    notation: str
    label: str
    definition: str
    scope_note: str
    cues: tuple[str, ...]

    @property
    def prototype_text(self) -> str:
        """What the definition prototype embeds: label, definition and the scope note's inclusions
        (its exclusions would pull the vector towards what the theme is not)."""
        includes = " ".join(s for s in re.split(r"(?<=\.)\s+", self.scope_note) if s.startswith(("Includes", "Covers")))
        return f"{self.label}: {self.definition} {includes}".strip()

    def cued(self, text: str) -> bool:
        return any(re.search(c, text, re.I) for c in self.cues)


@lru_cache(maxsize=1)
def themes() -> tuple[Theme, ...]:
    """The concepts of ``pcg:ThemeScheme`` in ``ontology/themes.ttl``, in the scheme's order."""
    from pyoxigraph import RdfFormat, parse

    from kg.config import ONTOLOGY_NS
    from kg.rdf.vocab import SKOS

    fields: dict[str, dict] = {}
    top: list[str] = []
    for t in parse(path=str(ONTOLOGY_DIR / "themes.ttl"), format=RdfFormat.TURTLE):
        s, p, o = t.subject.value, t.predicate.value, t.object.value
        if p == SKOS + "hasTopConcept" and s == ONTOLOGY_NS + "ThemeScheme":
            top.append(o)
        key = {SKOS + "notation": "notation", SKOS + "prefLabel": "label", SKOS + "definition": "definition",
               SKOS + "scopeNote": "scope_note", ONTOLOGY_NS + "cue": "cues"}.get(p)
        if key == "cues":
            fields.setdefault(s, {}).setdefault("cues", []).append(o)
        elif key:
            fields.setdefault(s, {})[key] = o
    order = {iri: i for i, iri in enumerate(top)}
    out = [Theme(f["notation"], f["label"], f["definition"], f.get("scope_note", ""), tuple(f.get("cues", ())))
           for iri, f in sorted(fields.items(), key=lambda kv: order.get(kv[0], 99)) if iri in order]
    return tuple(out)


def theme_labels() -> dict[str, str]:
    return {t.notation: t.label for t in themes()}


def examples(path: Path = EXAMPLES_PATH) -> list[dict]:
    """Hand-labelled provisions, one JSON object per line (the few-shot examples by default)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- what is classified ----------------------------------------------------------------------


@dataclass
class Item:
    """One English provision, with its vector (None for an article/section split into paragraphs:
    it is scored from them)."""

    provision: str
    instrument: str
    citation: str
    text: str
    heading: str | None
    parent: str | None
    group: str  # the article/section (or recital) it belongs to
    kind: str  # unit (paragraph-level, as search embeds it), point (below a unit) or container
    no_theme: bool = False
    lead_in: str = ""  # a point: the words of its paragraph before its first point ("The report must include:")


@dataclass
class Corpus:
    items: list[Item]
    vectors: np.ndarray  # one row per item; containers hold the normalised mean of their units
    offences: set[str] = field(default_factory=set)  # provisions holding an offence sentence

    def index(self) -> dict[str, int]:
        return {it.provision: i for i, it in enumerate(self.items)}


def _heading_chain(node, index) -> list[str]:
    out = []
    while node is not None:
        if node.heading:
            out.append(node.heading)
        node = index.get(node.parent) if node.parent else None
    return out


def corpus(parsed_all: list, units: list, obligations: list[dict] | None = None, progress=None) -> Corpus:
    """Items of every English instrument. ``units`` are the search index's paragraph-level units:
    they and the points below them are embedded as "heading: text", without the instrument's name
    and citation that the search index adds (that prefix makes every provision of an instrument
    look alike); cached on disk. An article or section split into paragraphs is the normalised
    mean of its units."""
    from kg.search.text_embeddings import embed_texts

    unit_ids = {u.provision for u in units}
    items, texts = [], []
    for instrument, parsed in parsed_all:
        if instrument.meta.get("language", "en") != "en":
            continue
        index = parsed.by_id()
        first_child: dict[str, object] = {}
        for node in parsed.provisions:
            if node.parent:
                first_child.setdefault(node.parent, node)
        for node in parsed.provisions:
            chain = _heading_chain(node, index)
            parent = index.get(node.parent) if node.parent else None
            group = "/".join(node.id.split("/")[:2])
            item = Item(node.id, instrument.id, node.citation, node.text(parsed.text), chain[0] if chain else None,
                        node.parent if parent is not None and parent.kind == "provision" else None, group, "unit",
                        no_theme=any(NO_THEME_HEADING.match(h) for h in chain))
            if node.id not in unit_ids:
                item.kind = "point" if any(a in unit_ids for a in _ancestors(node.id)) else "container"
            if item.kind == "point" and parent is not None:
                first = first_child.get(parent.id)
                item.lead_in = parsed.text[parent.start:first.start] if first is not None else ""
            items.append(item)
            texts.append(f"{item.heading}: {item.text}" if item.heading else item.text)
    embedded = [i for i, it in enumerate(items) if it.kind != "container"]
    matrix = np.zeros((len(items), VECTOR_WIDTH), dtype=np.float32)
    if embedded:
        matrix[embedded] = embed_texts([texts[i] for i in embedded], progress=progress, cache="themes")
    # every unit listed under each provision that encloses it, in one pass: looking for each
    # container's units among all items took time growing with the square of the corpus
    units_inside: dict[str, list[int]] = {}
    for j, item in enumerate(items):
        if item.kind == "unit":
            for ancestor in _ancestors(item.provision):
                units_inside.setdefault(ancestor, []).append(j)
    for i, item in enumerate(items):  # containers: the mean of the units inside them
        if item.kind == "container":
            inside = units_inside.get(item.provision)
            if inside:
                mean = matrix[inside].mean(axis=0)
                matrix[i] = mean / (np.linalg.norm(mean) or 1.0)
    offences = {o["provision"] for o in obligations or [] if o.get("modality") == "offence"}
    return Corpus(items, matrix, offences)


def _ancestors(provision: str) -> list[str]:
    parts = provision.split("/")
    return ["/".join(parts[:n]) for n in range(2, len(parts))]


# --- scoring -------------------------------------------------------------------------------


@dataclass
class Scores:
    """Raw scores, kept apart from the selection rule so that parameters can be tuned cheaply."""

    corpus: Corpus
    theme_codes: list[str]
    similarity: np.ndarray  # items × themes: cosine to the nearest prototype of the theme
    cues: np.ndarray  # items × themes: 1 where a cue of the theme occurs in the item's own text


def prototypes(corpus_: Corpus) -> tuple[np.ndarray, list[int], list[str]]:
    """Prototype vectors, the theme index of each, and the group (article) each comes from
    (definitions: none). Examples not found in the corpus are skipped."""
    from kg.search.text_embeddings import embed_texts

    scheme = themes()
    codes = [t.notation for t in scheme]
    vectors = list(embed_texts([t.prototype_text for t in scheme], cache="theme-definitions"))
    labels, groups = list(range(len(scheme))), [""] * len(scheme)
    position = corpus_.index()
    for example in examples():
        i = position.get(example["provision"])
        if i is None:
            continue
        for theme in example["themes"]:
            vectors.append(corpus_.vectors[i])
            labels.append(codes.index(theme))
            groups.append(corpus_.items[i].group)
    return np.stack(vectors), labels, groups


def score(corpus_: Corpus, leave_group_out: bool = False) -> Scores:
    """Similarity and cue matrices. ``leave_group_out`` ignores the examples of an item's own
    article (for evaluation, so that an example never votes for itself or its neighbours)."""
    scheme = themes()
    protos, labels, groups = prototypes(corpus_)
    cosine = corpus_.vectors @ protos.T  # items × prototypes
    if leave_group_out:
        item_groups = np.array([it.group for it in corpus_.items])
        same = item_groups[:, None] == np.array(groups)[None, :]
        cosine = np.where(same, -1.0, cosine)
    labels_arr = np.array(labels)
    similarity = np.stack([cosine[:, labels_arr == t].max(axis=1) for t in range(len(scheme))], axis=1)
    cues = np.zeros_like(similarity)
    for i, item in enumerate(corpus_.items):
        if item.kind == "container":
            continue
        own = _own_text(item, corpus_)
        for t, theme in enumerate(scheme):
            if theme.cued(own):
                cues[i, t] = 1.0
        if item.provision in corpus_.offences:
            cues[i, scheme.index(next(th for th in scheme if th.notation == OFFENCE_THEME))] = 1.0
    return Scores(corpus_, [t.notation for t in scheme], similarity, cues)


def _own_text(item: Item, corpus_: Corpus) -> str:
    """What the cues read: the heading, a point's lead-in and the text."""
    return f"{item.heading or ''}\n{item.lead_in}\n{item.text}"


@dataclass
class Assignment:
    target: str  # provision or obligation id
    theme: str
    confidence: float
    method: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def descendants(corpus_: Corpus) -> dict[int, list[int]]:
    """For each article or section split into parts: the units and points inside it that can
    carry a theme."""
    position = corpus_.index()
    out: dict[int, list[int]] = {}
    for i, item in enumerate(corpus_.items):
        if item.kind == "container" or item.no_theme:
            continue
        for ancestor in _ancestors(item.provision):
            j = position.get(ancestor)
            if j is not None and corpus_.items[j].kind == "container":
                out.setdefault(j, []).append(i)
    return out


def leaf_choice(similarity: np.ndarray, cues: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """items × themes: which themes each unit or point gets, and the score behind each."""
    total = similarity + params.cue_bonus * cues
    best = total.max(axis=1, keepdims=True)
    rank = np.argsort(np.argsort(-total, axis=1), axis=1)
    by_similarity = (total >= params.threshold) & (total >= best - params.margin) & (rank < params.top_k)
    by_cue = (cues > 0) & (similarity >= params.cue_floor)
    return by_similarity | by_cue, total


def choice(scores: Scores, params: Params = PARAMS, rows: list[int] | None = None,
           parts: dict[int, list[int]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Chosen themes (bool) and their scores for ``rows`` (default: every item). An article or
    section split into parts gets the union of its parts' themes, each scored by its best part."""
    items = scores.corpus.items
    rows = list(range(len(items))) if rows is None else rows
    parts = descendants(scores.corpus) if parts is None else parts
    needed = sorted(set(rows) | {d for r in rows for d in parts.get(r, [])})
    leaf, total = leaf_choice(scores.similarity[needed], scores.cues[needed], params)
    at = {r: k for k, r in enumerate(needed)}
    chosen = np.zeros((len(rows), leaf.shape[1]), dtype=bool)
    score = np.zeros((len(rows), leaf.shape[1]))
    for n, r in enumerate(rows):
        if items[r].no_theme:
            continue
        inside = [at[d] for d in parts.get(r, [])]
        if inside:
            chosen[n] = leaf[inside].any(axis=0)
            score[n] = np.where(leaf[inside], total[inside], 0).max(axis=0)
        else:
            chosen[n], score[n] = leaf[at[r]], total[at[r]]
    return chosen, score


def obligation_themes(obligations: list[dict], provision_themes: dict[str, list[Assignment]], scores: Scores,
                      params: Params = PARAMS) -> dict[str, list[Assignment]]:
    """An obligation's themes: its provision's, plus themes cued in its own sentence whose
    provision score passes the threshold."""
    scheme = themes()
    position = scores.corpus.index()
    out = {}
    for ob in obligations:
        inherited = {a.theme: a for a in provision_themes.get(ob["provision"], [])}
        chosen = [Assignment(ob["id"], a.theme, a.confidence, "inherited") for a in inherited.values()]
        i = position.get(ob["provision"])
        if i is not None and not scores.corpus.items[i].no_theme:
            for t, theme in enumerate(scheme):
                similarity = float(scores.similarity[i, t])
                if theme.notation not in inherited and theme.cued(ob["sentence"]) and similarity >= params.cue_floor:
                    chosen.append(Assignment(ob["id"], theme.notation,
                                             round(min(1.0, similarity + params.cue_bonus), 3), "cue"))
        out[ob["id"]] = chosen
    return out


# --- the build stage -------------------------------------------------------------------------


@dataclass
class Classification:
    provisions: dict[str, list[Assignment]]
    obligations: dict[str, list[Assignment]]
    corpus: Corpus


# --- the supervised selection rule ---------------------------------------------------------
#
# The threshold rule above (similarity ≥ t, within a margin of the best theme, top k) reaches a
# cross-validated micro-F1 of 0.685 on kg/themes_data/labels.jsonl: one global threshold cannot serve
# seventeen themes whose definitions sit at different distances from the texts. A logistic
# regression per theme over the same evidence (the 17 prototype similarities, the 17 cue flags,
# and the provision's vector) learns a boundary per theme from the labelled provisions and reaches
# 0.75 cross-validated (`python -m kg eval themes`). Features of an article split into parts are
# the best similarity and any cue over its parts, and the mean of their vectors.

MODEL_C = 10.0  # inverse regularisation strength, chosen by cross-validation (0.3 … 10)
MODEL_THRESHOLD = 0.6  # probability from which a theme is assigned
# the hand-labelled provisions (documented in kg/themes_data/README.md); kg eval themes cross-validates on them
LABELS_PATH = THEMES_DATA_DIR / "labels.jsonl"
TRAINING_SETS = (EXAMPLES_PATH, LABELS_PATH)


def classifier_description() -> str:
    """What the graph records of the classifier (the label of its PROV agent, kg.rdf.themes)."""
    return (f"Theme classifier {CLASSIFIER_VERSION}: a logistic regression per theme (C={MODEL_C}, assigned from "
            f"probability {MODEL_THRESHOLD}) over all-MiniLM-L6-v2 similarities to the theme definitions and "
            f"hand-labelled examples, lexical cues and the provision's vector, trained on the hand-labelled "
            f"provisions (kg/themes_data/examples.jsonl, kg/themes_data/labels.jsonl)")


def features(scores: Scores, rows: list[int], parts: dict[int, list[int]]) -> np.ndarray:
    out = []
    for r in rows:
        inside = parts.get(r) or [r]
        out.append(np.concatenate([scores.similarity[inside].max(0), scores.cues[inside].max(0),
                                   scores.corpus.vectors[inside].mean(0)]))
    return np.stack(out) if out else np.zeros((0, 2 * len(scores.theme_codes) + VECTOR_WIDTH))


def labelled_rows(corpus_: Corpus, paths=TRAINING_SETS) -> tuple[list[int], np.ndarray]:
    """Corpus rows of the hand-labelled provisions and their themes (items × themes, 0/1)."""
    codes = [t.notation for t in themes()]
    position, rows, labels, seen = corpus_.index(), [], [], set()
    for path in paths:
        for record in examples(Path(path)) if Path(path).exists() else []:
            i = position.get(record["provision"])
            if i is None or i in seen:
                continue
            seen.add(i)
            rows.append(i)
            labels.append([code in record["themes"] for code in codes])
    return rows, np.array(labels, dtype=int).reshape(len(rows), len(codes))


def fit(scores: Scores, rows: list[int], labels: np.ndarray, parts: dict[int, list[int]]) -> list:
    """One logistic regression per theme (None for a theme no labelled provision has)."""
    from sklearn.linear_model import LogisticRegression

    x = features(scores, rows, parts)
    models = []
    for t in range(labels.shape[1]):
        y = labels[:, t]
        models.append(LogisticRegression(C=MODEL_C, class_weight="balanced", max_iter=2000).fit(x, y)
                      if 0 < y.sum() < len(y) else None)
    return models


def probabilities(models: list, scores: Scores, rows: list[int], parts: dict[int, list[int]]) -> np.ndarray:
    x = features(scores, rows, parts)
    out = np.zeros((len(rows), len(models)))
    for t, model in enumerate(models):
        if model is not None and len(rows):
            out[:, t] = model.predict_proba(x)[:, 1]
    no_theme = np.array([scores.corpus.items[r].no_theme for r in rows], dtype=bool)
    out[no_theme] = 0.0
    return out


def model_select(scores: Scores) -> dict[str, list[Assignment]]:
    """Themes per provision id from the per-theme models trained on every labelled provision."""
    parts = descendants(scores.corpus)
    rows, labels = labelled_rows(scores.corpus)
    models = fit(scores, rows, labels, parts)
    everything = list(range(len(scores.corpus.items)))
    probs = probabilities(models, scores, everything, parts)
    out: dict[str, list[Assignment]] = {}
    for i, item in enumerate(scores.corpus.items):
        picks = sorted(np.flatnonzero(probs[i] >= MODEL_THRESHOLD), key=lambda t: -probs[i, t])
        out[item.provision] = [
            Assignment(item.provision, scores.theme_codes[t], round(float(probs[i, t]), 3),
                       "model+cue" if scores.cues[i, t] else "model")
            for t in picks]
    return out


def cache_key(corpus_: Corpus, obligations: list[dict]) -> str:
    digest = hashlib.sha256(f"{CLASSIFIER_VERSION}|{PARAMS}|{MODEL_C}|{MODEL_THRESHOLD}".encode())
    digest.update((ONTOLOGY_DIR / "themes.ttl").read_bytes())
    for path in TRAINING_SETS:
        digest.update(path.read_bytes() if path.exists() else b"")
    for item in corpus_.items:
        digest.update(f"{item.provision}\0{item.heading}\0{item.text}\0".encode())
    for ob in obligations:
        digest.update(f"{ob['id']}\0{ob['provision']}\0{ob['sentence']}\0{ob['modality']}\0".encode())
    return digest.hexdigest()[:32]


def classify(corpus_: Corpus, obligations: list[dict]) -> Classification:
    """Themes of every provision and obligation, cached on disk by content and classifier version."""
    folder = cache_dir() / "themes"
    path = folder / f"{cache_key(corpus_, obligations)}.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        load = lambda d: {k: [Assignment(**a) for a in v] for k, v in d.items()}  # noqa: E731
        return Classification(load(data["provisions"]), load(data["obligations"]), corpus_)
    scores = score(corpus_, leave_group_out=True)  # as in training: an example never votes for itself
    provisions = model_select(scores)
    result = Classification(provisions, obligation_themes(obligations, provisions, scores), corpus_)
    folder.mkdir(parents=True, exist_ok=True)
    dump = lambda d: {k: [a.as_dict() for a in v] for k, v in d.items()}  # noqa: E731
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"provisions": dump(result.provisions), "obligations": dump(result.obligations)}),
                   encoding="utf-8")
    tmp.replace(path)
    return result


def write_outputs(result: Classification, folder: Path) -> None:
    """Provision vectors and items (for nearest equivalents, ``kg.analysis.coherence``) and every
    provision's themes, beside the search index."""
    folder.mkdir(parents=True, exist_ok=True)
    files = ThemeFiles(folder)
    np.save(files.vectors, result.corpus.vectors)
    files.items.write_text(json.dumps(
        [{"provision": it.provision, "instrument": it.instrument, "citation": it.citation, "kind": it.kind,
          "group": it.group, "heading": it.heading} for it in result.corpus.items], ensure_ascii=False),
        encoding="utf-8")
    files.assignments.write_text(json.dumps(
        {k: [a.as_dict() for a in v] for k, v in result.provisions.items() if v}, ensure_ascii=False),
        encoding="utf-8")
