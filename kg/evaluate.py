"""Evaluation against hand-labelled gold sets (``python -m kg eval …``): obligations and search in
``tests/gold/``; themes on the labelled provisions the classifier is trained on, package data in
``kg/themes_data/labels.jsonl``, cross-validated."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kg.config import REPO_ROOT

GOLD_DIR = REPO_ROOT / "tests" / "gold"


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                from kg.errors import MetadataError

                raise MetadataError(f"invalid JSON: {err.msg}", path=path, line=no) from None
    return rows


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


ORIGINAL_BATCH = "original"  # gold rows without a "batch" field: the first labelled set (443 sentences)


@dataclass
class ObligationScores:
    n: int
    per_class: dict[str, tuple[float, float, float, int]]
    modality_micro_f1: float
    modality_macro_f1: float
    strength_accuracy: float
    strength_n: int
    bearer_accuracy: float
    bearer_n: int


@dataclass
class ObligationEval(ObligationScores):
    misses: list[dict] = field(default_factory=list)
    per_instrument: dict[str, ObligationScores] = field(default_factory=dict)
    per_batch: dict[str, ObligationScores] = field(default_factory=dict)

    def as_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k not in ("per_instrument", "per_batch")}
        out["per_instrument"] = {k: vars(v) for k, v in self.per_instrument.items()}
        out["per_batch"] = {k: vars(v) for k, v in self.per_batch.items()}
        return out


def _match(gold: dict, by_instrument: dict, texts: dict) -> dict | None:
    """The extracted record whose sentence overlaps the gold sentence most (same provision family)."""
    instrument = gold["provision"].split("/")[0]
    text = texts[instrument]
    spans, pos = [], text.find(gold["sentence"])
    while pos >= 0:
        spans.append((pos, pos + len(gold["sentence"])))
        pos = text.find(gold["sentence"], pos + 1)
    best, best_score = None, 0.0
    for record in by_instrument.get(instrument, []):
        related = record["provision"] == gold["provision"] or record["provision"].startswith(gold["provision"] + "/") \
            or gold["provision"].startswith(record["provision"] + "/")
        for start, end in spans:
            overlap = min(end, record["end"]) - max(start, record["start"])
            if overlap <= 0:
                continue
            score = overlap / max(end - start, record["end"] - record["start"]) + (1.0 if related else 0.0)
            if score > best_score:
                best, best_score = record, score
    return best


@dataclass
class _Outcome:
    gold: str  # modality
    predicted: str
    strength_ok: bool | None  # None: not scored
    bearer_ok: bool | None


def _scores(outcomes: list[_Outcome]) -> ObligationScores:
    from ingest.obligations.deontic import MODALITIES

    confusion = Counter((o.gold, o.predicted) for o in outcomes)
    per_class, f1s = {}, []
    for label in [m for m in MODALITIES if any(k[0] == m or k[1] == m for k in confusion)]:
        tp = confusion[(label, label)]
        fp = sum(v for (g, p), v in confusion.items() if p == label and g != label)
        fn = sum(v for (g, p), v in confusion.items() if g == label and p != label)
        p, r, f = prf(tp, fp, fn)
        per_class[label] = (p, r, f, tp + fn)
        f1s.append(f)
    strength = [o.strength_ok for o in outcomes if o.strength_ok is not None]
    bearer = [o.bearer_ok for o in outcomes if o.bearer_ok is not None]
    return ObligationScores(
        n=len(outcomes), per_class=per_class,
        modality_micro_f1=sum(o.gold == o.predicted for o in outcomes) / len(outcomes) if outcomes else 0.0,
        modality_macro_f1=sum(f1s) / len(f1s) if f1s else 0.0,
        strength_accuracy=sum(strength) / len(strength) if strength else 0.0, strength_n=len(strength),
        bearer_accuracy=sum(bearer) / len(bearer) if bearer else 0.0, bearer_n=len(bearer),
    )


def evaluate_obligations(gold_path: Path = GOLD_DIR / "obligations.jsonl") -> ObligationEval:
    """Modality, strength and bearer against the gold sentences: over all of them, per instrument and
    per labelling batch (so a new batch shows whether the earlier figures held)."""
    from ingest.catalogue import get_instrument
    from ingest.obligations.deontic import NORMATIVE
    from ingest.obligations.extract import extract_instrument

    gold = read_jsonl(gold_path)
    instruments = sorted({g["provision"].split("/")[0] for g in gold})
    by_instrument, texts = {}, {}
    for iid in instruments:
        parsed = get_instrument(iid).parse()
        texts[iid] = parsed.text
        by_instrument[iid] = [o.as_dict() for o in extract_instrument(parsed)[0]]

    outcomes: list[tuple[dict, _Outcome]] = []
    misses = []
    for g in gold:
        record = _match(g, by_instrument, texts)
        predicted = record["modality"] if record else "none"
        problems = []
        if predicted != g["modality"]:
            problems.append(f"modality {predicted} ≠ {g['modality']}")
        strength_ok = bearer_ok = None
        if g["modality"] in NORMATIVE and predicted in NORMATIVE and g.get("strength"):
            strength_ok = record["strength"] == g["strength"]
            if not strength_ok:
                problems.append(f"strength {record['strength']} ≠ {g['strength']}")
        if g.get("bearer") and g["modality"] in NORMATIVE:
            got = record["actor"] if record else None
            bearer_ok = got == g["bearer"]
            if not bearer_ok:
                problems.append(f"bearer {got} ≠ {g['bearer']}")
        outcomes.append((g, _Outcome(g["modality"], predicted, strength_ok, bearer_ok)))
        if problems:
            misses.append({"provision": g["provision"], "sentence": g["sentence"][:160], "problems": problems,
                           "actor_text": record["actor_text"] if record else None})

    def grouped(key) -> dict[str, ObligationScores]:
        groups: dict[str, list[_Outcome]] = {}
        for g, outcome in outcomes:
            groups.setdefault(key(g), []).append(outcome)
        return {name: _scores(rows) for name, rows in sorted(groups.items())}

    overall = _scores([o for _, o in outcomes])
    return ObligationEval(**vars(overall), misses=misses,
                          per_instrument=grouped(lambda g: g["provision"].split("/")[0]),
                          per_batch=grouped(lambda g: g.get("batch", ORIGINAL_BATCH)))


def format_obligation_eval(result: ObligationEval, show_misses: int = 40) -> str:
    lines = [f"Obligation extraction on {result.n} hand-labelled sentences (tests/gold/obligations.jsonl)", "",
             f"{'modality':12} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}"]
    for label, (p, r, f, support) in result.per_class.items():
        lines.append(f"{label:12} {p:>9.3f} {r:>7.3f} {f:>6.3f} {support:>8}")
    lines += [
        "",
        f"modality micro-F1 (= accuracy)  {result.modality_micro_f1:.3f}",
        f"modality macro-F1               {result.modality_macro_f1:.3f}",
        f"strength accuracy               {result.strength_accuracy:.3f}  (n={result.strength_n}, normative both ways)",
        f"bearer accuracy                 {result.bearer_accuracy:.3f}  (n={result.bearer_n}, gold bearer named)",
        "", f"{'by instrument / labelling batch':42} {'n':>4} {'macro-F1':>8} {'micro-F1':>8} {'strength':>8} "
            f"{'bearer':>7} {'(n)':>5}",
    ]
    for name, scores in [*result.per_instrument.items(), *((f"batch: {k}", v) for k, v in result.per_batch.items())]:
        lines.append(f"{name:42} {scores.n:>4} {scores.modality_macro_f1:>8.3f} {scores.modality_micro_f1:>8.3f} "
                     f"{scores.strength_accuracy:>8.3f} {scores.bearer_accuracy:>7.3f} {scores.bearer_n:>5}")
    lines += ["", f"misses ({len(result.misses)}):"]
    for miss in result.misses[:show_misses]:
        lines.append(f"  {miss['provision']}: {'; '.join(miss['problems'])} | {miss['sentence'][:100]!r}")
    if len(result.misses) > show_misses:
        lines.append(f"  … {len(result.misses) - show_misses} more (use --all)")
    return "\n".join(lines)


def _is_hit(returned: str, gold: list[str]) -> bool:
    return any(returned == g or returned.startswith(g + "/") for g in gold)


# The question sets `kg eval search` reports, each judged on its own. Settings (weights, budgets, the
# training recipe) are chosen on "dev" only; "test" is the frozen part of the same questions and
# "blind" a set written from the law texts alone by an annotator who saw no code and no question
# (tests/gold/blind_README.md); both are for reporting, never for choosing.
SEARCH_SETS = ("dev", "test", "blind")
RANK_CUTOFFS = (1, 5, 10)
NDCG_AT = 10


def search_questions(which: str) -> list[dict]:
    """The questions of one evaluation set, each with its gold provisions, instrument and (blind set) kind."""
    if which == "blind":
        return read_jsonl(GOLD_DIR / "blind_questions.jsonl")
    return [q for q in read_jsonl(GOLD_DIR / "questions.jsonl") if q["split"] == which]


@dataclass
class _Ranked:
    """Where the gold provisions of one question fell in the returned list."""
    first: int | None  # rank of the first returned provision inside a gold one
    gains: list[int]  # per returned rank (to NDCG_AT): 1 where it reaches a gold provision not reached above
    ideal: int  # how many gold provisions a perfect list could reach in NDCG_AT


def _ranked(returned: list[str], gold: list[str]) -> _Ranked:
    first, reached, gains = None, set(), []
    for rank, provision in enumerate(returned, start=1):
        matched = [g for g in gold if _is_hit(provision, [g])]
        if matched and first is None:
            first = rank
        if rank <= NDCG_AT:
            new = [g for g in matched if g not in reached]
            gains.append(1 if new else 0)
            reached.update(matched)
    return _Ranked(first, gains, min(len(gold), NDCG_AT))


def _rank_scores(ranked: list[_Ranked]) -> dict:
    """hit@k, MRR and nDCG@10 (binary gains: a returned provision counts once per gold provision it
    reaches, so two paragraphs of one gold article do not both score)."""
    n = len(ranked)
    if not n:
        return {"questions": 0, **{f"hit@{k}": 0.0 for k in RANK_CUTOFFS}, "mrr": 0.0, f"ndcg@{NDCG_AT}": 0.0}

    def ndcg(r: _Ranked) -> float:
        dcg = sum(g / np.log2(i + 2) for i, g in enumerate(r.gains))
        return dcg / sum(1 / np.log2(i + 2) for i in range(r.ideal)) if r.ideal else 0.0

    return {"questions": n,
            **{f"hit@{k}": round(sum(r.first is not None and r.first <= k for r in ranked) / n, 3) for k in RANK_CUTOFFS},
            "mrr": round(sum(1 / r.first for r in ranked if r.first) / n, 3),
            f"ndcg@{NDCG_AT}": round(sum(ndcg(r) for r in ranked) / n, 3)}


def evaluate_search(sets: tuple[str, ...] = SEARCH_SETS, k: int = 10, compare_stock: bool = False,
                    modes: tuple[str, ...] = ("dense", "lexical", "hybrid")) -> dict:
    """Per question set: hit@1/5/10, MRR and nDCG@10 for each retrieval mode, and for hybrid
    retrieval per instrument (the question's own) and per kind of question (blind set) or labelling
    batch (gold questions); hybrid without its second stage too (kg.search.late_interaction); with
    ``compare_stock``, dense and hybrid with the stock model too."""
    from kg.search.answering import search
    from kg.search.ranking import current_index

    index = current_index()
    runs = [(mode, mode, index) for mode in modes]
    if "hybrid" in modes and index.late_encoder is not None:
        runs.append(("hybrid, first stage", "hybrid", index.first_stage()))
    if compare_stock:
        stock = index.with_stock_encoder()
        runs += [(f"{mode}, stock model", mode, stock) for mode in ("dense", "hybrid") if mode in modes]
    report = {}
    for which in sets:
        questions = search_questions(which)
        table = {}
        for name, mode, searched in runs:
            ranked, misses = [], []
            for q in questions:
                hits, _ = search(q["question"], k=k, mode=mode, with_related=False, index=searched)
                result = _ranked([h.provision for h in hits], q["provisions"])
                ranked.append(result)
                if result.first is None or result.first > 5:
                    misses.append({"question": q["question"], "gold": q["provisions"], "rank": result.first,
                                   "got": [h.provision for h in hits[:3]]})
            groups: dict[str, list[_Ranked]] = {}
            for q, result in zip(questions, ranked):
                groups.setdefault(f"instrument: {q['instrument']}", []).append(result)
                groups.setdefault(f"kind: {q['kind']}" if "kind" in q else f"batch: {q.get('batch', ORIGINAL_BATCH)}",
                                  []).append(result)
            table[name] = {**_rank_scores(ranked), "misses": misses,
                           "groups": {g: _rank_scores(v) for g, v in sorted(groups.items())}}
        report[which] = table
    return report


def format_search_eval(report: dict, show_misses: bool = True) -> str:
    metrics = [f"hit@{k}" for k in RANK_CUTOFFS] + ["mrr", f"ndcg@{NDCG_AT}"]
    header = " ".join(f"{m:>7}" for m in metrics)
    lines = []
    for which, table in report.items():
        n = next(iter(table.values()))["questions"]
        source = "blind_questions.jsonl" if which == "blind" else f"questions.jsonl, split {which!r}"
        lines += [f"Search, {which} set: {n} questions (tests/gold/{source})", "", f"{'mode':22} {header}"]
        for mode, row in table.items():
            lines.append(f"{mode:22} " + " ".join(f"{row[m]:>7.3f}" for m in metrics))
        lines += ["", f"{'hybrid, by instrument and ' + ('kind' if which == 'blind' else 'batch'):54} {'n':>4} {header}"]
        for group, row in table["hybrid"]["groups"].items():
            lines.append(f"{group[:54]:54} {row['questions']:>4} " + " ".join(f"{row[m]:>7.3f}" for m in metrics))
        if show_misses:
            lines += ["", f"hybrid misses on the {which} set (not in the top 5):"]
            for miss in table["hybrid"]["misses"]:
                lines.append(f"  {miss['question'][:90]!r} gold={miss['gold']} rank={miss['rank']} got={miss['got']}")
        lines.append("")
    return "\n".join(lines).rstrip()



# --- themes ------------------------------------------------------------------------------------

THEME_GRID = {
    "threshold": [round(0.40 + 0.025 * i, 3) for i in range(19)],
    "margin": [0.03, 0.05, 0.10, 0.15, 1.0],
    "top_k": [1, 2, 3],
    "cue_bonus": [0.0, 0.10, 0.20],
    "cue_floor": [0.25, 0.30, 0.35, 0.40, 0.45, 1.0],
}
FOLDS = 5


@dataclass
class ThemeEval:
    n: int  # gold provisions evaluated
    excluded_examples: int  # gold provisions that are also few-shot examples (left out)
    missing: list[str]  # gold provisions not in the corpus
    params: dict
    per_theme: dict[str, tuple[float, float, float, int]]  # precision, recall, F1, support
    micro_f1: float
    macro_f1: float
    cv_micro_f1: float
    cv_macro_f1: float
    cv_per_theme: dict[str, tuple[float, float, float, int]]
    cv_params: list[dict]  # what each fold's tuning chose
    tuned_params: dict  # the best parameters on the whole gold set (in-sample)
    tuned_micro_f1: float
    errors: list[dict] = field(default_factory=list)
    per_batch: dict = field(default_factory=dict)  # labelling batch → n, micro-F1, macro-F1 (cross-validated)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _theme_metrics(gold: np.ndarray, predicted: np.ndarray, codes: list[str]):
    """Per-theme precision/recall/F1/support, micro-F1 and macro-F1 (themes with gold support)."""
    tp = (gold & predicted).sum(axis=0)
    fp = (~gold & predicted).sum(axis=0)
    fn = (gold & ~predicted).sum(axis=0)
    per_theme = {code: (*prf(int(tp[t]), int(fp[t]), int(fn[t])), int(tp[t] + fn[t])) for t, code in enumerate(codes)}
    f1s = [v[2] for v in per_theme.values() if v[3]]
    return per_theme, prf(int(tp.sum()), int(fp.sum()), int(fn.sum()))[2], (sum(f1s) / len(f1s) if f1s else 0.0)


def _grid():
    from itertools import product

    from kg.analysis.themes import Params

    for values in product(*THEME_GRID.values()):
        yield Params(**dict(zip(THEME_GRID, values)))


def _tune(predictions: list, gold: np.ndarray, codes, subset: list[int]):
    """The grid point with the best micro-F1 on ``subset`` of the gold rows (ties: the earlier,
    i.e. stricter, grid point)."""
    best, best_f1 = None, -1.0
    for params, predicted in predictions:
        f1 = _theme_metrics(gold[subset], predicted[subset], codes)[1]
        if f1 > best_f1 + 1e-9:
            best, best_f1 = params, f1
    return best, best_f1


def evaluate_themes(gold_path: Path | None = None, folds: int = FOLDS, tune: bool = True) -> ThemeEval:
    """Micro/macro F1 of the theme classifier on the hand-labelled provisions it is trained on
    (``kg/themes_data/labels.jsonl`` unless ``gold_path`` says otherwise) by ``folds``-fold
    cross-validation: the per-theme models are trained on the few-shot examples and the other
    folds, and score the held-out fold (the shipped models are trained on all of them, so an
    in-sample figure would say nothing). Gold provisions that are also few-shot examples are left
    out, and the examples of a provision's own article are ignored when it is scored. With
    ``tune``, the earlier threshold rule is cross-validated too, as a baseline."""
    import random

    from kg.analysis import themes
    from kg.build.theme_inputs import from_sources

    gold_path = gold_path or themes.LABELS_PATH
    corpus_, _ = from_sources()
    scores = themes.score(corpus_, leave_group_out=True)
    codes = scores.theme_codes
    position = corpus_.index()
    example_ids = {e["provision"] for e in themes.examples()}
    rows = read_jsonl(gold_path)
    excluded = [g for g in rows if g["provision"] in example_ids]
    missing = [g["provision"] for g in rows if g["provision"] not in example_ids and g["provision"] not in position]
    gold_rows = [g for g in rows if g["provision"] not in example_ids and g["provision"] in position]
    index = [position[g["provision"]] for g in gold_rows]
    gold = np.array([[c in g["themes"] for c in codes] for g in gold_rows], dtype=bool)
    parts = themes.descendants(corpus_)
    example_rows, example_labels = themes.labelled_rows(corpus_, (themes.EXAMPLES_PATH,))

    order = list(range(len(gold_rows)))
    random.Random(7).shuffle(order)
    held_out = [order[k::folds] for k in range(folds)]
    predicted = np.zeros_like(gold)
    for held in held_out:
        train = [i for i in order if i not in set(held)]
        models = themes.fit(scores, example_rows + [index[i] for i in train],
                            np.concatenate([example_labels, gold[train].astype(int)]), parts)
        probs = themes.probabilities(models, scores, [index[i] for i in held], parts)
        predicted[held] = probs >= themes.MODEL_THRESHOLD
    per_theme, micro, macro = _theme_metrics(gold, predicted, codes)
    per_batch = {}
    for batch in sorted({g.get("batch", ORIGINAL_BATCH) for g in gold_rows}):
        mask = np.array([g.get("batch", ORIGINAL_BATCH) == batch for g in gold_rows])
        _, batch_micro, batch_macro = _theme_metrics(gold[mask], predicted[mask], codes)
        per_batch[batch] = {"n": int(mask.sum()), "micro_f1": batch_micro, "macro_f1": batch_macro}
    errors = [{"provision": g["provision"], "gold": sorted(g["themes"]),
               "predicted": [codes[t] for t in np.flatnonzero(p)]}
              for g, gs, p in zip(gold_rows, gold, predicted) if (gs != p).any()]

    baseline = np.zeros_like(gold)
    cv_params = []
    if tune:
        predictions = [(params, themes.choice(scores, params, index, parts)[0]) for params in _grid()]
        for held in held_out:
            train = [i for i in order if i not in set(held)]
            params, _ = _tune(predictions, gold, codes, train)
            cv_params.append(params.__dict__)
            baseline[held] = dict((id(p), m) for p, m in predictions)[id(params)][held]
    cv_per_theme, cv_micro, cv_macro = _theme_metrics(gold, baseline, codes) if tune else ({}, 0.0, 0.0)
    return ThemeEval(
        n=len(gold_rows), excluded_examples=len(excluded), missing=missing,
        params={"C": themes.MODEL_C, "threshold": themes.MODEL_THRESHOLD},
        per_theme=per_theme, micro_f1=micro, macro_f1=macro, cv_micro_f1=cv_micro, cv_macro_f1=cv_macro,
        cv_per_theme=cv_per_theme, cv_params=cv_params, tuned_params={}, tuned_micro_f1=0.0, errors=errors,
        per_batch=per_batch)


def format_theme_eval(result: ThemeEval, show_errors: int = 30) -> str:
    lines = [f"Theme classification on {result.n} hand-labelled provisions (kg/themes_data/labels.jsonl; "
             f"{result.excluded_examples} left out because they are also few-shot examples"
             + (f"; {len(result.missing)} not in the corpus" if result.missing else "") + ")",
             f"per-theme logistic regression {result.params}, {FOLDS}-fold cross-validated "
             f"(trained on the examples and the other folds, scored on the held-out fold)", "",
             f"{'theme':34} {'P':>6} {'R':>6} {'F1':>6} {'rule F1':>8} {'support':>8}"]
    for code, (p, r, f, support) in result.per_theme.items():
        rule = result.cv_per_theme.get(code, (0, 0, 0, 0))[2]
        lines.append(f"{code:34} {p:>6.3f} {r:>6.3f} {f:>6.3f} {rule:>8.3f} {support:>8}")
    lines += ["",
              f"micro-F1  {result.micro_f1:.3f}   (threshold-rule baseline, cross-validated: {result.cv_micro_f1:.3f})",
              f"macro-F1  {result.macro_f1:.3f}   (threshold-rule baseline, cross-validated: {result.cv_macro_f1:.3f})",
              ""]
    for batch, row in result.per_batch.items():
        lines.append(f"batch {batch:24} n={row['n']:>4}  micro-F1 {row['micro_f1']:.3f}  macro-F1 {row['macro_f1']:.3f}")
    if result.missing:
        lines.append("not in the corpus: " + ", ".join(result.missing))
    lines += ["", f"provisions with a difference ({len(result.errors)}):"]
    for e in result.errors[:show_errors]:
        lines.append(f"  {e['provision']}: gold {e['gold']} predicted {e['predicted']}")
    if len(result.errors) > show_errors:
        lines.append(f"  … {len(result.errors) - show_errors} more (use --all)")
    return "\n".join(lines)


# --- direct answers (kg eval answers) ----------------------------------------------------------
# Kept apart from the search evaluation above: a different gold set and a different question
# ("is the bearer or the term right?", not "is the provision ranked?").

DIRECT_ANSWERS_GOLD = GOLD_DIR / "direct_answers.jsonl"  # blind test set: nothing is tuned on it
DIRECT_ANSWERS_DEV = GOLD_DIR / "direct_answers_dev.jsonl"  # written for development
# a second blind set, by another annotator who saw only the law texts, measured once its first run
DIRECT_ANSWERS_BLIND2 = GOLD_DIR / "direct_answers_blind2.jsonl"
DIRECT_ANSWER_SETS = {"dev": DIRECT_ANSWERS_DEV, "blind": DIRECT_ANSWERS_GOLD, "blind2": DIRECT_ANSWERS_BLIND2}


def answer_matches(gold: dict, given: dict | None) -> bool:
    """A direct answer is right when it is of the gold type and the gold answer, or one of its
    ``also_accept`` forms, equals or appears as whole words in what was given (the bearer as written
    or the actor's label; the defined term), both compared in lower case without articles or plural
    endings: "the Minister" matches "Minister", "commercial organisations" matches "a commercial
    organisation", and "Member States" matches "each Member State"."""
    from kg.search.direct_answers import names

    if given is None or given["kind"] != gold["type"]:
        return False
    said = [given["answer"]] + ([given["actor_label"]] if given.get("actor_label") else [])
    return any(names(expected, text) for expected in [gold["answer"], *gold.get("also_accept", [])] for text in said)


def _accuracy(outcomes: list[bool]) -> dict:
    return {"questions": len(outcomes), "right": sum(outcomes),
            "accuracy": round(sum(outcomes) / len(outcomes), 3) if outcomes else 0.0}


def evaluate_answers(ask, gold_path: Path = DIRECT_ANSWERS_GOLD) -> dict:
    """Accuracy of the direct answer (bearer or defined term) on each gold question, overall, by type
    and by instrument, with the misses. A question spanning instruments has one gold row per
    instrument; each is scored on the answer given for its instrument.

    ``ask`` is kg.api.ask, handed in by the caller: kg.api stands in this module's layer, and
    importing it from here would lift the import chain under kg.cli a floor too high."""
    rows = read_jsonl(gold_path)
    outcomes, misses, by_type, by_instrument, unanswered, cited = [], [], {}, {}, 0, 0
    results: dict[str, object] = {}
    for gold in rows:
        if gold["question"] not in results:
            results[gold["question"]] = ask(gold["question"], k=10, with_related=False)
        result = results[gold["question"]]
        given = next((a for a in result.answers if a.instrument == gold["instrument"]),
                     result.answers[0] if result.answers else None)
        given_row = given.as_dict() if given else None
        right = answer_matches(gold, given_row)
        unanswered += given is None
        cited += right and any(_is_hit(given.provision, [p]) or _is_hit(p, [given.provision]) for p in gold["provisions"])
        outcomes.append(right)
        by_type.setdefault(gold["type"], []).append(right)
        by_instrument.setdefault(gold["instrument"], []).append(right)
        if not right:
            misses.append({"question": gold["question"], "type": gold["type"], "gold": gold["answer"],
                           "gold_provisions": gold["provisions"],
                           "asked": result.asked.wording if result.asked else None,
                           "got": given_row and {k: given_row[k] for k in ("answer", "actor_label", "provision", "score")}})
    return {"gold": str(gold_path.relative_to(GOLD_DIR.parent.parent)) if gold_path.is_relative_to(GOLD_DIR.parent.parent)
            else str(gold_path), **_accuracy(outcomes), "unanswered": unanswered,
            # stricter: right, and from one of the gold provisions (or a provision inside or around one)
            "right_with_gold_provision": cited,
            "by_type": {t: _accuracy(v) for t, v in sorted(by_type.items())},
            "by_instrument": {i: _accuracy(v) for i, v in sorted(by_instrument.items())}, "misses": misses}


def format_answer_eval(table: dict, show_misses: int = 40) -> str:
    lines = [f"Direct answers on {table['questions']} questions ({table['gold']}): accuracy {table['accuracy']:.3f} "
             f"({table['right']} right, {table['right_with_gold_provision']} of them citing a gold provision; "
             f"{table['unanswered']} without an answer)", "",
             f"{'by type / instrument':42} {'n':>4} {'right':>6} {'accuracy':>9}"]
    for group in ("by_type", "by_instrument"):
        for name, row in table[group].items():
            lines.append(f"{name:42} {row['questions']:>4} {row['right']:>6} {row['accuracy']:>9.3f}")
        lines.append("")
    lines.append(f"misses ({len(table['misses'])}):")
    for miss in table["misses"][:show_misses]:
        got = miss["got"]
        said = f"{got['answer']!r} ({got['actor_label'] or '-'}) at {got['provision']}, score {got['score']}" if got \
            else "no answer"
        lines.append(f"  [{miss['type']}] {miss['question'][:100]!r}\n      gold {miss['gold']!r} at "
                     f"{', '.join(miss['gold_provisions'])}; asked as {miss['asked']!r}; got {said}")
    if len(table["misses"]) > show_misses:
        lines.append(f"  … {len(table['misses']) - show_misses} more (use --all)")
    return "\n".join(lines)
