"""Direct answers from the graph: who must, may or must not do something, or what a term is.

A question is read for what it asks (:func:`classify`): a bearer ("who must …", "which authority may
…", "who is prohibited from …") or a defined term ("what does the Act call …", "what is meant by
'obliged entity'"). Search (kg.search.answering) finds the provisions; among their extracted norms of
the asked kind (kg.store.read.obligations) or their definitions (kg.search.definitions), the one
that fits the question best is the answer: close to the top of the ranking, sharing the question's
words, and near it in the search encoder's space. A question that names several instruments ("in the
UN Protocol and the EU Directive") gets one answer per instrument it names. Below a confidence floor
there is no answer, only the ranked provisions: the graph's own words or nothing, never a guess.

Every weight and the floor were chosen on tests/gold/direct_answers_dev.jsonl, questions written for
that from the law texts; tests/gold/direct_answers.jsonl is a blind test set, never tuned on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from kg.caching import loaded_once
from kg.search.definitions import definitions
from kg.search.query_scope import question_scope
from kg.search.question_embedding import question_model
from kg.search.ranking import current_index, ise_spelling, strip_suffix, tokens
from kg.store import read

# Provisions read for candidates: the answer is usually in the first few, and further down the
# ranking drifts to neighbouring topics whose norms only add noise.
CANDIDATE_HITS = 20
DENSE_CANDIDATES = 12  # candidates embedded on the fly (about 10 ms each for a short text)
DENSE_WORD_PIECES = 48  # enough for an action or the opening of a definition
# Weights of the three signals (retrieval rank, shared words, encoder similarity); chosen on the
# development set (see the module docstring), as are the adjustments and the floor below.
W_PRIOR, W_LEXICAL, W_DENSE = 1.0, 0.6, 1.0
SAME_ARTICLE = 0.5  # a norm elsewhere in the article of a hit counts for this share of the hit's rank
# the norm's own verb is the question's ("who approves …": "… is approved by …"); 0.3 left one of the
# ten development questions written for passives and lead-ins wrong, 0.5 none, and no other changed
SAME_VERB = 0.5
NEXT_MODALITY_PENALTY = 0.15  # "who keeps …" asks for any norm; obligations first, then permissions
ECHO_PENALTY = 0.4  # "what is X called" is not answered by X: a term the question already uses
TERM_NAMED_BONUS = 1.0  # "what does 'obliged entity' mean": the definition of that very term
# An answer must fit the question, not only stand in a high-ranked provision: every question's
# first hit has some norm or definition, and a question the corpus cannot answer ("who must water
# the embassy's plants?") still ranks one first. So the floor is on the fit alone (shared words and
# the encoder's cosine). On the development questions right answers fit from 0.44 up, and of twelve
# questions about things the corpus does not cover ("who may issue fishing licences?") eleven fit
# below 0.40 ("who may fish in Antarctic waters?" fits 0.54, through "waters").
FIT_FLOOR = 0.42

MODAL_PATTERNS = [  # the first that matches decides; "may not" is a prohibition, not a permission
    ("prohibition", "who must not",
     r"(?:must|shall|may|can|could|should)\s+not\b|cannot\b|can[’']t\b|mustn[’']t\b|(?:must|may)\s+never\b|"
     r"(?:is|are)\s+(?:not\s+(?:allowed|permitted)|prohibited|forbidden|barred|banned|precluded)\b"),
    ("permission", "who may",
     r"(?:may|can|could|might)\b|(?:is|are)\s+(?:allowed|permitted|entitled|empowered|authori[sz]ed|able|free)\b|"
     r"ha(?:s|ve)\s+(?:the\s+)?(?:power|right|discretion|option)\b"),
    ("obligation", "who must",
     r"(?:must|shall|should|ought)\b|ha(?:s|ve)\s+to\b|needs?\s+to\b|undertakes?\b|"
     r"(?:is|are)\s+(?:required|obliged|obligated|bound|responsible|supposed|expected|tasked|charged|in\s+charge)\b|"
     r"ha(?:s|ve)\s+(?:a\s+|the\s+)?(?:duty|obligation|responsibility)\b"),
]
WHO = r"\b(?:whom?\s+|which\s+(?:[\w’'\-]+\s+){1,4}?)"
BEARER_QUESTIONS = [(modality, wording, re.compile(WHO + rf"(?:{modal})", re.IGNORECASE))
                    for modality, wording, modal in MODAL_PATTERNS]
ANY_NORM = ("obligation", "permission", "prohibition")
THE_ONE_THAT = re.compile(r"^(?:[^,?]{0,80},\s*)?(?:who|which)\s+(?:is|are)\s+(?:the|a|an)\s+(?:[\w’'\-]+\s+){0,3}?"
                          r"(?:that|who|which)\s+", re.IGNORECASE)
# "who keeps the register?": a bearer, with no modal verb to say which kind of norm
WHO_ACTS = re.compile(r"^(?:[^,?]{0,80},\s*)?(?:who|which\s+(?:[\w’'\-]+\s+){1,4}?)\s*(?!is\b|are\b|was\b|were\b|counts\b|"
                      r"qualifies\b)[a-z]+s?\b", re.IGNORECASE)
QUOTED_TERM = r"[‘'\"“](?P<quoted>[^’'\"”]{2,80})[’'\"”]"
TERM_NAMED = [  # the question names the term and asks what it means
    re.compile(rf"\bmean(?:s|t)?\s+by\s+(?:the\s+term\s+|an?\s+|the\s+)?(?:{QUOTED_TERM}|(?P<term>[^?,]{{2,60}}))",
               re.IGNORECASE),
    re.compile(r"\bwhat\s+(?:does|do)\s+(?:the\s+)?(?:term\s+|expression\s+|word\s+|phrase\s+)?"
               rf"(?:{QUOTED_TERM}|(?P<term>[\w’'\- ]{{2,60}}?))\s+(?:mean|cover|include)\b", re.IGNORECASE),
    re.compile(r"\bwhat\s+is\s+meant\s+by\s+(?:the\s+term\s+|an?\s+|the\s+)?"
               rf"(?:{QUOTED_TERM}|(?P<term>[^?,]{{2,60}}))", re.IGNORECASE),
    re.compile(r"\b(?:how\s+(?:does|do|is|are)\s+.{0,80}?\bdefined?|definition\s+of|define)\s+(?:the\s+term\s+)?"
               rf"(?:an?\s+|the\s+)?(?:{QUOTED_TERM}|(?P<term>[^?,]{{2,60}}))", re.IGNORECASE),
    re.compile(r"\b(?:what|who)\s+(?:counts|qualifies|is\s+treated)\s+as\s+(?:an?\s+|the\s+)?"
               rf"(?:{QUOTED_TERM}|(?P<term>[^?,]{{2,60}}))", re.IGNORECASE),
    re.compile(rf"^(?:[^,?]{{0,80}},\s*)?what\s+(?:is|are)\s+(?:an?\s+|the\s+)?{QUOTED_TERM}", re.IGNORECASE),
]
TERM_SOUGHT = re.compile(
    r"\b(?:what|which)\s+(?:is\s+the\s+)?(?:defined\s+|legal\s+|technical\s+)?(?:term|name|expression|label|word)\b|"
    r"\b(?:term|name|expression|word|label)\s+(?:for|of|used\s+for)\b|"
    r"^(?:[^?]{0,100}\b)?(?:what|how)\b.{0,200}\b(?:called|termed|named|known\s+as|referred\s+to\s+as)\b|"
    r"\bwhat\s+(?:does|do|did)\s+.{1,160}?\bcall\b|\bhow\s+(?:is|are|does|do)\s+.{0,120}?\b(?:called|named|termed)\b|"
    r"\b(?:is|are)\s+(?:called|termed|named|known\s+as|referred\s+to\s+as|defined\s+as)\b", re.IGNORECASE)
# "What is a reporting entity under the Australian Act?": a short noun phrase after "what is a"
WHAT_IS = re.compile(r"^(?:[^,?]{0,80},\s*)?what\s+(?:is|are)\s+(?:an?\s+|the\s+)?(?P<term>[\w’'\- ]{2,50}?)\s*"
                     r"(?:\b(?:under|in|according\s+to|for\s+the\s+purposes?\s+of)\b.*)?\??$", re.IGNORECASE)
# The words of a definition question that say what it asks, not what the term is about
DEFINITION_SCAFFOLD = re.compile(
    r"\b(?:what|which|how)(?:\s+(?:is|are|does|do|did))?\b|"
    r"\b(?:the\s+)?(?:defined\s+|legal\s+|technical\s+)?(?:term|name|expression|word|label)\b(?:\s+(?:for|of|used\s+for))?|"
    r"\b(?:called|termed|named|known\s+as|referred\s+to\s+as|call|calls|use\s+for|uses\s+for|mean\s+by|"
    r"means\s+by|meant\s+by|defined|define|defines|definition\s+of|counts?\s+as|qualif(?:y|ies)\s+as)\b|"
    r"[‘’'\"“”]", re.IGNORECASE)
# The setting a question opens with ("Under the UK Act, …", "In Australia, …") is not what it asks
SETTING = re.compile(r"^(?:under|in|according\s+to|for\s+the\s+purposes?\s+of|within)\b[^,?]{0,100},\s*", re.IGNORECASE)
INSTRUMENT_WORDS = set(tokens("act law laws directive regulation protocol convention treaty statute rules"))
# The words for a kind of instrument, and the kind (kg.store.read.instruments' "kind") each names
KIND_WORDS = {"directive": "directive", "regulation": "regulation", "act": "act", "statute": "act",
              "treaty": "treaty", "convention": "treaty", "protocol": "treaty"}
# "… is approved by the principal governing body of the entity; and": the doer of a passive verb
PASSIVE_AGENT = re.compile(r"\b(?:is|are|be|been|being)\s+(?:(?:jointly|duly|first|also|only|then|promptly)\s+)?"
                           r"(?P<participle>[a-z]+)\s+by\s+(?P<agent>(?:the|a|an|each|any|every)\s+[^,;:.()\n]{2,120})",
                           re.IGNORECASE)
AGENT_ENDS = re.compile(r"\s+(?:in\s+accordance|within|under|for|on|at|after|before|without|where|when|if|unless|as|to|"
                        r"which|who|that|taking|pursuant|and\s+shall|and\s+must)\b.*$", re.IGNORECASE | re.DOTALL)
# An extracted bearer written as a pronoun or a back-reference says less than the actor's label
VAGUE_BEARER = re.compile(r"^(?:it|they|he|she|which|who|such\b.*|those\b.*|these\b.*|that\b.*|the\s+said\b.*)$",
                          re.IGNORECASE)


@dataclass(frozen=True)
class Asked:
    """What a question asks: a bearer (with the kinds of norm that answer it, best first) or a term."""

    kind: str  # "bearer" or "definition"
    wording: str  # how the app and the CLI say what was understood: "who must", "what the term is", …
    modalities: tuple[str, ...] = ()
    term: str | None = None  # a definition question that names its term: the term
    subject: str = ""  # the question without its scaffold: what the bearer does, what the term describes

    def as_dict(self) -> dict:
        return dict(self.__dict__, modalities=list(self.modalities))


@dataclass
class DirectAnswer:
    """One answer, from one provision: the bearer of a norm, or a defined term."""

    kind: str  # "bearer" or "definition"
    answer: str  # the bearer as the law writes it, or the defined term
    instrument: str
    provision: str
    citation: str
    score: float
    signals: dict[str, float]  # what the score is made of (Candidate.signals)
    evidence: str  # the sentence of the norm, or the definition's words
    actor: str | None = None
    actor_label: str | None = None
    actor_kind: str | None = None
    modality: str | None = None
    strength: str | None = None
    action: str | None = None
    conditions: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


# --- reading the question -------------------------------------------------------------------------


def _subject(question: str, asked_span: tuple[int, int] | None = None) -> str:
    """The question without its setting and without the words that say what it asks: what the
    bearer does ("prepare a statement"), or what the term describes."""
    text = question if asked_span is None else question[: asked_span[0]] + " " + question[asked_span[1]:]
    text = SETTING.sub("", text.strip())
    if asked_span is None:
        text = DEFINITION_SCAFFOLD.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip(" ?,")


def classify(question: str) -> Asked | None:
    """What ``question`` asks, if it asks for a bearer or a defined term; None otherwise."""
    text = question.strip()
    for pattern in TERM_NAMED:
        match = pattern.search(text)
        if match:
            term = (match.group("quoted") or match.group("term") or "").strip(" ?,.")
            term = re.sub(r"^(?:an?|the)\s+", "", term, flags=re.IGNORECASE)
            if term:
                return Asked("definition", "what a term means", term=term, subject=_subject(text))
    if TERM_SOUGHT.search(text):
        return Asked("definition", "what the term is", subject=_subject(text))
    one_that = THE_ONE_THAT.match(text)
    if one_that:  # "who is the person that must …" asks what "who must …" asks
        return classify("Who " + text[one_that.end():])
    for modality, wording, pattern in BEARER_QUESTIONS:
        match = pattern.search(text)
        if match:
            order = (modality,) if modality != "obligation" else ("obligation",)
            return Asked("bearer", wording, order, subject=_subject(text, match.span()))
    match = WHO_ACTS.search(text)
    if match and re.match(r"^(?:[^,?]{0,80},\s*)?(?:who|which)\b", text, re.IGNORECASE):
        wh = re.search(r"\b(?:who|which\s+(?:[\w’'\-]+\s+){1,4}?)", text, re.IGNORECASE)
        return Asked("bearer", "who (any norm)", ANY_NORM, subject=_subject(text, wh.span()))
    match = WHAT_IS.match(text)
    if match and len(match.group("term").split()) <= 5:
        return Asked("definition", "what a term means", term=match.group("term").strip(), subject=_subject(text))
    return None


# --- comparing words and vectors ------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return set(tokens(text or "")) - INSTRUMENT_WORDS


def _shared(question_words: set[str], text: str) -> float:
    """The share of the question's words the text holds."""
    return len(question_words & _words(text)) / len(question_words) if question_words else 0.0


@lru_cache(maxsize=4096)
def _vector(text: str, encoder: str | None) -> np.ndarray:
    """A short text's vector from the search encoder; the answer candidates repeat across questions."""
    model = question_model(encoder)
    pieces = model.tokenizer.encode(text).ids  # NumPy's encoder reads its own 96; a candidate needs fewer
    if len(pieces) > DENSE_WORD_PIECES:
        text = model.tokenizer.decode(pieces[1:DENSE_WORD_PIECES - 1])
    vector = model.encode(text)
    vector.flags.writeable = False
    return vector


def normal_form(text: str) -> str:
    """Lower case, without articles and plural endings: how two namings of one term are compared."""
    words = re.findall(r"[a-z0-9]+(?:[’'\-/][a-z0-9]+)*", text.lower().replace("’", "'"))
    return " ".join(_singular(w) for w in words if w not in ("the", "a", "an"))


def _singular(word: str) -> str:
    """"entities" → "entity", "States" → "state"; "process", "its", "law" stay."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def names(phrase: str, text: str) -> bool:
    """Whether ``text`` holds ``phrase`` as whole words, after :func:`_normal`."""
    phrase, text = normal_form(phrase), normal_form(text)
    return bool(phrase) and f" {phrase} " in f" {text} "


# --- candidates and their scores ------------------------------------------------------------------


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def _article(provision: str) -> str:
    return "/".join(provision.split("/")[:2])


def _rank_prior(hits: list, provision: str) -> float:
    """How high the provision (or the article around it) stands in the ranking: 1 for the first hit."""
    best = 0.0
    for rank, hit in enumerate(hits):
        places = [hit.provision, *hit.also]
        if any(_related(provision, place) for place in places):
            weight = 1.0
        elif _article(provision) == _article(hit.provision):
            weight = SAME_ARTICLE
        else:
            continue
        best = max(best, weight / (1.0 + rank) ** 0.5)
    return best


@dataclass
class Candidate:
    """A norm or a definition that may answer, with the signals that weigh it."""

    item: object  # an obligation row (kg.store.read.obligations) or a Definition
    text: str  # what the question is compared with: the norm's action, the definition's words
    rank: float  # how high its provision stands in the ranking (1 for the first hit)
    words: float  # the share of the question's words it holds
    adjustment: float = 0.0  # the kind of norm asked for, its verb, a term the question names or already uses
    meaning: float = 0.0  # the search encoder's cosine to the question (for the best few only)
    doer: str | None = None  # a norm written in the passive: who does what the question asks (the by-agent)

    @property
    def fit(self) -> float:
        """How well it matches the question's own words and meaning, wherever it ranks."""
        return W_LEXICAL * self.words + W_DENSE * self.meaning

    @property
    def score(self) -> float:
        return W_PRIOR * self.rank + self.fit + self.adjustment

    def signals(self) -> dict[str, float]:
        return {"rank": round(self.rank, 3), "words": round(self.words, 3), "meaning": round(self.meaning, 3),
                "adjustment": round(self.adjustment, 3), "fit": round(self.fit, 3)}


def _best_of(candidates: list[Candidate], subject: str) -> Candidate | None:
    """The best candidate once the encoder has compared the best few with the question."""
    encoder = current_index().encoder
    candidates.sort(key=lambda c: -c.score)
    question = _vector(subject, encoder)
    for candidate in candidates[:DENSE_CANDIDATES]:
        candidate.meaning = float(_vector(candidate.text, encoder) @ question)
    return max(candidates[:DENSE_CANDIDATES], key=lambda c: c.score, default=None)


def best_bearer(asked: Asked, hits: list) -> Candidate | None:
    """The norm of the asked kind, in the ranked provisions, that fits the question best."""
    words = _words(asked.subject)
    verb = verb_root(asked.subject.split()[0]) if asked.subject else ""
    lead_ins = _lead_ins(current_index())
    seen, candidates = set(), []
    for hit in hits:
        for norm in read.obligations(provision_prefix=_article(hit.provision)):
            if norm["id"] in seen or norm["modality"] not in asked.modalities:
                continue
            seen.add(norm["id"])
            if not (norm.get("actor_text") or norm.get("actor_label")):
                continue
            rank = _rank_prior(hits, norm["provision"])
            if rank <= 0:
                continue
            # a point ("(c) is approved by …") says what it is about in its list's lead-in ("The statement must:")
            lead_in = lead_ins.get(norm["provision"], "")
            text = f"{lead_in} {norm.get('action') or norm['sentence']}".strip()
            doer, same_verb = _doer(norm, verb)
            candidates.append(Candidate(
                norm, text, rank, max(_shared(words, text), _shared(words, f"{lead_in} {norm['sentence']}")),
                adjustment=SAME_VERB * same_verb - NEXT_MODALITY_PENALTY * asked.modalities.index(norm["modality"]),
                doer=doer))
    return _best_of(candidates, asked.subject)


@loaded_once(maxsize=2)
def _lead_ins(index) -> dict[str, str]:
    """Each point's list lead-in (the search index's points, kg.search.units.Point), by provision id."""
    return {point.provision: point.lead_in for point in index.points}


VERB_SUFFIXES = (("ied", "y"), ("ies", "y"), ("ing", ""), ("ed", ""), ("en", ""), ("es", ""), ("s", ""), ("e", ""))


def verb_root(word: str) -> str:
    """"approves", "approved", "approve" → "approv"; "undertaken", "undertake" → "undertak": enough to
    tell one verb's forms apart from another's; "authorizing" and "authorise" → "authoris"."""
    return strip_suffix(ise_spelling(word.lower()), VERB_SUFFIXES)


def _doer(norm: dict, verb: str) -> tuple[str | None, bool]:
    """Whether the norm's verb is the question's ``verb`` (root), and, when the sentence puts that
    verb in the passive with its doer ("is approved by the principal governing body"), the doer:
    the bearer the extractor read is then the thing acted on, not who acts."""
    if not verb:
        return None, False
    for match in PASSIVE_AGENT.finditer(norm["sentence"]):
        if verb_root(match.group("participle")) == verb:
            return AGENT_ENDS.sub("", match.group("agent")).strip(), True
    action = (norm.get("action") or "").split()
    return None, bool(action) and verb_root(action[0]) == verb


def best_definition(asked: Asked, question: str, hits: list, instruments: set[str]) -> Candidate | None:
    """The definition, in the instruments asked about, that fits the question best."""
    words = _words(asked.subject)
    candidates = []
    for definition in definitions():
        if definition.instrument not in instruments:
            continue
        adjustment = 0.0
        if asked.term:
            if normal_form(asked.term) == normal_form(definition.term):
                adjustment = TERM_NAMED_BONUS
            elif names(definition.term, asked.term) or names(asked.term, definition.term):
                adjustment = TERM_NAMED_BONUS / 2
        elif names(definition.term, question):
            adjustment = -ECHO_PENALTY
        candidates.append(Candidate(definition, definition.text, _rank_prior(hits, definition.provision),
                                    _shared(words - _words(definition.term), definition.text), adjustment))
    return _best_of(candidates, asked.subject)


# --- the answer -----------------------------------------------------------------------------------


def _bearer_answer(found: Candidate) -> DirectAnswer:
    norm = found.item
    written = (norm.get("actor_text") or "").strip()
    bearer = written if written and not VAGUE_BEARER.match(written) else (norm.get("actor_label") or written)
    if found.doer:
        bearer = found.doer
    return DirectAnswer(
        kind="bearer", answer=bearer, instrument=norm["instrument"], provision=norm["provision"],
        citation=norm["citation"], score=round(found.score, 3), signals=found.signals(), evidence=norm["sentence"],
        actor=norm.get("actor"),
        actor_label=norm.get("actor_label"), actor_kind=norm.get("actor_kind"), modality=norm["modality"],
        strength=norm.get("strength"), action=norm.get("action"), conditions=list(norm.get("conditions") or []),
        exceptions=list(norm.get("exceptions") or []))


def _definition_answer(found: Candidate) -> DirectAnswer:
    definition = found.item
    return DirectAnswer(kind="definition", answer=definition.term, instrument=definition.instrument,
                        provision=definition.provision, citation=definition.citation, score=round(found.score, 3),
                        signals=found.signals(), evidence=definition.text, modality="definition")


def instrument_groups(question: str, chosen: list[str] | None) -> list[frozenset[str] | None]:
    """The instruments to answer for, one group per instrument (or kind of instrument) the question
    names: "the UK Act and the Australian Act" gives two groups; "the 2011 EU directive" one; a
    question that names none, or an instrument filter, one group (None: wherever search leads).

    Each clue names a set of instruments; a set that holds another clue's set is the same instrument
    named more loosely ("the EU" beside "the CSDDD"), so only the smallest sets stay, each narrowed to
    what the clues together name where they agree ("UK" and "Modern Slavery Act": the UK Act), and to
    the kind of instrument the question says ("the EU directive": the EU's directives)."""
    if chosen:
        return [frozenset(chosen)]
    rows = read.instruments()
    scope = question_scope(question, rows)
    if not scope:
        return [None]
    named = {question_scope(clue, rows).instruments for clue in scope.clues} - {frozenset()}
    smallest = [g for g in named if not any(other < g for other in named)]
    kinds = {row["id"]: row["kind"].lower() for row in rows}
    said = {kind for word, kind in KIND_WORDS.items() if re.search(rf"\b{word}s?\b", question, re.IGNORECASE)}
    groups: list[frozenset[str]] = []
    for group in sorted(smallest, key=lambda g: question.lower().find(_first_clue(g, scope.clues, rows))):
        group = group & scope.instruments or group
        group = frozenset(i for i in group if kinds.get(i) in said) or group
        if group not in groups:
            groups.append(group)
    return groups or [scope.instruments]


def _first_clue(group: frozenset[str], clues: tuple[str, ...], rows: list[dict]) -> str:
    """The first clue (in the question's order) that names instruments of ``group``: the answers
    stand in the order the question names their instruments."""
    return next((c.lower() for c in clues if question_scope(c, rows).instruments & group), "")


def direct_answers(question: str, hits: list, search_within: Callable[[list[str]], list],
                   chosen: list[str] | None = None) -> tuple[Asked | None, list[DirectAnswer]]:
    """What ``question`` (cleaned: kg.search.answering.clean_query) asks, and the graph's answers to
    it: one per instrument group (:func:`instrument_groups`), none where none fits.

    ``hits`` are the question's ranked provisions (kg.search.answering.Hit, at least
    :data:`CANDIDATE_HITS` of them, filtered to ``chosen`` instruments if any), and
    ``search_within(instruments)`` ranks them within some instruments. Search is handed in
    (kg.api.ask) rather than imported: this module sits beside search, and the chain of imports
    under search is as long as the architecture allows (tests/test_architecture.py)."""
    asked = classify(question)
    if asked is None or not hits or hits[0].matched_by == "citation":
        return None, []
    answers = []
    for group in instrument_groups(question, chosen):
        in_group = hits if group is None or chosen else search_within(sorted(group))
        found = _best(asked, question, in_group, group)
        if found is not None:
            answers.append(found)
    return asked, answers


def _best(asked: Asked, question: str, hits: list, group: frozenset[str] | None) -> DirectAnswer | None:
    if asked.kind == "bearer":
        found = best_bearer(asked, hits)
        make = _bearer_answer
    else:
        instruments = set(group) if group is not None else {h.instrument for h in hits[:5]}
        found = best_definition(asked, question, hits, instruments)
        make = _definition_answer
    if found is None:
        return None
    if asked.kind == "definition" and asked.term:
        # "what does X mean" is answered by the definition of X, and by no other
        return make(found) if found.adjustment > 0 else None
    return make(found) if found.fit >= FIT_FLOOR else None
