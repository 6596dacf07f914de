"""The English event coder: frames over a dependency parse, actors from the knowledge base."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from parley.actors.kb import KnowledgeBase
from parley.actors.matcher import ActorMention, AliasMatcher
from parley.actors.resolve import ActorResolver, DocContext
from parley.dates import DateExpression, dateline_end, days_from_reference, find_dates
from parley.events.args import (
    direct_object,
    expand,
    is_passive,
    object_words,
    place_heads,
    subject_heads,
)
from parley.events.frames import Frame, FrameSet, quad_class
from parley.events.gating import FUTURE, REAL, REFUSE, SKIP, Gate
from parley.events.targets import TargetRules, drop_untargeted_duplicates, places_of, share_targets
from parley.events.when import date_for
from parley.models import ActorRef, Document, Event


@dataclass
class Trigger:
    """A frame that fired on a token, with its resolved arguments."""

    token: object
    frame: Frame
    status: str
    sources: list[tuple[ActorRef, object]]
    targets: list[tuple[ActorRef, object]]
    cameo: str
    event_type: str
    mode: str | None


class EventCoder(TargetRules):
    """Codes the sentences of parsed documents into Events."""

    def __init__(self, kb: KnowledgeBase, frames: FrameSet, matcher: AliasMatcher):
        self.kb = kb
        self.frames = frames
        self.matcher = matcher
        self.resolver = ActorResolver(kb)
        self.gate = Gate(frames.settings, set(frames.by_verb))
        self.words = {name: set(words) for name, words in frames.settings.words.items()}
        self.controllers = self.words["object_control"] | self.words["causative_verbs"]
        self.contexts = {
            word.lower(): name for name, words in frames.settings.contexts.items() for word in words
        }
        self.phrase_contexts = {w: n for w, n in self.contexts.items() if " " in w}

    def code_doc(self, parsed, document: Document, hints: list | None = None) -> list[Event]:
        """All events in one parsed document. `hints` are (character offset, actor id): the people
        and first actor of sentences the prefilter left out before that offset, remembered as if
        those sentences had been parsed."""
        ctx = DocContext()
        pending = list(hints or [])
        events: list[Event] = []
        # "PYONGYANG, May 22 (Kyodo) - ": a dateline names the report's place, day and agency, no
        # actor and no event date; the parse makes it a sentence of its own (Parley._unparsed)
        cut = dateline_end(document.text)
        sentences = [s for s in parsed.sents if s.end_char > cut]
        for index, sentence in enumerate(sentences):
            while pending and pending[0][0] <= sentence.start_char:
                self.resolver.remember_named(pending.pop(0)[1], document.published, ctx)
            events.extend(self.code_sentence(sentence, index, document, ctx, cut))
        # one act found twice in one place (two rules, or a symmetric event between two bodies of
        # one state) is one event: the first stands
        unique: dict[str, Event] = {}
        for event in events:
            unique.setdefault(event.key, event)
        return list(unique.values())

    def code_sentence(
        self, sentence, index: int, document: Document, ctx: DocContext, cut: int = 0
    ) -> list[Event]:
        """Events in one sentence (a spaCy Span); the text before `cut` (a dateline) is no actor
        and no date."""
        words = [t.text for t in sentence]
        mentions: dict[int, ActorMention] = {}
        for found in self.matcher.find(words):
            if cut and sentence[found.start].idx < cut:
                continue
            shifted = ActorMention(
                found.start + sentence.start, found.end + sentence.start, found.actor_id, found.via
            )
            for i in range(shifted.start, shifted.end):
                mentions[i] = shifted
        dates = [
            d for d in find_dates(sentence.text, document.published, sentence.start_char) if d.start >= cut
        ]
        dates = _told_from_reference(dates, ctx)
        self._mentions_now = mentions
        triggers = self._triggers(sentence, mentions, dates, document, ctx)
        events = []
        for trigger in triggers:
            events.extend(self._emit(trigger, sentence, index, mentions, dates, document))
        events = share_targets(drop_untargeted_duplicates(events), triggers)
        self._remember_subjects(sentence, mentions, document, ctx)
        return events

    # ---------------------------------------------------------------- triggers
    def _triggers(self, sentence, mentions, dates, document, ctx) -> list[Trigger]:
        found: list[Trigger] = []
        consumed: set[int] = set()
        for token in sentence:
            if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB") or token.dep_ == "acomp":
                for frame in self.frames.by_verb.get(token.lemma_.lower(), ()):
                    trigger = self._try_verb(token, frame, mentions, document, ctx, consumed)
                    if trigger is not None:
                        if trigger.status != SKIP and trigger.sources:
                            found.append(trigger)
                        break
        for token in sentence:
            if token.i in consumed or token.pos_ not in ("NOUN", "PROPN"):
                continue
            for frame in self.frames.by_noun.get(token.lemma_.lower(), ()) or self.frames.by_noun.get(
                token.lower_, ()
            ):
                trigger = self._try_noun(token, frame, mentions, document, ctx)
                if trigger is not None:
                    if trigger.status != SKIP and trigger.sources:
                        found.append(trigger)
                    break
        return found

    def _try_verb(self, verb, frame: Frame, mentions, document, ctx, consumed) -> Trigger | None:
        """The trigger if the frame's constraints hold; None lets the next frame try."""
        obj = direct_object(verb)
        adjectival = (
            frame.adjectival and is_passive(verb) and not any(c.dep_ == "agent" for c in verb.children)
        )
        if adjectival:
            obj = None
        if not self._constraints_hold(verb, frame, obj):
            return None
        day = document.published
        obj_refs = self._refs([obj], mentions, day, ctx) if obj is not None else []
        if frame.object_actor and not (obj_refs and self._names_actor(obj, mentions)):
            return None
        if frame.object_kind and not self._kind_ok(obj_refs, frame.object_kind):
            return None
        status = self.gate.verb_status(verb, conditional_ok=frame.type == "THREATEN")
        subjects = (
            [c for c in verb.children if c.dep_ == "nsubjpass"]
            if adjectival
            else subject_heads(verb, self.controllers)
        )
        sources = self._refs(subjects, mentions, day, ctx)
        if frame.pair_satisfies and len(sources) < 2 and not self._has_word(verb, frame.requires_word):
            return None
        sources, targets = self._verb_targets(verb, frame, obj, subjects, sources, mentions, day, ctx)
        if frame.target_kind and targets and not self._kind_ok(targets, frame.target_kind):
            return None
        if frame.requires_target and not targets:
            return None
        if not self._subject_ok(frame, sources):
            return None
        if obj is not None and frame.object and sources:
            consumed.add(obj.i)
            consumed.update(t.i for t in obj.conjuncts)
        if frame.swap and status != FUTURE:  # a future host states its own intent: AGREE host -> guest
            sources, targets = targets, sources
        status, event_type, cameo, mode = self._verb_type(verb, frame, status)
        return Trigger(verb, frame, status, sources, targets, cameo, event_type, mode)

    def _verb_type(self, verb, frame: Frame, status: str):
        """(status, type, CAMEO code, mode), after stated intents and refusals."""
        event_type, cameo = frame.type, frame.cameo
        if status == FUTURE:
            event_type, cameo = self._future(frame)
        if status == REFUSE:
            event_type, cameo = self._refusal(frame)
            if event_type is None:
                return SKIP, frame.type, cameo, frame.mode
            status = REAL
        event_type, cameo = self._refine_by_complement(verb, frame, event_type, cameo)
        return status, event_type, cameo, (frame.mode if event_type == frame.type else None)

    def _try_noun(self, noun, frame: Frame, mentions, document, ctx) -> Trigger | None:
        if frame.requires_word and not self._has_word(noun, frame.requires_word, subtree=False):
            return None
        day = document.published
        status = self.gate.noun_status(noun)
        sources, targets = [], []
        for place in frame.pair:
            heads = place_heads(noun, place, None)
            if not heads and noun.dep_ == "nsubj":  # "fighting erupted ... between X and Y"
                heads = place_heads(noun.head, place, None)
            pair = self._refs(heads, mentions, day, ctx)
            if len(pair) >= 2:
                sources, targets = pair[:1], pair[1:]
                break
        if not sources:
            sources = self._noun_sources(noun, mentions, day, ctx, venue=frame.type in ("CONSULT", "AGREE"))
            if (
                not sources
                and noun.dep_ in ("dobj", "pobj")
                and noun.head.lemma_ in self.words["light_verbs"]
            ):
                # "speeded up the withdrawal of its forces": the verb's subject does the withdrawing
                heads = subject_heads(noun.head, self.controllers)
                sources = self._refs(heads, mentions, day, ctx)
            if len(sources) >= 2 and (frame.symmetric or frame.mutual):
                sources, targets = sources[:1], sources[1:]
        if not targets:
            for place in frame.target:
                targets = self._refs(place_heads(noun, place, None), mentions, day, ctx)
                if targets:
                    break
        if targets and not sources and frame.mutual and noun.dep_ == "pobj":
            # "soldiers were killed in a clash with Chinese troops": the clause's subject fought
            clause = noun.head.head
            heads = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
            own = {ref.country for ref, _ in targets}
            sources = [s for s in self._refs(heads, mentions, day, ctx) if s[0].country not in own]
        if not targets and frame.type in self.words["content_types"] | {"AGREE"}:
            targets = self._reaction_target(noun, mentions, day, ctx, sources)
        if frame.target_kind and targets and not self._kind_ok(targets, frame.target_kind):
            return None
        if frame.requires_target and not targets:
            return None
        if frame.source_sector:
            sources = [(_with_sector(ref, frame.source_sector), tok) for ref, tok in sources]
        return Trigger(noun, frame, status, sources, targets, frame.cameo, frame.type, frame.mode)

    # ---------------------------------------------------------------- checks
    def _constraints_hold(self, verb, frame: Frame, obj) -> bool:
        if frame.adjective and verb.pos_ != "ADJ" and verb.dep_ != "acomp":
            return False
        if frame.no_complement and any(c.dep_ in ("oprd", "xcomp", "ccomp", "acomp") for c in verb.children):
            return False
        particles = {c.lower_ for c in verb.children if c.dep_ == "prt"}
        if frame.particle and frame.particle not in particles:
            return False
        if (
            not (frame.particle or frame.particle_or_prep or frame.object)
            and particles & self.words["phrasal_particles"]
        ):
            return False  # "called off" is not "call", "pulled out" is not "pull"
        if frame.excludes_word and self._has_word(verb, frame.excludes_word):
            return False
        if frame.clause_modal and not any(
            a.dep_ == "aux" and a.lower_ in frame.clause_modal
            for c in verb.children
            if c.dep_ == "ccomp"
            for a in c.children
        ):
            return False
        if frame.particle_or_prep:
            nearby = particles | {c.lower_ for c in verb.children if c.dep_ == "prep"}
            if not nearby & set(frame.particle_or_prep):
                return False
        words = object_words(obj)
        if frame.object:
            allowed = {w.lower() for w in frame.object if w}
            if obj is None and None not in frame.object:
                return False
            if obj is not None and not words & allowed:
                return False
            for key, needed in frame.requires_word_if_object.items():
                if key in words and not self._has_word(verb, needed):
                    return False
        if frame.object_not and words & {w.lower() for w in frame.object_not}:
            return False
        if frame.requires_word and not frame.pair_satisfies and not self._has_word(verb, frame.requires_word):
            return False
        return True

    def _has_word(self, token, needed: list[str], subtree: bool = True) -> bool:
        """Is one of the words in the trigger's clause (not in its conditions or side clauses)?"""
        wanted = {w.lower() for w in needed}
        if not subtree:
            return any(t.lower_ in wanted or t.lemma_.lower() in wanted for t in (token, *token.children))
        stack = [token]
        while stack:
            t = stack.pop()
            if t.lower_ in wanted or t.lemma_.lower() in wanted:
                return True
            stack.extend(c for c in t.children if c.dep_ not in ("advcl", "relcl", "parataxis"))
        return False

    def _kind_ok(self, refs, kinds: list[str]) -> bool:
        if not refs:
            return "none" in kinds
        for ref, _ in refs:
            actor = self.kb.get(ref.actor_id)
            kind = actor.kind if actor else "none"
            if kind == "state" and ref.sector in ("CVL",):
                kind = "person"
            if kind in kinds or (
                kind in ("institution", "party", "media", "organ", "igo") and "state" in kinds
            ):
                return True
        return False

    def _subject_ok(self, frame: Frame, sources) -> bool:
        if not sources:
            return True
        sectors = {ref.sector for ref, _ in sources}
        if frame.subject_sector and not sectors & set(frame.subject_sector):
            return False
        if frame.subject_sector_not and sectors & set(frame.subject_sector_not):
            return False
        if frame.subject_kind:
            kinds = {
                (self.kb.get(ref.actor_id).kind if self.kb.get(ref.actor_id) else None) for ref, _ in sources
            }
            if not kinds & set(frame.subject_kind):
                return False
        return True

    def _refusal(self, frame: Frame) -> tuple[str | None, str]:
        """'Kazakhstan will not recognise ...': a stated refusal of a cooperative act is REJECT."""
        cameo = {
            "CONSULT": "125",
            "AID": "122",
            "COOPERATE": "121",
            "RETREAT": "124",
            "CONCEDE": "124",
            "SUPPORT": "120",
            "AGREE": "120",
        }.get(frame.type)
        return ("REJECT", cameo) if cameo else (None, frame.cameo)

    def _future(self, frame: Frame) -> tuple[str, str]:
        shift = self.frames.settings.future_shift.get(frame.type)
        return (shift[0], shift[1]) if shift else (frame.type, frame.cameo)

    def _refine_by_complement(self, verb, frame: Frame, event_type: str, cameo: str):
        """'agreed to hold talks' is AGREE to meet (036); 'threatened to impose sanctions' 1312."""
        if frame.type not in ("AGREE", "THREATEN", "REJECT", "REQUEST"):
            return event_type, cameo
        for child in verb.children:
            if child.dep_ != "xcomp":
                continue
            for inner in self.frames.by_verb.get(child.lemma_.lower(), ()):
                if not self._constraints_hold(child, inner, direct_object(child)):
                    continue
                if frame.type == "AGREE":
                    shift = self.frames.settings.future_shift.get(inner.type)
                    if shift and shift[0] == "AGREE":
                        return "AGREE", shift[1]
                    if shift and shift[0] == "THREATEN":
                        return "THREATEN", shift[1]
                if frame.type == "THREATEN":
                    shift = self.frames.settings.future_shift.get(inner.type)
                    if shift and shift[0] == "THREATEN":
                        return "THREATEN", shift[1]
                return event_type, cameo
        return event_type, cameo

    # ---------------------------------------------------------------- actors
    def _refs(self, heads, mentions, day: date | None, ctx) -> list[tuple[ActorRef, object]]:
        refs: list[tuple[ActorRef, object]] = []
        for head in expand([h for h in heads if h is not None]):
            for ref in self.resolver.resolve(head, mentions, day, ctx):
                if all(ref.actor_id != r.actor_id or ref.sector != r.sector for r, _ in refs):
                    refs.append((ref, head))
        return refs

    def _noun_sources(self, noun, mentions, day, ctx, venue: bool = False):
        heads = _modifier_heads(noun)
        holders = [noun] + (
            [noun.head] if noun.dep_ == "dobj" and noun.head.lemma_ in self.words["reaction_verbs"] else []
        )
        for holder in holders:  # "drew a rebuke from Pyongyang"
            for prep in (
                c for c in holder.children if c.dep_ in ("prep", "agent") and c.lower_ in ("from", "by")
            ):
                heads.extend(c for c in prep.children if c.dep_ == "pobj")
        refs = []
        compounds = [h for h in heads if h.dep_ == "compound" and h.i in mentions]
        for head in expand(heads):
            mention = mentions.get(head.i)
            if mention is not None and mention.via == "metonym" and head.dep_ == "compound":
                continue  # "the Hanoi summit": a place, not a party
            if (
                venue
                and mention is not None
                and head.dep_ == "compound"
                and len(compounds) == 1
                and self.kb.actors[mention.actor_id].kind == "state"
            ):
                continue  # "the Singapore summit": one state named before a meeting is its venue
            for ref in self.resolver.resolve(head, mentions, day, ctx):
                if all(ref.actor_id != r.actor_id for r, _ in refs):
                    refs.append((ref, head))
        return refs

    def _remember_subjects(self, sentence, mentions, document, ctx) -> None:
        for token in sentence:
            if token.dep_ in ("nsubj", "nsubjpass") and token.pos_ != "PRON":
                refs = self.resolver.resolve(token, mentions, document.published, ctx)
                self.resolver.remember(refs, ctx)

    # ---------------------------------------------------------------- events
    def _emit(self, trigger: Trigger, sentence, index, mentions, dates, document) -> list[Event]:
        pairs = []
        targets = trigger.targets
        paired = (
            trigger.frame.mutual
            or trigger.frame.symmetric
            or trigger.event_type in self.words["paired_types"]
        )
        if not targets and paired and len(trigger.sources) > 1:
            for i, (a, ta) in enumerate(trigger.sources):
                for b, tb in trigger.sources[i + 1 :]:
                    pairs.append(((a, ta), (b, tb)))
        else:
            for source in trigger.sources:
                if not targets:
                    pairs.append((source, None))
                for target in targets:
                    if _self_reference(source, target):
                        continue  # "condemned by the EU, whose chief called it ...": not the EU on itself
                    if target[0].actor_id != source[0].actor_id or target[0].sector != source[0].sector:
                        pairs.append((source, target))
        symmetric = trigger.frame.symmetric or (trigger.frame.mutual and trigger.event_type != "AGREE")
        if paired and not targets and len(trigger.sources) > 1:
            symmetric = True
        host = self._venue_country(trigger, mentions) if trigger.event_type == "CONSULT" else None
        events = []
        for source, target in pairs:
            if host is not None and target is not None and source[0].country == host != target[0].country:
                source, target = target, source  # "met X in X's capital": the other side visited
            events.append(self._event(trigger, source, target, sentence, index, dates, document, mentions))
            if symmetric and target is not None and host is None:
                reverse = self._event(trigger, target, source, sentence, index, dates, document, mentions)
                reverse.rule += ":reverse"
                events.append(reverse)
        return events

    def _venue_country(self, trigger, mentions) -> str | None:
        """The state a meeting takes place in ('in Vladivostok', 'during a visit to Moscow')."""
        token = trigger.token
        places = list(places_of(token)) + place_heads(token, "nested.to", None)
        for place in places:
            mention = mentions.get(place.i)
            if mention is not None and self.kb.actors[mention.actor_id].kind == "state":
                return self.kb.actors[mention.actor_id].country
        return None

    def _event(self, trigger, source, target, sentence, index, dates, document, mentions) -> Event:
        frame = trigger.frame
        tokens = [trigger.token, source[1]] + ([target[1]] if target else [])
        extents = [_extent(t) for t in tokens]
        doc = trigger.token.doc
        for token in tokens[1:]:  # an alias may be parsed oddly ("Moon Jae-in"): keep it whole
            mention = mentions.get(token.i)
            if mention is not None:
                extents.append((doc[mention.start].idx, doc[mention.end - 1].idx + len(doc[mention.end - 1])))
        start = min(e[0] for e in extents)
        end = max(e[1] for e in extents)
        text = document.text  # Doc.text would rebuild the whole text from its tokens every time
        when = date_for(trigger.token, dates, document, self.gate.reported)
        contexts = self._contexts(trigger.token, frame)
        confidence = frame.confidence
        if trigger.status == FUTURE:
            confidence -= 0.1
        if source[1].pos_ == "PRON":
            confidence -= 0.15
        return Event(
            doc_id=document.id,
            sentence=index,
            char_start=start,
            char_end=end,
            quote=text[start:end],
            event_type=trigger.event_type,
            mode=trigger.mode,
            contexts=contexts,
            cameo=trigger.cameo,
            goldstein=self.frames.goldstein_for(trigger.cameo),
            quad_class=quad_class(trigger.cameo),
            plover_score=self.frames.plover_score(trigger.event_type, trigger.mode),
            source=source[0],
            target=target[0] if target else None,
            date=when.date,
            date_precision=when.precision,
            date_text=when.text,
            confidence=round(max(0.05, min(confidence, 0.99)), 2),
            rule=frame.id + (":future" if trigger.status == FUTURE else ""),
            earlier=when.earlier,
        )

    def _contexts(self, trigger, frame: Frame) -> list[str]:
        found = list(frame.contexts)
        sentence = trigger.sent
        for token in sentence:
            name = self.contexts.get(token.lower_) or self.contexts.get(token.lemma_.lower())
            if name and name not in found:
                found.append(name)
        padded = f" {sentence.text.lower()} "
        for phrase, name in self.phrase_contexts.items():
            if name not in found and f" {phrase} " in padded:
                found.append(name)
        return found


def _self_reference(source, target) -> bool:
    """A pronoun target that resolved to the source's own country."""
    return getattr(target[1], "pos_", "") == "PRON" and target[0].country == source[0].country


def _extent(token) -> tuple[int, int]:
    """Character extent of a token with its name-forming modifiers ('the State Department',
    'Moon Jae-in', "North Korea's missile launch")."""
    start = token
    stack = [c for c in token.lefts if c.dep_ in NAME_DEPS]
    while stack:
        child = stack.pop()
        if child.i < start.i:
            start = child
        stack.extend(c for c in child.lefts if c.dep_ in NAME_DEPS or (c.dep_ == "punct" and c.text == "-"))
    return start.idx, token.idx + len(token.text)


# Left modifiers that belong to a name or noun phrase core.
NAME_DEPS = {"compound", "amod", "poss", "det", "nmod", "nummod", "case"}


def _modifier_heads(noun) -> list:
    """Possessive, compound and adjectival modifiers, through nested compounds ("US-ROK")."""
    heads, stack = [], [c for c in noun.children if c.dep_ in ("poss", "compound", "amod", "nmod")]
    while stack:
        token = stack.pop(0)
        heads.append(token)
        stack.extend(c for c in token.children if c.dep_ in ("compound", "amod", "nmod", "npadvmod"))
    return heads


def _with_sector(ref: ActorRef, sector: str) -> ActorRef:
    if ref.sector == sector:
        return ref
    return ActorRef(
        text=ref.text,
        actor_id=ref.actor_id,
        name=ref.name,
        country=ref.country,
        sector=sector,
        cameo=ref.country + sector if len(ref.cameo) >= 3 else ref.cameo,
    )


def _told_from_reference(dates: list[DateExpression], ctx: DocContext) -> list[DateExpression]:
    """Fill in "the next day", "two days earlier" from the day the sentence gives first (its main
    clause's, as a rule: "Russia on Sunday expelled 20 Czechs, retaliating for Prague's expulsions
    a day earlier"), else from the day the sentences before gave; keep that day for the next ones."""
    ordered = sorted(dates, key=lambda e: e.start)
    given = [e for e in ordered if e.value is not None]
    # "began last weekend with ..., followed a day later by ...": no day to count from
    first = given[0].value if given and given[0].precision == "day" else None
    reference = first or (None if given else ctx.reference)
    filled = {}
    for expression in ordered:
        shift = days_from_reference(expression.text) if expression.value is None else None
        if shift is not None and reference is not None:
            filled[expression.start] = replace(expression, value=reference + timedelta(days=shift))
    ctx.reference = first or next((e.value for e in filled.values()), None if given else ctx.reference)
    return [filled.get(e.start, e) for e in dates]
