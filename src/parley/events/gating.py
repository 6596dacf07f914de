"""Is a trigger's act real, only intended, or not asserted at all?

"did not meet" (negation), "could impose" (modality) and "if ... would" (conditionals) code
nothing; "will meet" and "plans to visit" are stated intents (PLOVER's AGREE); "said Y would
meet" is Y's intent.
"""

from __future__ import annotations

from parley.events.frames import Settings

REAL, FUTURE, SKIP, REFUSE = "real", "future", "skip", "refuse"


class Gate:
    """Decides the status of a trigger token from its parse."""

    def __init__(self, settings: Settings, framed_verbs: set[str] | None = None):
        self.settings = settings
        self.framed = framed_verbs or set()
        self.words = {name: set(words) for name, words in settings.words.items()}
        self.intent = set(settings.intent_verbs)
        self.hedge = set(settings.hedge_verbs) - self.intent
        self.aspect = set(settings.aspect_verbs)
        self.modal = set(settings.modal_aux)
        self.future = set(settings.future_aux)

    def verb_status(self, verb, conditional_ok: bool = False) -> str:
        """REAL, FUTURE or SKIP for a verb trigger."""
        if self._negated(verb) and self._aux_status(verb) == FUTURE:
            return REFUSE  # "will not recognise", "won't hand over": a stated refusal
        if self._negated(verb) or verb.doc[verb.sent.end - 1].text == "?":
            return SKIP
        if not conditional_ok and self._conditional(verb):
            return SKIP
        if verb.dep_ == "ccomp" and verb.head.lemma_ in self.hedge | {"insist", "demand"}:
            return SKIP  # "demanded that Moscow release ...": the content of the demand
        if verb.dep_ in ("ccomp", "xcomp") and verb.head.lemma_ in self.words["speculation_verbs"]:
            return SKIP
        if verb.dep_ in ("acl", "relcl") and verb.head.head.lemma_ in self.words["blocking_verbs"]:
            return SKIP  # "vetoed a resolution demanding a ceasefire": the demand never stood
        if (
            verb.dep_ in ("acl", "ccomp")
            and verb.head.pos_ == "NOUN"
            and verb.head.lemma_ in self.words["content_nouns"]
        ):
            return SKIP  # "its demand that Israel ease ...", "a refusal to accept ...": not done
        if verb.dep_ == "acl" and verb.head.lemma_ in self.words["intent_nouns"]:
            return FUTURE  # "Pyongyang's decision to send a delegation"
        if verb.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            return SKIP  # "an address to send ...", "the first leader to visit": no act asserted
        if any(c.dep_ == "mark" and c.lower_ in ("without",) for c in verb.children):
            return SKIP
        if verb.dep_ == "pcomp" and verb.head.lower_ not in self.words["real_prepositions"]:
            return SKIP  # "accused X of having committed ...": the content, not an act
        if verb.dep_ == "acomp":  # "is willing to", "is ready to": the copula carries tense
            return self.verb_status(verb.head, conditional_ok)
        own = self._aux_status(verb)
        if own != REAL:
            return own
        if verb.dep_ == "conj" and not _has_subject(verb):
            return self.verb_status(verb.head) if verb.head.pos_ in ("VERB", "AUX") else REAL
        if verb.dep_ == "xcomp":
            return self._governed(verb)
        if verb.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            if verb.head.lemma_ in self.words["motion_verbs"]:
                return self.verb_status(verb.head)  # "flew to Beijing to meet Xi": the trip's purpose
            return SKIP  # purpose clause: "met to discuss"
        if verb.dep_ in ("amod", "compound"):
            return SKIP
        return REAL

    def noun_status(self, noun) -> str:
        """REAL or SKIP for a nominal trigger ('a possible summit' is SKIP)."""
        if any(
            c.lower_ in self.words["hypothetical_modifiers"]
            for c in noun.children
            if c.dep_ in ("amod", "det", "compound")
        ):
            return SKIP
        if noun.dep_ == "pobj" and noun.head.head.lemma_ in self.words["prospect_nouns"]:
            return SKIP  # "the prospect of US tariffs", "fears of an attack"
        governor = noun.head
        hops = 0
        while governor is not None and hops < 3 and governor.pos_ not in ("VERB", "AUX"):
            governor = governor.head if governor.head.i != governor.i else None
            hops += 1
        if governor is not None and governor.pos_ in ("VERB", "AUX"):
            status = self.verb_status(governor)
            if governor.lemma_ in self.words["creation_verbs"] and status != REAL:
                return SKIP  # "could hold a summit", "offered to host talks": not (yet) held
            if self._hypothetical(governor):
                return SKIP  # "would consider lifting its sanctions"
        return REAL

    # ---------------------------------------------------------------- pieces
    def _aux_status(self, verb) -> str:
        for child in verb.children:
            if child.dep_ not in ("aux", "auxpass"):
                continue
            word = child.lower_
            if word in self.modal:
                return SKIP
            if word in self.future or (word == "going" and verb.dep_ == "xcomp"):
                return FUTURE
            if word in ("would", "'d"):
                return FUTURE if self.reported(verb) else SKIP
        if verb.dep_ == "xcomp" and verb.head.lower_ == "going":
            return FUTURE
        return REAL

    def reported(self, verb) -> bool:
        """Is the clause reported speech ('said it would ...')?"""
        node = verb
        for _ in range(4):
            if node.dep_ in ("ccomp", "conj") and node.head.lemma_ in self.words["speech_verbs"]:
                return True
            if node.head.i == node.i:
                return False
            node = node.head
        return False

    def _governed(self, verb) -> str:
        governor = verb.head
        lemma = governor.lemma_
        if lemma in self.words["causative_verbs"]:
            return self.verb_status(governor)  # "prompting Israel to recall": the recall happened
        if lemma in self.framed and lemma not in self.aspect:
            return SKIP  # "agreed to meet": the governor's own frame codes it
        if lemma in self.aspect:
            return self.verb_status(governor)
        if lemma in self.intent or (lemma == "be" and any(c.lower_ == "set" for c in governor.children)):
            return SKIP if self.verb_status(governor) == SKIP else FUTURE
        if lemma in self.hedge or lemma in self.words["object_control"]:
            return SKIP
        return SKIP  # "too early to discuss", "tried to visit": an infinitive states no act

    def _hypothetical(self, verb) -> bool:
        """A modal, a negation or a condition on the verb or the verbs that govern it."""
        node = verb
        for _ in range(4):
            if self._negated(node) or self._conditional(node):
                return True
            if any(
                c.dep_ == "aux" and (c.lower_ in self.modal or c.lower_ in ("would", "'d"))
                for c in node.children
            ):
                return not self.reported(node)
            if node.dep_ not in ("xcomp", "pcomp", "conj") or node.head.i == node.i:
                return False
            node = node.head
        return False

    def _negated(self, verb) -> bool:
        for child in verb.children:
            if child.dep_ == "neg" or (child.dep_ == "advmod" and child.lower_ == "never"):
                return True
        return False

    def _conditional(self, verb) -> bool:
        node = verb
        for _ in range(6):
            for child in node.children:
                if child.dep_ == "mark" and child.lower_ in self.words["condition_marks"]:
                    return True
                if child.dep_ == "advcl" and any(
                    m.dep_ == "mark" and m.lower_ in self.words["condition_marks"] for m in child.children
                ):
                    return True
            if node.dep_ in ("ROOT",) or node.head.i == node.i or node.dep_ == "ccomp":
                return False
            node = node.head
        return False


def _has_subject(verb) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
