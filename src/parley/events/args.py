"""Find a trigger's arguments in the parse: subject, object and prepositional places."""

from __future__ import annotations

from parley.actors.resolve import expand_list

SUBJECT_DEPS = ("nsubj", "csubj")


def is_passive(verb) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def direct_object(verb):
    """The verb's object; in the passive, its grammatical subject."""
    for child in verb.children:
        if child.dep_ in ("dobj", "obj"):
            return child
    if is_passive(verb):
        for child in verb.children:
            if child.dep_ == "nsubjpass":
                return child
    for child in verb.children:  # "launched a barrage of missiles"
        if child.dep_ == "attr":
            return child
    for clause in (c for c in verb.children if c.dep_ == "ccomp"):
        if any(a.dep_ == "aux" and a.lower_ == "to" for a in clause.children):
            # "allowed aid trucks to enter": the parser made the object the clause's subject
            return next((c for c in clause.children if c.dep_ == "nsubj"), None)
    return None


def subject_heads(verb, object_control: set[str] = frozenset(), depth: int = 0):
    """The verb's acting subject: nsubj, the passive agent, or one inherited from a governor."""
    if depth > 4:
        return []
    if is_passive(verb):
        for child in verb.children:
            if child.dep_ == "agent":
                return [c for c in child.children if c.dep_ == "pobj"]
        if verb.dep_ != "conj":
            return []
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS:
            if verb.dep_ == "relcl" and child.tag_ in ("WDT", "WP"):
                return [verb.head]  # "Pyongyang, which rejected ...": the antecedent acts
            return [child]
    head = verb.head
    if head.i == verb.i:
        return []
    if verb.dep_ in ("conj", "acomp"):
        return subject_heads(head, object_control, depth + 1)
    if verb.dep_ == "xcomp":
        if head.lemma_ in object_control:
            obj = [c for c in head.children if c.dep_ in ("dobj", "obj")]
            if obj:
                return obj
            for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in ("on", "upon")):
                return [c for c in prep.children if c.dep_ == "pobj"]
        return subject_heads(head, object_control, depth + 1)
    if verb.dep_ == "pcomp" and head.lower_ in ("for", "of") and head.head.pos_ == "VERB":
        accused = [c for c in head.head.children if c.dep_ in ("dobj", "obj")]
        if accused:  # "criticised Moon for calling ...": Moon did the calling
            return accused
    if verb.dep_ in ("advcl", "pcomp"):  # "went as far as describing ...": the clause's subject
        governor = head
        while governor.pos_ not in ("VERB", "AUX") and governor.head.i != governor.i:
            governor = governor.head
        if governor.pos_ in ("VERB", "AUX"):
            return subject_heads(governor, object_control, depth + 1)
    if verb.dep_ == "relcl":
        return [head]
    if verb.dep_ == "acl" and verb.tag_ == "VBG":  # "a spokesman accusing X"
        return [head]
    if verb.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return [c for c in head.children if c.dep_ == "poss"]  # "China's decision to lift ..."
    return []


def prep_objects(token, preposition: str):
    """Objects of `token`'s child preposition ('with' also reads 'together with')."""
    found = []
    for child in token.children:
        if child.dep_ in ("prep", "agent", "dative") and child.lower_ == preposition:
            found.extend(c for c in child.children if c.dep_ in ("pobj", "pcomp"))
        elif child.dep_ == "prt" and child.lower_ == preposition:
            found.extend(c for c in token.children if c.dep_ in ("dobj",))
    return found


def place_heads(trigger, place: str, obj):
    """Heads for one argument place of a frame (see the frames file for the names)."""
    if place == "dobj":
        return [obj] if obj is not None else []
    if place == "clause.nsubj":  # "its demand that Israel ease ...": the clause's subject
        return [
            s
            for c in trigger.children
            if c.dep_ in ("acl", "ccomp", "relcl") and c.dep_ != "relcl"
            for s in c.children
            if s.dep_ in ("nsubj", "nsubjpass")
        ]
    if place == "ccomp.nsubj":
        return [
            s
            for c in trigger.children
            if c.dep_ == "ccomp"
            for s in c.children
            if s.dep_ in ("nsubj", "nsubjpass")
        ]
    if place == "xobj":
        has_xcomp = any(c.dep_ in ("xcomp", "ccomp") for c in trigger.children)
        return [obj] if obj is not None and has_xcomp else []
    if place == "dative":
        return [c for c in trigger.children if c.dep_ in ("dative", "iobj") and c.pos_ != "ADP"] or [
            p for c in trigger.children if c.dep_ == "dative" for p in c.children if p.dep_ == "pobj"
        ]
    if place == "obj.acl":  # "drills encircling Taiwan"
        return [
            d
            for a in (obj.children if obj is not None else [])
            if a.dep_ == "acl"
            for d in a.children
            if d.dep_ in ("dobj", "obj")
        ]
    if place == "head.to":  # "sent a note to India seeking the return of ..."
        return prep_objects(trigger.head, "to") if trigger.dep_ in ("advcl", "xcomp", "conj", "acl") else []
    if place.startswith("objtree."):  # "signed agreements establishing ties with Israel"
        preposition = place[len("objtree.") :]
        return [
            o
            for t in (obj.subtree if obj is not None else [])
            if t.dep_ == "prep" and t.lower_ == preposition
            for o in t.children
            if o.dep_ == "pobj"
        ]
    if place.startswith("nested."):  # "spoke by telephone with X", "a show of force against X"
        return nested_prep_objects(trigger, place[len("nested.") :])
    if place.startswith("obj."):
        if obj is None:
            return []
        rest = place[4:]
        if rest in ("poss", "amod", "compound"):
            return [c for c in obj.children if c.dep_ == rest]
        return prep_objects(obj, rest)
    return prep_objects(trigger, place)


def nested_prep_objects(trigger, preposition: str):
    """Objects of `preposition` anywhere inside the trigger's prepositional phrases."""
    return [
        o
        for p in trigger.children
        if p.dep_ == "prep"
        for t in p.subtree
        if t.dep_ == "prep" and t.lower_ == preposition
        for o in t.children
        if o.dep_ == "pobj"
    ]


def expand(heads):
    """Heads plus their coordinated heads, each once."""
    out = []
    for head in heads:
        for token in expand_list(head):
            if token not in out:
                out.append(token)
    return out


def object_words(obj) -> set[str]:
    """Lower-cased forms an object constraint may name: lemma, text, and with its modifiers."""
    if obj is None:
        return set()
    words = {obj.lemma_.lower(), obj.lower_}
    left = [t for t in obj.lefts if t.dep_ in ("compound", "amod", "nmod")]
    for start in range(len(left)):
        tail = [t.lower_ for t in left[start:]]
        words.add(" ".join(tail + [obj.lower_]))
        words.add(" ".join(tail + [obj.lemma_.lower()]))
    for prep in (c for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"):
        for inner in (c for c in prep.children if c.dep_ == "pobj"):
            words |= object_words(inner)  # "ten days of war games", "a mission of observers"
    return words | {w[:-1] for w in words if w.endswith("s")}  # "the Abraham Accords"
