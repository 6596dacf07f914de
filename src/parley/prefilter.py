"""A cheap test before the parser: which sentences could hold an event at all.

A sentence can yield an event only if it has a trigger (a verb or noun of the frames, in any
inflection) and something a source could resolve to: a knowledge-base alias, a pronoun, or a
definite description ("the ministry", "the two sides"). Sentences are split by spaCy's rule-based
sentencizer, triggers are found by a set lookup of lower-cased word forms, and actors by the same
alias matcher the coder uses. Only the sentences that pass are parsed, as one shorter text per
document, and the events' offsets are mapped back to the original text.

Dropping sentences loses context the coder could have used: a pronoun whose antecedent sat in a
dropped sentence. `parley bench` and the tests measure the events found with and without the
prefilter, and every difference is reported.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace

from parley.actors.resolve import PAIR_NOUNS
from parley.models import Document, Event

PRONOUNS = frozenset("it its they their them he his him she her we our".split())
JOIN = "\n\n"
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")


def verb_forms(lemma: str) -> set[str]:
    """Regular inflections of an English verb (over-generating is harmless here)."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", lemma + "ing"}
    if lemma.endswith("e"):
        forms |= {lemma[:-1] + "ing", lemma[:-1] + "ed"}
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ied", lemma[:-1] + "ies"}
    if len(lemma) > 2:
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


def noun_forms(lemma: str) -> set[str]:
    forms = {lemma, lemma + "s", lemma + "es"}
    if lemma.endswith("y"):
        forms.add(lemma[:-1] + "ies")
    return forms


@dataclass
class Segment:
    start: int  # in the original text
    end: int
    index: int  # sentence number in the rule-based segmentation
    passes: bool
    words: list[str] = field(default_factory=list)  # its tokens, kept for dropped sentences


class Prefilter:
    def __init__(self, parley):
        import spacy

        self.splitter = spacy.blank("en")
        self.splitter.add_pipe("sentencizer")
        self.matcher = parley.coder.matcher
        self.kb = parley.kb
        self.rules = _trigger_rules(parley.frames, _irregular_forms(parley.nlp))
        self.triggers = frozenset(self.rules)
        lexicon = parley.kb.lexicon
        described = set()
        for source in (getattr(lexicon, "sectors", {}), getattr(lexicon, "roles", {})):
            described |= {_head_word(str(key)) for key in source}
        # counted nouns stand for the two parties just named ("the two Koreas", "both sides")
        pairs = {form for noun in PAIR_NOUNS for form in noun_forms(noun)} | {"koreas"}
        self.descriptions = frozenset(described | pairs | {"government", "ministry", "country"})

    def segments(self, text: str) -> list[Segment]:
        doc = self.splitter(text)
        out = []
        for index, sentence in enumerate(doc.sents):
            words = [t.text for t in sentence]
            lowered = {w.lower() for w in words}
            trigger = self._triggered(lowered)
            actor = trigger and (
                not lowered.isdisjoint(PRONOUNS)
                or not lowered.isdisjoint(self.descriptions)
                or bool(self.matcher.find(words))
            )
            passes = trigger and actor
            out.append(
                Segment(sentence.start_char, sentence.end_char, index, passes, [] if passes else words)
            )
        return out

    def _triggered(self, lowered: set[str]) -> bool:
        """Could some frame fire: its trigger word is here, and a word of each of its required
        word groups (object, required word, clause modal, particle)?"""
        for word in lowered & self.triggers:
            for needs in self.rules[word]:
                if all(not lowered.isdisjoint(group) for group in needs):
                    return True
        return False

    def reduce(self, document: Document) -> tuple[Document, dict, int]:
        """The document cut down to its passing sentences, the offset map, and the count of
        sentences. Neighbouring kept sentences stay one piece of the original text. (Keeping the
        sentence before each passing one as context was measured and recovered nothing.)"""
        segments = self.segments(document.text)
        keep = [segment.passes for segment in segments]
        pieces: list[tuple[int, int]] = []  # (original start, original end) of runs of kept sentences
        for segment, kept in zip(segments, keep, strict=True):
            if not kept:
                continue
            if pieces and pieces[-1][1] == segment.start:
                pieces[-1] = (pieces[-1][0], segment.end)
            else:
                pieces.append((segment.start, segment.end))
        offsets, texts, hints, at = [], [], [], 0
        piece = 0
        for segment, kept in zip(segments, keep, strict=True):
            if kept:
                continue
            # A dropped sentence still sets the context later sentences resolve against: people
            # they call by surname ("Kim met Shoigu"), and the subject that "it" or "the ministry"
            # points back to. Its people, then its first actor (the subject it most likely has),
            # are handed to the coder to remember as if the sentence had been parsed.
            while piece < len(pieces) and pieces[piece][0] < segment.start:
                piece += 1
            for actor in self._named(segment.words):
                hints.append((piece, actor))
        for begin, finish in pieces:
            offsets.append((at, begin, finish - begin))
            texts.append(document.text[begin:finish])
            at += finish - begin + len(JOIN)
        positions = [offsets[i][0] if i < len(offsets) else at for i, _ in hints]
        mapping = {
            "pieces": offsets,
            "starts": [s.start for s in segments],
            "hints": [(position, actor) for position, (_, actor) in zip(positions, hints, strict=True)],
        }
        return replace(document, text=JOIN.join(texts)), mapping, len(segments)

    def _named(self, words: list[str]) -> list[str]:
        """The people a sentence names, then its first actor of any kind, without repeats."""
        found = [m.actor_id for m in self.matcher.find(words) if m.actor_id in self.kb.actors]
        if not found:
            return []
        people = [a for a in found if self.kb.actors[a].kind == "person" and a != found[0]]
        return list(dict.fromkeys(people)) + [found[0]]


def restore(events: list[Event], document: Document, mapping: dict) -> list[Event]:
    """Events found in a reduced text, with offsets and sentence numbers of the original."""
    out = []
    for event in events:
        for reduced_start, original_start, length in mapping["pieces"]:
            if reduced_start <= event.char_start < reduced_start + length:
                shift = original_start - reduced_start
                start = event.char_start + shift
                out.append(
                    replace(
                        event,
                        doc_id=document.id,
                        sentence=max(0, bisect_right(mapping["starts"], start) - 1),
                        char_start=start,
                        char_end=event.char_end + shift,
                    )
                )
                break
    return out


def _trigger_rules(frames, irregular: dict[str, set[str]]) -> dict[str, list[tuple[frozenset, ...]]]:
    """{trigger word form: the word groups each of its frames also needs}. Only constraints that
    the coder checks as words are compiled (a necessary condition, so nothing the coder would find
    is dropped): the object head of `object` lists without null, `requires_word` (unless
    coordinated actors may stand in), `clause_modal`, `particle` and `particle_or_prep`. Frames
    with none of them need only their trigger."""

    def forms(word: str) -> set[str]:
        word = word.lower()
        out = verb_forms(word) | noun_forms(word) | irregular.get(word, set())
        if word.endswith("s"):  # object words also match with a final "s" dropped
            out |= noun_forms(word[:-1]) | irregular.get(word[:-1], set())
        return out

    rules: dict[str, set[tuple[frozenset, ...]]] = {}
    for frame in frames.frames:
        needs = []
        if frame.object and None not in frame.object:
            # object_words() matches the object's head (text or lemma) or a phrase ending in it
            needs.append(frozenset().union(*(forms(w.split()[-1]) for w in frame.object)))
        if frame.requires_word and not frame.pair_satisfies:
            needs.append(frozenset().union(*(forms(w) for w in frame.requires_word)))
        if frame.clause_modal:
            needs.append(frozenset(w.lower() for w in frame.clause_modal))
        if frame.particle:
            needs.append(frozenset({frame.particle.lower()}))
        if frame.particle_or_prep:
            needs.append(frozenset(w.lower() for w in frame.particle_or_prep))
        need = tuple(sorted(needs, key=len))
        words: set[str] = set()
        for verb in frame.verbs:
            for word in verb.lower().split():
                words |= verb_forms(word) | irregular.get(word, set())
        for noun in frame.nouns:
            head = noun.lower().split()[-1]  # the coder looks nouns up by their last word
            words |= noun_forms(head) | verb_forms(head) | irregular.get(head, set())
        for word in words:
            rules.setdefault(word, set()).add(need)
    # a word with an unconstrained frame needs nothing else
    return {w: [()] if () in needs else sorted(needs, key=len) for w, needs in rules.items()}


def _head_word(key: str) -> str:
    """The noun a description is resolved by: "secretary of state" -> secretary, "top diplomat" ->
    diplomat."""
    words = key.lower().split()
    if "of" in words[1:]:
        words = words[: words.index("of")]
    return words[-1]


def _irregular_forms(nlp) -> dict[str, set[str]]:
    """Irregular forms by lemma ("met" for meet), from the model's lemmatizer exceptions."""
    forms: dict[str, set[str]] = {}
    try:
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_exc")
    except (KeyError, ValueError):
        return forms
    for pos in ("verb", "noun"):
        for form, lemmas in table[pos].items():
            for lemma in lemmas:
                forms.setdefault(lemma, set()).add(form)
    return forms
