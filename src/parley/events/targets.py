"""Where an event's target hides when it is not the object: in a complement clause, in the
place the act happens, or in whoever drew a reaction."""

from __future__ import annotations

import calendar
from typing import TYPE_CHECKING

from parley.actors.resolve import RELATION_PARTICIPLES, make_ref
from parley.events.args import direct_object, is_passive, place_heads, subject_heads
from parley.events.frames import Frame
from parley.models import ActorRef, Event

if TYPE_CHECKING:  # the coder imports this module
    from parley.events.coder import Trigger


class TargetRules:
    """Target-finding rules shared by the verb and noun triggers of EventCoder."""

    def _verb_targets(self, verb, frame: Frame, obj, subjects, sources, mentions, day, ctx):
        """Sources and targets of a verb trigger: the frame's places first, then the fallbacks of
        the target rules, most specific first."""
        targets: list[tuple[ActorRef, object]] = []
        unnamed_people = []  # target phrases that name people of no stated country
        for place in frame.target:
            heads = place_heads(verb, place, obj)
            targets = self._refs(heads, mentions, day, ctx)
            if targets:
                break
            unnamed_people += [h for h in heads if self._names_people(h)]
        if not targets and verb.dep_ == "relcl" and obj is None and frame.type in self.words["content_types"]:
            targets = self._antecedent_target(verb, mentions, day, ctx, sources)
        if not targets and frame.type in self.words["content_types"]:
            own = {ref.country for ref, _ in sources}
            targets = [t for t in self._content_targets(verb, mentions, day, ctx) if t[0].country not in own]
        if frame.requires_target and not targets and not unnamed_people:
            return sources, []  # the frame wants a named recipient; guesses from places do not count
        paired = frame.mutual or frame.symmetric or frame.type in self.words["paired_types"]
        if not targets and paired and len(sources) > 1:
            return sources, []  # "Saudi Arabia and Iran agreed ...": they act towards each other
        if (
            not sources
            and frame.type in self.words["civilian_types"]
            and any(map(self._unplaced_group, subjects))
        ):
            sources = self._civilian_source(verb, subjects, targets, mentions, day, ctx)
        if not sources and frame.type == "COERCE" and not subjects and is_passive(verb):
            sources = self._authorities_where(verb, mentions, day, ctx)  # "91 were detained in Russia"
        at_home = sources and self._only_home(sources, mentions, verb)
        if not targets and unnamed_people and at_home and frame.type in self.words["domestic_types"]:
            targets = [(self._compatriots(sources[0][0], "CVL"), unnamed_people[0])]
        if not targets and frame.type in self.words["located_types"]:
            targets = self._location_target(verb, obj, mentions, day, ctx, sources)
        inward = frame.type in self.words["inward_types"] or (
            frame.type == "ASSAULT" and sources and sources[0][0].sector == "REB"
        )
        if not targets and at_home and inward:
            targets = [(self._compatriots(sources[0][0], "GOV"), verb)]  # protests, insurgencies at home
        return sources, targets

    def _names_people(self, token) -> bool:
        """Does the phrase name people without naming an actor ('protesters', 'Pedro Castillo')?"""
        lexicon = self.kb.lexicon
        if token.lemma_.lower() in lexicon.quantities:
            return any(self._names_people(o) for p in token.children if p.lower_ == "of" for o in p.children)
        word = token.lower_
        return (
            lexicon.sectors.get(word) == "CVL"
            or lexicon.sectors.get(token.lemma_.lower()) == "CVL"
            or word in self.words["people"]
            or word in lexicon.roles
            or (token.pos_ == "PROPN" and token.i not in self._mentions_now and word not in CALENDAR_WORDS)
        )

    def _unplaced_group(self, token) -> bool:
        """People or armed groups of no stated country ('protesters', 'gunmen', 'unions')."""
        sector = self.kb.lexicon.sectors.get(token.lower_) or self.kb.lexicon.sectors.get(
            token.lemma_.lower()
        )
        return self._names_people(token) or sector in ("REB", "LAB")

    def _only_home(self, sources, mentions, verb) -> bool:
        """Does the act's clause name no state other than the source's own? A participle with no
        subject of its own ('..., killing 11 people') shares the clause it hangs from."""
        home = sources[0][0].country
        clause = verb
        while clause.dep_ in ("conj", "xcomp", "advcl", "acl") and clause.head.i != clause.i:
            if clause.dep_ in ("advcl", "conj") and any(
                c.dep_ in ("nsubj", "nsubjpass") for c in clause.children
            ):
                break
            clause = clause.head
        for token in _own_clause(clause):
            mention = mentions.get(token.i)
            if mention is not None and self.kb.actors[mention.actor_id].country != home:
                actor = self.kb.actors[mention.actor_id]
                if actor.kind in ("state", "igo", "organ") or actor.country not in (
                    "IGO",
                    "NGO",
                    "MNC",
                    "IMG",
                ):
                    return False
        return True

    def _authorities_where(self, verb, mentions, day, ctx):
        """The police of the state where an agentless arrest or raid took place."""
        where = self._location_target(verb, None, mentions, day, ctx, [])
        state = self.kb.country_actor(where[0][0].country) if where else None
        return [(make_ref(state, state.name, "COP"), verb)] if state is not None else []

    def _compatriots(self, ref: ActorRef, sector: str) -> ActorRef:
        """The source's own country: the target of a crackdown or protest at home."""
        state = self.kb.country_actor(ref.country)
        return make_ref(state, state.name, sector) if state is not None else ref

    def _civilian_source(self, verb, subjects, targets, mentions, day, ctx):
        """'Protesters stormed the residence of the Sri Lankan president': people of no stated
        country act where they are, or against their own government."""
        where = self._location_target(verb, direct_object(verb), mentions, day, ctx, [])
        country = where[0][0].country if where else (targets[0][0].country if targets else None)
        state = self.kb.country_actor(country) if country else None
        if state is None:
            return []
        word = subjects[0]
        sector = self.kb.lexicon.sectors.get(word.lower_) or self.kb.lexicon.sectors.get(word.lemma_.lower())
        return [(make_ref(state, word.text, sector if sector in ("REB", "LAB") else "CVL"), word)]

    def _names_actor(self, token, mentions) -> bool:
        """Does the phrase head itself name an actor ('welcomed Kim', not 'welcomed Kim's decision')?"""
        if token.i in mentions or token.pos_ in ("PRON", "PROPN"):
            return True
        return token.lower_ in self.words["people"] or token.lower_ in self.kb.lexicon.roles

    def _location_target(self, verb, obj, mentions, day, ctx, sources):
        """'reimposed blockades in the West Bank', 'will provide aid to refugees in Liberia': with no
        named recipient, a state where the act happens is the target (as the PLOVER GSR codes it)."""
        own = {ref.country for ref, _ in sources}
        holders = [verb] + ([obj] if obj is not None else [])
        for clause in (c for c in verb.children if c.dep_ == "xcomp"):
            inner = direct_object(clause)
            holders += [clause] + ([inner] if inner is not None else [])
        for holder in holders:
            for place in places_of(holder):
                states = [
                    (r, head)
                    for r, head in self._refs([place], mentions, day, ctx)
                    if self.kb.get(r.actor_id)
                    and self.kb.get(r.actor_id).kind == "state"
                    and r.country not in own
                ]
                if states:  # "positions in northern Iraq and northern Syria": both
                    return states
        return self._predicate_target(verb, mentions, day, ctx, own)

    def _predicate_target(self, verb, mentions, day, ctx, own: set[str]):
        """Last resort: the first state or organisation named in the predicate, after the verb and
        outside its subject ('agreed to provide aid to refugees fleeing the war in Liberia')."""
        subjects = {
            t.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj") for t in c.subtree
        }
        for token in verb.subtree:
            if token.i <= verb.i or token.i in subjects or token.i not in mentions:
                continue
            if token.head.lower_ in RELATION_PARTICIPLES:
                continue  # "the French-brokered deal" is not aimed at France
            actor = self.kb.actors[mentions[token.i].actor_id]
            if actor.kind in ("state", "igo", "organ") and actor.country not in own:
                refs = self.resolver.resolve(token, mentions, day, ctx)
                if refs:
                    return [(refs[0], token)]
        return []

    def _antecedent_target(self, verb, mentions, day, ctx, sources):
        """'..., a move Beijing denounced as selfish': the relative clause's noun is the object, and
        a bare 'move' or 'step' stands for the main clause, whose subject is the target."""
        noun = verb.head
        own = {ref.country for ref, _ in sources}
        refs = [t for t in self._refs([noun], mentions, day, ctx) if t[0].country not in own]
        if refs:
            return refs
        clause = noun.head
        while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
            clause = clause.head
        subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
        return [t for t in self._refs(subjects, mentions, day, ctx) if t[0].country not in own]

    def _reaction_target(self, noun, mentions, day, ctx, sources):
        """'X's launch drew a rebuke from Pyongyang', 'earned it a rebuke': the target is who drew it."""
        verb = noun.head
        reacting = verb.lemma_ in self.words["reaction_verbs"] or (
            verb.lemma_ in self.words["response_verbs"] and noun.lemma_ in self.words["response_nouns"]
        )
        if noun.dep_ != "dobj" or not reacting:
            return []
        heads = [c for c in verb.children if c.dep_ in ("dative", "iobj")] or subject_heads(
            verb, self.words["object_control"]
        )
        own = {ref.country for ref, _ in sources}
        return [t for t in self._refs(heads, mentions, day, ctx) if t[0].country not in own]

    def _content_targets(self, verb, mentions, day, ctx) -> list[tuple[ActorRef, object]]:
        """'refused to hold talks with X', 'demanded that X release', 'warned it would expel X',
        'threatened to retaliate if X ...'."""
        found = []
        for clause in clauses_of(verb):
            if clause.dep_ == "advcl":
                subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
                found += self._refs(subjects, mentions, day, ctx)
                continue
            if clause.dep_ == "ccomp":
                subjects = [
                    c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ != "PRON"
                ]
                refs = self._refs(subjects, mentions, day, ctx)
                if refs and verb.lemma_ not in ("warn", "vow", "threaten", "pledge", "promise"):
                    return refs
            obj = direct_object(clause)
            for place in (
                "dobj",
                "with",
                "to",
                "on",
                "against",
                "at",
                "obj.on",
                "obj.against",
                "obj.with",
                "obj.to",
                "obj.for",
                "obj.between",
                "for",
                "by",
            ):
                refs = self._refs(place_heads(clause, place, obj), mentions, day, ctx)
                if refs:
                    found += refs
                    break
        return found


CALENDAR_WORDS = {name.lower() for name in (*calendar.day_name, *calendar.month_name) if name}


def _own_clause(head):
    """The clause's tokens without subordinate clauses that have subjects of their own
    ('..., after the government shelved talks on joining the EU')."""
    stack = [head]
    while stack:
        token = stack.pop()
        yield token
        for child in token.children:
            if child.dep_ in ("advcl", "relcl") and any(
                c.dep_ in ("nsubj", "nsubjpass") for c in child.children
            ):
                continue
            stack.append(child)


def share_targets(events: list[Event], triggers: list[Trigger]) -> list[Event]:
    """'slammed Washington's move and promised a tough response': the threat answers Washington."""
    by_token = {t.token.i: t for t in triggers}
    for event in events:
        if event.target is not None or event.event_type != "THREATEN":
            continue
        trigger = next(
            (
                t
                for t in triggers
                if t.event_type == "THREATEN"
                and t.sources
                and t.sources[0][0].actor_id == event.source.actor_id
            ),
            None,
        )
        if trigger is None or trigger.token.dep_ != "conj" or trigger.token.head.i not in by_token:
            continue
        partner = by_token[trigger.token.head.i]
        if partner.event_type in ("ACCUSE", "REJECT", "THREATEN") and partner.targets:
            event.target = partner.targets[0][0]
            event.rule += ":shared-target"
    return answer_provocations(events)


def answer_provocations(events: list[Event]) -> list[Event]:
    """'India struck sites in Pakistan, and Islamabad vowed to retaliate': a threat, accusation or
    rejection with no target answers whoever acted against its source in the same sentence."""
    for event in events:
        if event.target is not None or event.event_type not in ("THREATEN", "ACCUSE", "REJECT"):
            continue
        provocation = next(
            (
                other
                for other in events
                if other is not event
                and other.target is not None
                and other.target.country == event.source.country
                and other.source.country != event.source.country
            ),
            None,
        )
        if provocation is not None:
            event.target = provocation.source
            event.rule += ":answers"
    return events


def drop_untargeted_duplicates(events: list[Event]) -> list[Event]:
    """'shelled Yeonpyeong Island, killing two marines': one attack with a target, not two."""
    targeted = {(e.event_type, e.source.actor_id) for e in events if e.target is not None}
    return [e for e in events if e.target is not None or (e.event_type, e.source.actor_id) not in targeted]


def places_of(holder):
    """Objects of 'in' on the holder, and of 'in' inside its 'to' phrases ('to the Olympics in X')."""
    for prep in (c for c in holder.children if c.dep_ == "prep"):
        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
            if prep.lower_ in ("in", "inside", "across"):
                yield pobj
            elif prep.lower_ == "to":
                yield from (
                    o
                    for p in pobj.children
                    if p.dep_ == "prep" and p.lower_ == "in"
                    for o in p.children
                    if o.dep_ == "pobj"
                )


def clauses_of(verb):
    """Complement clauses, then conditions ('if X ...') for threats."""
    complements = [c for c in verb.children if c.dep_ in ("xcomp", "ccomp")]
    purposes = [c for c in verb.children if c.dep_ == "advcl" and any(a.lower_ == "to" for a in c.children)]
    complements += purposes + [g for p in purposes for g in p.children if g.dep_ == "ccomp"]
    conditions = [  # "... if X continues", and reactions: "... after X approved a sale"
        c
        for c in verb.children
        if c.dep_ == "advcl"
        and any(m.dep_ == "mark" and m.lower_ in ("if", "unless", "after", "until") for m in c.children)
    ]
    for clause in complements:
        conditions += [
            c
            for c in clause.children
            if c.dep_ == "advcl"
            and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children)
        ]
    return complements + conditions
