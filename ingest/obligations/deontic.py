"""What one sentence of law does: its kind (obligation, prohibition, permission, definition,
purpose, offence or none), its strength, its bearer, the action, conditions and beneficiaries.

Kinds with a fixed wording (definitions, purposes, offences) are found by patterns; deontic
sentences by the dependency parse: the modal that governs the main clause decides the
modality, and the bearer is that clause's subject (or the agent of a passive), never just the
first noun of the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.obligations.actors import is_agentive

OBLIGATION, PROHIBITION, PERMISSION = "obligation", "prohibition", "permission"
DEFINITION, PURPOSE, OFFENCE, NONE = "definition", "purpose", "offence", "none"
NORMATIVE = (OBLIGATION, PROHIBITION, PERMISSION)
DUTIES = (OBLIGATION, PROHIBITION)  # the normative kinds that bind (a permission does not)
MODALITIES = (OBLIGATION, PROHIBITION, PERMISSION, DEFINITION, PURPOSE, OFFENCE, NONE)
BINDING, SOFT = "binding", "soft"

QUOTED_TERM = r"(?:“[^”]{1,120}”|‘[^’]{1,120}’|\"[^\"]{1,120}\"|'[^']{1,120}')"
DEFINITION_RES = [
    re.compile(rf"^(?:For the purposes? of [^:]{{1,160}}?[,:]\s*)?(?:the (?:term|expression|words?)s?\s+)?"
               rf"{QUOTED_TERM}(?:\s*(?:,|and|or)\s*{QUOTED_TERM})*\s*(?:\([^)]*\)\s*)?(?:,[^,]{{1,80}},\s*)?"
               rf"(?:shall\s+|is\s+to\s+|are\s+to\s+)?(?:means?|includes?|include|has the (?:same )?meaning|"
               rf"have the (?:same )?meaning|refers? to|is|are|shall be construed)\b"),
    re.compile(r"^(?:(?:A|An|The)\s+)?[A-Za-z][\w’'-]*(?: [a-z][\w’'-]*){0,5}(?:, [^,]{1,60},)? "
               r"(?:means|includes|has the same meaning)\b"),
    re.compile(rf"\bthe (?:term|expression) {QUOTED_TERM} shall (?:not )?(?:include|mean)\b"),
    re.compile(r"^(?:For the purposes of [^,]{1,80},?\s+)?(?:each of )?the following (?:\w+ )?(?:is|are) "
               r"(?:to be considered |considered |deemed )?(?:an? |the )?[\w -]{1,60}\b|"
               r"\b(?:are|is) (?:to be )?considered (?:an? |the )?[\w -]{2,60}(?:for the purposes|:|$)", re.I),
    re.compile(r"\bshall (?:not )?mean\b|\bthe following definitions? (?:shall )?apply\b|\bdefinitions? (?:are|is) agreed\b"),
    re.compile(r"^In this (?:Part|[Ss]ection|Act|Schedule|Chapter|Regulation|Directive|[Aa]rticle|paragraph|"
               r"Protocol|Convention|subsection)[^.]{0,40}[—:–-]$"),
    re.compile(r"^(?:For the purposes? of [^:]{1,120}:|[A-Z][a-z]+ (?:shall include|includes|is the status))"),
]
COPULAR_DEFINITION_RE = re.compile(
    r"^(?:For the purposes of [^,]{1,80},?\s+)?(?:(?:A|An|The)\s+)?(?:[“‘]?[\w’'-]+[”’]?\s+){1,7}(?:is|are)\s+"
    r"(?:(?:an?|the)\s+)?(?:[\w’'-]+\s+){0,5}?(?:which|that|who|if|where|in which|requiring|prohibiting|"
    r"of|for|starting|beginning)\b|(?:is|are)\s+(?:[\w ]{0,40})(?:which|if)\s*[—:–-]\s*$"
)
NOT_GUILTY_RE = re.compile(r"\b(?:is|are) not guilty of an offence\b")
SHORT_TITLE_RE = re.compile(r"\bmay be cited as\b|\bshall be binding in its entirety\b|\bshall enter into force\b|"
                            r"\bdirectly applicable in all Member States\b")
STATE_MEASURES_RE = re.compile(r"\bshall (?:take|adopt|ensure|establish)\b")
PURPOSE_RE = re.compile(
    r"^(?:The )?(?:purposes?|objectives?|aims?|subject matter) of (?:this|the Authority|the Agency) (?:Protocol|Regulation|Directive|Act|"
    r"Convention|Part|Chapter)\b|^This (?:Regulation|Directive|Act|Protocol|Convention|Part) (?:lays down|"
    r"establishes|aims|is intended|sets out)\b|^The purpose of this Act is\b"
)
OFFENCE_RE = re.compile(
    r"\bcommits? an offence\b|\b(?:is|are|shall be) guilty of an offence\b|\bguilty of an offence\b|"
    r"\b(?:is|are|shall be) liable(?:,)? on (?:summary )?conviction\b|\bcommits? the offence\b"
)
NON_NORMATIVE_PREFIX_RE = re.compile(r"^(?:Note\b|Example\b|Notes?\s*\d*:|Examples?:)")
SOFT_RE = re.compile(
    r"\b(?:shall|must|will|should|may)\s+(?:also\s+|in particular\s+|further\s+)?(?:consider|endeavour|endeavor|seek\s+to|"
    r"strive|take into (?:account|consideration)|use (?:its|their) best efforts|make every effort|give "
    r"(?:appropriate |due )?consideration|preferably)\b|\b(?:is|are) encouraged to\b|\bpreferably\b"
    r"|\bso far as (?:is )?reasonably practicable\b|\bas far as (?:is )?practicable\b|\bwithin (?:the limits of )?"
    r"(?:its |their )?available (?:means|resources)\b|\bbasic principles of (?:its|their) legal systems?\b"
    r"|\b(?:considers?|thinks?) (?:it )?(?:appropriate|reasonable|fit)\b"
    r"|\bwhere (?:appropriate|possible|feasible|practicable|necessary and appropriate)\b|\bas appropriate\b"
    r"|\bto the (?:extent|maximum extent) (?:possible|appropriate|feasible|practicable)\b|\bas far as possible\b"
    r"|\bin appropriate cases\b|\bif possible\b|\bwhere applicable and appropriate\b"
    r"|\b(?:in accordance with|subject to|consistent with|within the framework of) (?:its|their) (?:domestic|national) "
    r"(?:law|laws|legal system|legal systems|legislation)\b"
    r"|\bin accordance with (?:the (?:relevant )?provisions of )?(?:applicable )?national law\b"
    r"|\b(?:shall|must|should)\s+(?:also\s+)?have regard to\b|\btake due account\b|\bif appropriate\b"
    r"|\bmay wish\b|\bwithin (?:its|their) means\b|\bshould\b", re.I
)
CUE_RE = re.compile(
    r"\b(?:shall|must|may|should|required to|duty to|undertakes?|entitled to|empowered to|power to|prohibited|obliged to|"
    r"enforceable by|agrees? to|agree that|need not|is not to|are not to|encouraged to|refrain|is conferred on|"
    r"are conferred on)\b", re.IGNORECASE
)
NON_DEONTIC_VERBS = {
    "apply", "regard", "deem", "interpret", "construe", "enter", "prejudice", "affect", "cease", "remain",
    "constitute", "supplement", "expire", "continue", "lapse", "govern", "bind", "read", "exclude", "preclude",
    "rest", "treat", "consider_as",
}
NON_DEONTIC_ADJECTIVES = {
    "irrelevant", "applicable", "authentic", "binding", "valid", "void", "admissible", "equal", "subject",
    "liable", "without", "competent", "inadmissible", "effective_from", "open", "sufficient", "insufficient",
}
# "shall be not less than 5 %", "shall be at least five years": a binding quantity, not a status
QUANTITY_RE = re.compile(r"\b(?:at least|not less than|no less than|not more than|no more than|at most|not shorter than|"
                         r"not longer than)\b")
# passives whose subject is the one who must or may act: "shall be required to", "is empowered to"
ADDRESSEE_PASSIVES = {"require", "oblige", "entitle", "empower", "authorise", "authorize", "permit", "prohibit",
                      "encourage", "allow", "bind", "expect", "invite", "call", "forbid"}
CONDITION_MARKERS = {"if", "where", "when", "whenever", "unless", "provided", "subject", "until", "once", "insofar"}
EXCEPTION_WORDS = re.compile(r"^(?:unless|except|other than|save|without prejudice|notwithstanding)\b", re.I)
BENEFICIARY_RE = re.compile(
    r"\b(child victims?|victims? of (?:trafficking|slavery|forced labour)[\w ]{0,30}?|victims?|children|child|"
    r"survivors?|witness(?:es)?|workers?|families|family members?|women|girls|minors?|"
    r"unaccompanied (?:child|minor)s?|persons? who (?:have|has) been trafficked|trafficked persons?|"
    r"rights-holders|stakeholders|consumers|employees|end users)\b", re.I
)
PRONOUNS = {"it", "they", "he", "she", "its", "them", "who", "which"}
CLAUSE_DEPS = {"relcl", "acl", "advcl", "csubj", "csubjpass", "ccomp", "pcomp", "xcomp", "parataxis"}


@dataclass
class Analysis:
    modality: str
    strength: str | None = None
    bearer_text: str | None = None  # the subject as written, when the sentence names one
    bearer_start: int | None = None  # offsets of bearer_text within the sentence
    action: str | None = None
    action_start: int | None = None
    regulated_text: str | None = None
    conditions: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    beneficiaries: list[str] = field(default_factory=list)
    needs_bearer: bool = False  # normative, but the bearer must come from context
    pronoun_bearer: bool = False
    patient_subject: bool = False  # an agentless passive: bearer_text is who is acted on ("A person must not be appointed")
    context_bearer_text: str | None = None  # an actor named elsewhere in the sentence that the norm binds
    parsed: bool = True


def classify_by_pattern(text: str) -> str | None:
    """Kinds recognised from fixed wording, before any parse; None when a parse is needed."""
    if NON_NORMATIVE_PREFIX_RE.match(text) or SHORT_TITLE_RE.search(text) or NOT_GUILTY_RE.search(text):
        return NONE
    if any(rx.search(text) for rx in DEFINITION_RES):
        return DEFINITION
    if PURPOSE_RE.search(text):
        return PURPOSE
    if OFFENCE_RE.search(text) and not STATE_MEASURES_RE.search(text):
        return OFFENCE
    if not CUE_RE.search(text):
        return DEFINITION if COPULAR_DEFINITION_RE.search(text) else NONE
    return None


def strength_of(text: str) -> str:
    return SOFT if SOFT_RE.search(text) else BINDING


def beneficiaries_in(text: str) -> list[str]:
    seen = []
    for m in BENEFICIARY_RE.finditer(text):
        word = m.group(1).lower()
        if word not in seen:
            seen.append(word)
    return seen


def _clause_depth(token) -> int:
    depth, current = 0, token
    while current.head.i != current.i:
        if current.dep_ in CLAUSE_DEPS:
            depth += 1
        current = current.head
    return depth


def _modal_candidates(doc):
    """(token, verb, modality) for each deontic marker; verb is the head the marker governs."""
    found = []
    for tok in doc:
        low = tok.lower_
        if low in ("shall", "must", "should", "may") and tok.tag_ == "MD":
            verb = tok.head if tok.dep_ in ("aux", "auxpass") else tok
            kind = PERMISSION if low == "may" or _grants_power(verb) else OBLIGATION
            found.append((tok, verb, kind))
        elif low in ("empowered", "entitled") and any(c.dep_ == "auxpass" or c.lower_ in ("is", "are", "be")
                                                     for c in tok.children):
            found.append((tok, tok, PERMISSION))
        elif tok.lemma_ in ("require", "oblige") and any(c.dep_ == "auxpass" for c in tok.children) and \
                any(c.dep_ == "xcomp" for c in tok.children):
            found.append((tok, next(c for c in tok.children if c.dep_ == "xcomp"), OBLIGATION))
        elif tok.lemma_ == "undertake" and tok.pos_ == "VERB":
            found.append((tok, tok, OBLIGATION))
        elif tok.lemma_ == "prohibit" and any(c.dep_ == "auxpass" for c in tok.children):
            found.append((tok, tok, PROHIBITION))
        elif low == "encouraged" and any(c.dep_ == "auxpass" for c in tok.children):
            found.append((tok, tok, OBLIGATION))
        elif low == "conferred" and any(c.lower_ == "power" for c in tok.subtree):
            found.append((tok, tok, PERMISSION))
        elif low in ("duty", "power") and tok.head.lemma_ == "have":
            found.append((tok, tok.head, OBLIGATION if low == "duty" else PERMISSION))
        elif low == "enforceable":
            found.append((tok, tok, PERMISSION))
        elif low == "need" and tok.tag_ == "MD":
            found.append((tok, tok.head, PERMISSION))
    return found


def _grants_power(verb) -> bool:
    """'shall be entitled to', 'shall be empowered to', 'shall have the right / the power to': a
    "shall" that confers a right or a power is a permission, as "has the power to" is."""
    if verb.lower_ in ("entitled", "empowered"):
        return True
    return verb.lemma_ == "have" and any(c.dep_ == "dobj" and c.lemma_ in ("right", "power", "access")
                                         for c in verb.children)


def _is_negated(modal, verb, doc) -> bool:
    negation = next((t for t in doc[modal.i + 1 : verb.i + 3] if t.lower_ in ("not", "never")), None)
    if negation is not None and QUANTITY_RE.match(doc[negation.i :].text):
        return False  # "shall be not less than 5 %": the "not" bounds a quantity
    if any(c.dep_ == "neg" for c in verb.children) or any(c.dep_ == "neg" for c in modal.children):
        return True
    nxt = doc[modal.i + 1] if modal.i + 1 < len(doc) else None
    if nxt is not None and nxt.lower_ in ("not", "never"):
        return True
    if modal.i > 0 and doc[modal.i - 1].lower_ == "nor":
        return True
    subject = _subject(verb, modal)
    if subject is not None and any(c.lower_ in ("no", "neither") and c.dep_ == "det" for c in subject.children):
        return True
    first = doc[0].lower_ if len(doc) else ""
    return first in ("no", "nor") and subject is not None and subject.i < modal.i


def _subject(verb, modal=None):
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj"):
            return c
    if modal is not None:  # the parser sometimes hangs the subject on the modal itself
        for c in modal.children:
            if c.dep_ in ("nsubj", "nsubjpass", "expl"):
                return c
    if verb.dep_ == "conj" and verb.head.i != verb.i:
        return _subject(verb.head)
    if verb.dep_ in ("xcomp", "ccomp") and verb.head.i != verb.i:  # "is required to …", "undertakes to …"
        return _subject(verb.head)
    return None


def _fronted_noun_phrase(modal, doc):
    """When the parser finds no subject ("A modern slavery statement must, in relation to …" parsed
    with the noun as root), the noun phrase that fills everything before the modal stands in."""
    if modal.i == 0:
        return None
    root = doc[: modal.i].root
    if root.pos_ in ("NOUN", "PROPN") and root.left_edge.i == 0 and root.dep_ != "nsubj":
        return root
    return None


def _is_passive(verb) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def _agent(verb):
    for c in verb.children:
        if c.dep_ == "agent":
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs:
                return objs[0]
    return None


def _phrase(token, doc, cut_relative: bool = False, before: int | None = None) -> tuple[str, int]:
    """The noun phrase a token heads, as written (a relative clause may be cut off; a subject
    never runs past the modal that follows it, whatever the parser attached to it)."""
    start, end = token.left_edge.i, token.right_edge.i
    if before is not None and token.i < before:
        end = min(end, before - 1)
    if cut_relative:
        for c in token.children:
            if c.dep_ in ("relcl", "acl") and c.i > token.i:
                end = min(end, c.left_edge.i - 1)
    span = doc[start : end + 1]
    text = span.text.strip(" ,;")
    return text, span.start_char


def _action(verb, modal, doc) -> tuple[str, int]:
    """The verb phrase: from the main verb (after the modal and 'not') to the end of its clause,
    without leading conditions."""
    start = verb.i if verb.i > modal.i else modal.i + 1
    while start < len(doc) and doc[start].lower_ in ("not", "also", "only", "be", "nor", ",", "then"):
        if doc[start].lower_ == "be" and doc[start].head.i == verb.i:
            break
        start += 1
    end = verb.right_edge.i
    for c in verb.children:
        if c.i > verb.i and c.dep_ == "advcl" and c.left_edge.lower_ in CONDITION_MARKERS:
            end = min(end, c.left_edge.i - 1)
    span = doc[start : end + 1]
    return span.text.strip(" ,;:—–-."), span.start_char


def _clauses(verb, doc) -> tuple[list[str], list[str]]:
    conditions, exceptions = [], []
    for tok in doc:
        if (tok.dep_ in ("advcl", "prep", "mark") and tok.head.i == verb.i) or (tok.dep_ == "advcl" and tok.head.head.i == verb.i):
            first = tok.left_edge
            text = doc[first.i : tok.right_edge.i + 1].text.strip(" ,;")
            if EXCEPTION_WORDS.match(text):
                exceptions.append(text)
            elif first.lower_ in CONDITION_MARKERS and tok.dep_ == "advcl":
                conditions.append(text)
    return conditions, exceptions


def analyse_parsed(doc) -> Analysis:
    """Analyse one parsed sentence (a spaCy Doc) whose kind needs the parse."""
    text = doc.text
    candidates = _modal_candidates(doc)
    if not candidates:
        return Analysis(NONE)
    modal, verb, modality = min(candidates, key=lambda c: (_clause_depth(c[1]), c[0].i))
    if _clause_depth(verb) > 1:
        return Analysis(NONE)  # the only modals sit in subordinate clauses ("as may be necessary")
    negated = _is_negated(modal, verb, doc)
    if negated:
        modality = PERMISSION if modal.lower_ == "need" else PROHIBITION
    elif modality == OBLIGATION and (verb.lemma_ in ("prohibit", "refrain", "forbid") or (
            verb.lemma_ in ("require", "oblige") and any(c.dep_ == "xcomp" and c.lemma_ == "refrain"
                                                         for c in verb.children))):
        modality = PROHIBITION  # "shall refrain from", "shall be required to refrain from"
    elif modality in (OBLIGATION, PERMISSION) and _restricted_to(verb, modal, doc):
        modality = PROHIBITION  # "may … only …", "shall only use …": everything else is forbidden
    analysis = Analysis(modality)

    subject = _subject(verb, modal)
    agent = _agent(verb)
    if subject is None and agent is None:
        subject = _fronted_noun_phrase(modal, doc)
    if modal.lower_ == "conferred":
        on = next((c for c in modal.children if c.lower_ == "on"), None)
        target = next((g for g in on.children if g.dep_ == "pobj"), None) if on is not None else None
        if target is not None:
            analysis.bearer_text, analysis.bearer_start = _phrase(target, doc, cut_relative=True)
        power = next((t for t in doc if t.lower_ == "power"), None)
        if power is not None:
            analysis.action = doc[power.i : power.right_edge.i + 1].text
            analysis.action_start = power.idx
    elif modal.lower_ == "enforceable":
        actor = next((t for t in doc[modal.i:] if t.dep_ in ("nsubj", "pobj") and t.pos_ in ("PROPN", "NOUN")), None)
        if actor is not None:
            analysis.bearer_text, analysis.bearer_start = _phrase(actor, doc, cut_relative=True)
            analysis.bearer_text = re.sub(r"\s+bringing\b.*$", "", analysis.bearer_text)
        gerund = next((t for t in doc[modal.i:] if t.tag_ == "VBG"), None)
        if gerund is not None:
            rest = doc[gerund.i + 1 : gerund.right_edge.i + 1].text if gerund.right_edge.i > gerund.i else ""
            lemma = gerund.lemma_ if gerund.lemma_ != gerund.text else gerund.text[:-3]
            analysis.action = f"{lemma} {rest}".strip(" ,;.")
            analysis.action_start = gerund.idx
    elif subject is not None and subject.dep_ != "expl":
        if _is_passive(verb) and agent is not None:
            analysis.bearer_text, analysis.bearer_start = _phrase(agent, doc, cut_relative=True)
            analysis.regulated_text = _phrase(subject, doc)[0]
        else:
            analysis.bearer_text, analysis.bearer_start = _phrase(subject, doc, before=modal.i)
            analysis.pronoun_bearer = subject.lower_ in PRONOUNS
            analysis.patient_subject = _is_passive(verb) and verb.lemma_ not in ADDRESSEE_PASSIVES
    elif agent is not None:
        analysis.bearer_text, analysis.bearer_start = _phrase(agent, doc, cut_relative=True)
    if analysis.bearer_text is None or analysis.pronoun_bearer or _is_passive(verb):
        analysis.needs_bearer = True
    if analysis.needs_bearer or (analysis.bearer_text and not is_agentive(analysis.bearer_text)):
        analysis.context_bearer_text = _actor_in_context(verb, subject, doc)

    if analysis.action is None:
        analysis.action, analysis.action_start = _action(verb, modal, doc)
    analysis.strength = strength_of(text)
    analysis.conditions, analysis.exceptions = _clauses(verb, doc)
    analysis.beneficiaries = beneficiaries_in(text)
    if verb.lemma_ in ("ensure", "require", "oblige", "make") and modality == OBLIGATION:
        for c in verb.children:
            if c.dep_ in ("ccomp", "xcomp", "dobj"):
                sub = _subject(c) if c.dep_ == "ccomp" else c
                if sub is not None and sub.pos_ in ("NOUN", "PROPN"):
                    analysis.regulated_text = _phrase(sub, doc, cut_relative=True)[0]
                    break
    if _non_deontic(verb, subject, modality, doc):
        return Analysis(NONE)
    return analysis


def _actor_in_context(verb, subject, doc) -> str | None:
    """An actor the sentence names around a thing-subject, pronoun or passive: the subject of an
    enclosing clause ("The Parties agree that disputes shall be referred …"), or, for a pronoun,
    an earlier subject ("If the organisation has a website, it must …")."""
    current = verb
    while current.head.i != current.i:
        current = current.head
        outer = _subject(current)
        if outer is not None and outer.lower_ not in PRONOUNS:
            text = _phrase(outer, doc, cut_relative=True)[0]
            if is_agentive(text):
                return text
    limit = subject.i if subject is not None else verb.i
    for tok in doc[:limit]:
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.lower_ not in PRONOUNS:
            text = _phrase(tok, doc, cut_relative=True, before=limit)[0]
            if is_agentive(text):
                return text
    return None


def _restricted_to(verb, modal, doc) -> bool:
    """'only' modifying the main verb right after the modal: a limit, read as a prohibition."""
    window = doc[modal.i + 1 : min(len(doc), verb.i + 4)]
    return any(t.lower_ == "only" and (t.head.i == verb.i or t.i <= verb.i) for t in window)


def _non_deontic(verb, subject, modality, doc) -> bool:
    """'shall apply', 'shall be regarded as', 'shall be irrelevant', 'shall be a Union body':
    rules about the law or an institution itself, not duties of an actor."""
    lemma = verb.lemma_.lower()
    if lemma == "hold" and _is_passive(verb) and any(c.lemma_ in ("liable", "responsible") for c in verb.children):
        return True  # "may be held liable": exposure to liability, not a permission
    if modality not in (OBLIGATION, PROHIBITION):
        return False
    actor_subject = subject is not None and subject.dep_ != "expl" and not _is_passive(verb) and (
        subject.lower_ in ("they", "he", "she") or is_agentive(_phrase(subject, doc, cut_relative=True)[0]))
    if lemma in NON_DEONTIC_VERBS and not actor_subject:
        return True
    if lemma in ("be", "remain"):
        complement = next((c for c in verb.children if c.dep_ in ("acomp", "attr", "prep")), None)
        if QUANTITY_RE.search(doc[verb.i : verb.right_edge.i + 1].text):
            return False
        if complement is not None and complement.lemma_.lower() in NON_DEONTIC_ADJECTIVES | {"without"}:
            return True  # "shall be irrelevant", "shall remain jointly liable"
        if complement is not None and complement.dep_ == "attr" and (
                complement.pos_ in ("NOUN", "PROPN") or complement.lower_ in ("that", "those")):
            return True  # "The Authority shall be a Union body", "… shall be that of the Member State": a status
    if lemma == "take" and any(c.lemma_ == "effect" for c in verb.children):
        return True
    if lemma == "have" and any(c.lemma_ == "effect" for c in verb.children):
        return True
    return False
