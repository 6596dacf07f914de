"""Resolve a noun phrase in a parsed sentence to knowledge-base actors.

"North Korea's Foreign Ministry" is PRK with sector GOV; "South Korean protesters" is KOR with
sector CVL; "the South Korean president" in 2021 is Moon Jae-in; "it" is the last state named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from parley.actors.kb import Actor, KnowledgeBase
from parley.actors.matcher import ActorMention
from parley.models import ActorRef

# Children that belong to a noun phrase's core, where its actor is named.
CORE_DEPS = {"compound", "amod", "poss", "nmod", "appos", "npadvmod", "nummod", "det", "case"}
CORE_PREPS = {"of", "from", "for", "by"}
# Participles that relate a name to the head rather than identify it ("Iran-backed", "Russian-held").
RELATION_PARTICIPLES = {
    "backed",
    "allied",
    "aligned",
    "sponsored",
    "funded",
    "based",
    "held",
    "made",
    "run",
    "controlled",
    "occupied",
    "brokered",
    "drafted",
    "owned",
    "built",
    "supplied",
    "friendly",
    "leaning",
    "born",
    "linked",
}
# Nouns that, counted ("the two sides", "both governments"), stand for the two parties named.
PAIR_NOUNS = {
    "side",
    "government",
    "country",
    "leader",
    "nation",
    "party",
    "delegation",
    "koreas",
    "neighbour",
    "neighbor",
    "state",
    "capital",
    "army",
    "military",
    "president",
}
PRONOUNS_PERSON = {"he", "him", "his", "she", "her"}
PRONOUNS_GROUP = {"it", "its", "they", "them", "their"}  # reflexives name no new party


@dataclass
class DocContext:
    """What earlier sentences of a document said: for pronouns and bare surnames, and the last day
    it gave, for "the next day"."""

    recent: list[ActorRef] = field(default_factory=list)
    reference: date | None = None
    people: dict[str, Actor] = field(default_factory=dict)  # surname -> person named earlier

    def remember(self, ref: ActorRef, actor: Actor | None, surnames: list[str]) -> None:
        self.recent.append(ref)
        del self.recent[:-12]
        if actor is not None and actor.kind == "person":
            for surname in surnames:
                self.people[surname] = actor


class ActorResolver:
    """Turns parsed noun phrases into ActorRefs, using the alias matches of their sentence."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self._resolving: set[tuple[int, int]] = set()
        self.surnames: dict[str, list[str]] = {}
        for actor in kb.actors.values():
            if actor.kind == "person":
                for surname in person_surnames(actor):
                    self.surnames.setdefault(surname, []).append(actor.id)

    # ---------------------------------------------------------------- public
    def resolve(
        self, head, mentions: dict[int, ActorMention], day: date | None, ctx: DocContext
    ) -> list[ActorRef]:
        """Actors named by the noun phrase headed by `head` (several when coordinated inside)."""
        key = (id(head.doc), head.i)
        if key in self._resolving:
            return []  # pronouns and locations can point back at the phrase being resolved
        self._resolving.add(key)
        try:
            return self._resolve(head, mentions, day, ctx)
        finally:
            self._resolving.discard(key)

    def _resolve(self, head, mentions, day, ctx) -> list[ActorRef]:
        if head.pos_ in ("VERB", "AUX"):
            return []  # a clause ("from working for the UN") names no actor itself
        if head.tag_ in ("WDT", "WP") and head.head.dep_ == "relcl":
            return self.resolve(head.head.head, mentions, day, ctx)  # "the WHO, which Trump accused"
        if head.pos_ == "PRON" or head.lower_ in PRONOUNS_GROUP | PRONOUNS_PERSON:
            return self.resolve_pronoun(head, mentions, day, ctx)
        own = mentions.get(head.i)
        if own is not None and self.kb.actors[own.actor_id].kind == "person":
            office = self._office(head, own, mentions)
            if office is not None:  # "WHO chief Tedros" speaks for the WHO, whatever his nationality
                return [office]
        if own is not None:
            owner = self._foreign_owner(head, own, mentions)
            if owner is not None:  # "Brazil's Congress" is not the US Congress
                return [owner]
            refs = [self._from_mention(own, head, day)]
            first = head.doc[own.start]
            for other in first.conjuncts:  # "Indian and Chinese troops"
                mention = mentions.get(other.i)
                if mention is not None and mention != own:
                    refs.append(self._from_mention(mention, head, day, sector=self._sector_word(head)))
            return refs
        role_ref = self._role_or_title(head, mentions, day, ctx)
        if role_ref is not None:
            return [role_ref]
        pair = self._both_sides(head, mentions, day, ctx)
        for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in ("from", "of")):
            pair = pair or [
                r for o in prep.children if o.dep_ == "pobj" for r in self._both_sides(o, mentions, day, ctx)
            ]
        if pair:  # "the two governments", "officials from both sides"
            return pair
        if head.lower_ in self.kb.lexicon.non_actor_heads:
            return self._across_border(head, mentions, day, ctx)
        if head.lemma_.lower() in self.kb.lexicon.quantities:  # "thousands of South Korean protesters"
            for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"):
                for obj in (c for c in prep.children if c.dep_ == "pobj"):
                    return self.resolve(obj, mentions, day, ctx)
        found = self._modifier_mentions(head, mentions)
        if not found:
            owner = self._possessive_pronoun(head, mentions, day, ctx)
            if owner:
                return owner
        if not found and head.lemma_.lower() in self.kb.lexicon.voice_nouns:
            return self._voice(head, mentions, day, ctx)
        if not found and self._sector_word(head) in ("CVL", "COP", "MIL", "GOV"):
            located = self._located(head, mentions, day, ctx)
            if located:
                return located
        if not found:
            return self._unqualified_institution(head, mentions, day, ctx)
        sector = self._sector_word(head)
        refs = []
        for mention in found:
            ref = self._from_mention(mention, head, day, sector=sector)
            if ref and ref not in refs:
                refs.append(ref)
        return refs

    def remember_named(self, actor_id: str, day, ctx: DocContext) -> None:
        """Remember an actor named in a sentence that was not parsed (see parley.prefilter)."""
        actor = self.kb.get(actor_id)
        if actor is not None:
            self.remember([make_ref(actor, actor.name, day=day)], ctx)

    def remember(self, refs: list[ActorRef], ctx: DocContext) -> None:
        for ref in refs:
            actor = self.kb.get(ref.actor_id)
            ctx.remember(ref, actor, person_surnames(actor) if actor else [])

    # ---------------------------------------------------------------- pieces
    def _from_mention(self, mention: ActorMention, head, day, sector: str | None = None) -> ActorRef:
        actor = self.kb.actors[mention.actor_id]
        doc = head.doc
        text = doc[mention.start : mention.end].text
        last = doc[mention.end - 1]
        if (
            mention.via == "demonym"
            and last.tag_ in ("NNPS", "NNS")
            and last.dep_ not in ("amod", "compound")
        ):
            # "North Koreans" as a noun: the people, not the state
            sector = sector or "CVL"
        if actor.kind == "person" and sector and sector != "GOV":
            actor = self.kb.country_actor(actor.country) or actor
        return make_ref(actor, text if not sector else _phrase_text(head, mention), sector, day)

    def _office(self, head, own: ActorMention, mentions) -> ActorRef | None:
        for token in head.doc[max(head.sent.start, own.start - 6) : own.start]:
            mention = mentions.get(token.i)
            if mention is None or not _modifies(token, range(own.start, own.end)):
                continue
            office = self.kb.actors[mention.actor_id]
            if office.kind in ("igo", "organ"):
                person = self.kb.actors[own.actor_id]
                return ActorRef(  # the person, acting for the office
                    text=head.doc[mention.start : own.end].text,
                    actor_id=person.id,
                    name=person.name,
                    country=office.country,
                    sector=office.sector,
                    cameo=office.cameo,
                )
        return None

    def _foreign_owner(self, head, own: ActorMention, mentions) -> ActorRef | None:
        institution = self.kb.actors[own.actor_id]
        if institution.kind in ("state", "person"):
            return None
        for child in head.lefts:
            mention = mentions.get(child.i)
            if child.dep_ in ("poss", "amod", "compound") and mention is not None and mention != own:
                state = self.kb.actors[mention.actor_id]
                if state.kind == "state" and state.country != institution.country:
                    return make_ref(state, head.doc[mention.start : head.i + 1].text, institution.sector)
        return None

    def _both_sides(self, head, mentions, day, ctx) -> list[ActorRef]:
        """'the two governments', 'both sides', 'the two Koreas': the two parties just named."""
        counted = any(
            c.lower_ in ("two", "both") for c in head.children if c.dep_ in ("nummod", "det", "predet")
        )
        if not counted or head.lemma_.lower() not in PAIR_NOUNS:
            return []
        if head.lower_ == "koreas":
            return [make_ref(self.kb.actors[c], head.text) for c in ("KOR", "PRK") if c in self.kb.actors]
        seen: list[ActorRef] = []
        for i in sorted((i for i in mentions if i < head.i and head.sent.start <= i), reverse=True):
            actor = self.kb.actors[mentions[i].actor_id]
            state = self.kb.country_actor(actor.country)
            if state is not None and state.id not in {r.actor_id for r in seen}:
                seen.append(make_ref(state, head.text))
            if len(seen) == 2:
                return seen[::-1]
        return []

    def _modifier_mentions(self, head, mentions: dict[int, ActorMention]) -> list[ActorMention]:
        """Alias matches inside the phrase's core, nearest first; coordinated ones all count.
        'Iran-backed militias' are not Iran: a name that only says who backs, holds or funds the
        phrase's head does not name it."""
        core = sorted(core_tokens(head), key=lambda t: (t.i > head.i, abs(t.i - head.i)))
        found: list[ActorMention] = []
        for token in core:
            mention = mentions.get(token.i)
            if mention is None or mention in found:
                continue
            if token.head.lower_ in RELATION_PARTICIPLES and token.head.i != head.i:
                continue
            if found and not _coordinated(token, found, mentions, head.doc):
                continue
            found.append(mention)
        return found

    def _located(self, head, mentions, day, ctx) -> list[ActorRef]:
        """'demonstrators in Baghdad', 'police in Hong Kong': people take the country they are in."""
        for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in ("in", "across")):
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                refs = self.resolve(obj, mentions, day, ctx)
                states = [self.kb.country_actor(r.country) for r in refs if self.kb.country_actor(r.country)]
                if not states:
                    return []
                text = _phrase_text(head, mentions[obj.i]) if obj.i in mentions else head.text
                return [make_ref(states[0], text, self._sector_word(head) or "CVL")]
        return []

    def _across_border(self, head, mentions, day, ctx) -> list[ActorRef]:
        """'its border with Ukraine' points at Ukraine; 'North Korean territory' at no actor."""
        if head.lower_ not in ("border", "frontier", "boundary"):
            return []
        for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ == "with"):
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                return self.resolve(obj, mentions, day, ctx)
        return []

    def _possessive_pronoun(self, head, mentions, day, ctx) -> list[ActorRef]:
        """'its troops', 'their diplomats': the pronoun's actor, narrowed by the sector word."""
        sector = self._sector_word(head)
        for poss in (c for c in head.children if c.dep_ == "poss" and c.pos_ == "PRON"):
            refs = self.resolve_pronoun(poss, mentions, day, ctx)
            out = []
            for ref in refs:
                actor = self.kb.get(ref.actor_id)
                if actor is not None and sector and actor.kind == "person":
                    actor = self.kb.country_actor(actor.country) or actor
                if actor is not None:
                    out.append(make_ref(actor, head.doc[poss.i : head.i + 1].text, sector))
            return out
        return []

    def _voice(self, head, mentions, day, ctx) -> list[ActorRef]:
        """The author of a statement: 'released by the DPRK', or the subject that issued it
        ('the Board passed a resolution censuring Iran')."""
        for acl in (c for c in head.children if c.dep_ == "acl"):
            for agent in (c for c in acl.children if c.dep_ == "agent"):
                for obj in (c for c in agent.children if c.dep_ == "pobj"):
                    return self.resolve(obj, mentions, day, ctx)
        if head.dep_ == "dobj":
            for subject in (c for c in head.head.children if c.dep_ == "nsubj"):
                return self.resolve(subject, mentions, day, ctx)
        return self._unqualified_institution(head, mentions, day, ctx)

    def _unqualified_institution(self, head, mentions, day, ctx) -> list[ActorRef]:
        """'a Foreign Ministry spokesman' with no country: the state this sentence is about."""
        named = [t for t in head.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"]
        sector = self._sector_word(head)
        if (
            not named
            or sector is None
            or not any(t.lower_ in ("ministry", "office", "department") for t in named)
        ):
            return []
        sentence = head.sent
        states = [
            m
            for i, m in sorted(mentions.items())
            if sentence.start <= i < head.i and self.kb.actors[m.actor_id].kind == "state"
        ]
        if states:
            return [make_ref(self.kb.actors[states[-1].actor_id], _phrase_text(head, states[-1]), "GOV")]
        for ref in reversed(ctx.recent):
            actor = self.kb.get(ref.actor_id)
            if actor is not None and actor.kind == "state":
                return [make_ref(actor, head.doc[named[0].i : head.i + 1].text, "GOV")]
        return []

    def _sector_word(self, head) -> str | None:
        sectors = self.kb.lexicon.sectors
        left = [t for t in head.lefts if t.dep_ in ("compound", "amod")]
        for start in range(len(left)):
            phrase = " ".join([t.lower_ for t in left[start:]] + [head.lower_])
            if phrase in sectors:
                return sectors[phrase]
        return sectors.get(head.lower_) or sectors.get(head.lemma_.lower())

    def _role_or_title(self, head, mentions, day, ctx: DocContext) -> ActorRef | None:
        """'the South Korean president', 'Japan's foreign minister', 'President Moon', 'Moon'."""
        surname_ref = self._surname(head, day, ctx)
        if surname_ref is not None:
            return surname_ref
        roles = self._role_words(head)
        if not roles:
            return None
        countries = [m for m in self._modifier_mentions(head, mentions)]
        if not countries:
            return None
        actor = self.kb.actors[countries[0].actor_id]
        if actor.kind == "person":
            return make_ref(actor, _phrase_text(head, countries[0]))
        if day is not None:
            people = self.kb.people_in_role(actor.country, roles, day)
            if len(people) == 1:
                return make_ref(people[0], _phrase_text(head, countries[0]), day=day)
        return make_ref(actor, _phrase_text(head, countries[0]), "GOV")

    def _role_words(self, head) -> list[str]:
        words = [t.lower_ for t in head.lefts if t.dep_ in ("compound", "amod")] + [head.lower_]
        for prep in (c for c in head.rights if c.dep_ == "prep" and c.lower_ == "of"):
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                words = words + ["of", obj.lower_]
        for start in range(len(words)):
            phrase = " ".join(words[start:])
            if phrase in self.kb.lexicon.roles:
                return self.kb.lexicon.roles[phrase]
        return []

    def _surname(self, head, day, ctx: DocContext) -> ActorRef | None:
        if head.pos_ != "PROPN":
            return None
        earlier = ctx.people.get(head.text)
        if earlier is not None:
            return make_ref(earlier, head.text, day=day)
        has_title = any(t.text in self.kb.lexicon.titles for t in head.lefts)
        candidates = self.surnames.get(head.text, [])
        if not has_title or not candidates:
            return None
        given = [
            t.text
            for t in head.lefts
            if t.dep_ == "compound"
            and t.pos_ == "PROPN"
            and t.text not in self.kb.lexicon.titles
            and t.i == head.i - 1
        ]
        if given:  # "Tom King" is not Robert King
            candidates = [
                a
                for a in candidates
                if any(f"{given[0]} {head.text}" in n for n in self.kb.actors[a].names["en"])
            ]
        if day is not None:
            candidates = [a for a in candidates if any(r.holds_on(day) for r in self.kb.actors[a].roles)]
        if len(candidates) != 1:
            return None
        start = min(t.i for t in head.lefts if t.text in self.kb.lexicon.titles)
        return make_ref(self.kb.actors[candidates[0]], head.doc[start : head.i + 1].text, day=day)

    def resolve_pronoun(self, head, mentions, day, ctx: DocContext) -> list[ActorRef]:
        """The speaker of a governing 'said' clause, a subject earlier in the sentence, else the
        last fitting actor named in the document."""
        if head.lower_ not in PRONOUNS_PERSON | PRONOUNS_GROUP:
            return []  # "we", "I", "you", "this": not resolved
        person = head.lower_ in PRONOUNS_PERSON
        speaker = self._speaker(head, mentions, day, ctx, person)
        if speaker:
            return speaker
        plural = head.lower_ in ("they", "them", "their", "themselves")
        earlier = self._earlier_subject(head, mentions, day, ctx, None if plural else person)
        if earlier:
            return earlier
        for ref in reversed(ctx.recent):
            if _fits(ref, self.kb, person):
                return [_retext(ref, head.text)]
        return []

    def _earlier_subject(self, head, mentions, day, ctx, person: bool) -> list[ActorRef]:
        plural = head.lower_ in ("they", "them", "their", "themselves")
        object_pronoun = head.dep_ in ("dobj", "pobj", "dative")
        for token in reversed(head.doc[head.sent.start : head.i]):
            if object_pronoun and token.dep_ in ("pobj", "dobj") and token.pos_ == "PROPN":
                refs = [r for r in self.resolve(token, mentions, day, ctx) if _fits(r, self.kb, person)]
                if refs:  # "a warrant for Putin, accusing him of ...": him is the earlier object
                    return [_retext(r, head.text) for r in refs[:1]]
            if token.dep_ not in ("nsubj", "nsubjpass") and not (
                token.dep_ == "pobj" and token.head.dep_ == "agent"
            ):
                continue
            if token.pos_ == "PRON":
                continue
            heads = [token, *token.conjuncts] if plural else [token]
            refs = [r for h in heads for r in self.resolve(h, mentions, day, ctx)]
            refs = [r for r in refs if _fits(r, self.kb, person)]
            if refs and (plural or len(refs) == 1):
                return [_retext(r, head.text) for r in refs]
        return []

    def _speaker(self, head, mentions, day, ctx, person: bool) -> list[ActorRef]:
        verb = head.head
        while verb is not None and verb.dep_ != "ROOT":
            if verb.dep_ == "ccomp":
                for subject in (c for c in verb.head.children if c.dep_ == "nsubj"):
                    if subject.pos_ != "PRON":
                        refs = [r for h in expand_list(subject) for r in self.resolve(h, mentions, day, ctx)]
                        if refs and _fits(refs[0], self.kb, person):
                            plural = head.lower_ in ("they", "them", "their", "themselves")
                            return [_retext(r, head.text) for r in (refs if plural else refs[:1])]
            verb = verb.head if verb.head.i != verb.i else None
        return []


def _modifies(token, span: range, hops: int = 3) -> bool:
    """Is `token` a (possibly indirect) left modifier of a token in `span`?"""
    node = token
    for _ in range(hops):
        if node.head.i == node.i or node.dep_ not in ("compound", "amod", "nmod", "poss"):
            return False
        node = node.head
        if node.i in span:
            return True
    return False


def expand_list(token) -> list:
    """A phrase head with its coordinated heads ("Spain, Ireland and Norway"). "A, B and C" is
    often parsed with B as an apposition of A and C as B's conjunct; such a list counts too."""
    listed = [a for a in token.children if a.dep_ == "appos" and a.conjuncts]
    return [token, *token.conjuncts, *[t for a in listed for t in (a, *a.conjuncts)]]


def make_ref(actor: Actor, text: str, sector: str | None = None, day: date | None = None) -> ActorRef:
    """An ActorRef for `actor`, narrowed to `sector` when a sector word says so. A person counts for
    the country of the office held on `day` (Mark Rutte was Dutch prime minister, then NATO's chief)."""
    if actor.kind == "person" and day is not None:
        offices = [r.of for r in actor.roles if r.holds_on(day)]
        if offices and offices[0] != actor.country:
            cameo = offices[0] + "GOV" if offices[0] not in ("UNO", "EUR", "IGO") else actor.cameo
            return ActorRef(
                text=text,
                actor_id=actor.id,
                name=actor.name,
                country=offices[0],
                sector=actor.sector,
                cameo=cameo,
            )
    if sector is None or sector == actor.sector or actor.kind not in ("state",):
        return ActorRef(
            text=text,
            actor_id=actor.id,
            name=actor.name,
            country=actor.country,
            sector=actor.sector if actor.kind != "state" else (sector or actor.sector),
            cameo=actor.cameo,
        )
    return ActorRef(
        text=text,
        actor_id=actor.id,
        name=actor.name,
        country=actor.country,
        sector=sector,
        cameo=actor.country + sector,
    )


def core_tokens(head) -> list:
    """The head, its left modifiers, appositions and of/from/for phrases (recursively)."""
    tokens, stack = [], [head]
    while stack:
        token = stack.pop()
        tokens.append(token)
        for child in token.children:
            if child.dep_ in CORE_DEPS:
                stack.append(child)
            elif child.dep_ == "prep" and child.lower_ in CORE_PREPS:
                stack.extend(c for c in child.children if c.dep_ == "pobj")
            elif (
                child.dep_ == "conj"
                and token.i != head.i
                and token.dep_ in ("amod", "compound", "pobj", "poss", "nmod", "conj")
            ):
                stack.append(child)
    return tokens


def person_surnames(actor: Actor | None) -> list[str]:
    """The first and last words of a person's multi-word English names."""
    if actor is None or actor.kind != "person":
        return []
    words: set[str] = set()
    for name in actor.names.get("en", []):
        parts = name.split()
        if len(parts) >= 2:
            words.update({parts[0], parts[-1]})
    return sorted(w for w in words if w[:1].isupper() and len(w) > 2)


def _coordinated(token, found: list[ActorMention], mentions, doc) -> bool:
    """Is `token` coordinated with the token of an already found mention?"""
    for mention in found:
        other = doc[mention.end - 1]
        if token in other.conjuncts or other in token.conjuncts:
            return True
        if token.head.i == other.head.i and token.dep_ == other.dep_ == "compound":
            return True
    return False


def _phrase_text(head, mention: ActorMention) -> str:
    doc = head.doc
    start = min(mention.start, head.i)
    end = max(mention.end, head.i + 1)
    return doc[start:end].text


def _fits(ref: ActorRef, kb: KnowledgeBase, person: bool | None) -> bool:
    if person is None:  # "they" may be people or a group
        return True
    actor = kb.get(ref.actor_id)
    is_person = actor is not None and actor.kind == "person"
    return is_person == person


def _retext(ref: ActorRef, text: str) -> ActorRef:
    return ActorRef(
        text=text,
        actor_id=ref.actor_id,
        name=ref.name,
        country=ref.country,
        sector=ref.sector,
        cameo=ref.cameo,
    )
