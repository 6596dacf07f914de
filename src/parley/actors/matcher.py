"""Find knowledge-base aliases in tokenised text (longest match wins)."""

from __future__ import annotations

from dataclasses import dataclass

from parley.actors.kb import KnowledgeBase


@dataclass(frozen=True)
class ActorMention:
    """An alias found in a Doc: token span [start, end) and the actor it names."""

    start: int
    end: int
    actor_id: str
    via: str  # "name", "demonym" or "metonym"


class AliasMatcher:
    """Token-sequence lookup over every English alias, demonym and metonym.

    Aliases are matched case-sensitively on whole tokens, so "Turkey" is not "turkey"; a leading
    "The" in text is read as "the", since sentence-initial capitals say nothing about names.
    """

    def __init__(self, kb: KnowledgeBase, tokenizer):
        self.kb = kb
        self.index: dict[tuple[str, ...], list[tuple[str | None, str]]] = {}
        entries = list(_aliases(kb)) + [(None, "place", p) for p in kb.lexicon.places]
        for (actor_id, via, _), doc in zip(entries, tokenizer.pipe(e[2] for e in entries), strict=True):
            key = tuple(t.text for t in doc)
            if key and key[0] == "The":
                key = ("the",) + key[1:]
            targets = self.index.setdefault(key, [])
            if (actor_id, via) not in targets:
                targets.append((actor_id, via))
        self.max_len = max((len(k) for k in self.index), default=1)
        self.first_tokens = {k[0] for k in self.index}

    def find(self, words: list[str]) -> list[ActorMention]:
        """Greedy longest matches over a list of token texts."""
        words = [w.replace("\u2019", "'") for w in words]
        found: list[ActorMention] = []
        i, n = 0, len(words)
        while i < n:
            first = "the" if words[i] == "The" else words[i]
            if first in self.first_tokens:
                for length in range(min(self.max_len, n - i), 0, -1):
                    key = (first, *words[i + 1 : i + length])
                    hits = self.index.get(key)
                    if hits:
                        actor_id, via = hits[0]
                        if actor_id is not None:  # a place name is consumed, not reported
                            found.append(ActorMention(i, i + length, actor_id, via))
                        i += length
                        break
                else:
                    i += 1
            else:
                i += 1
        return found


def _aliases(kb: KnowledgeBase):
    for actor in kb.actors.values():
        for name in {actor.name, *actor.names.get("en", [])}:
            yield actor.id, "name", _strip_article(name)
        for demonym in actor.demonyms:
            yield actor.id, "demonym", demonym
        for metonym in actor.metonyms:
            yield actor.id, "metonym", _strip_article(metonym)


def _strip_article(alias: str) -> str:
    """'the State Department' matches with or without 'the'; 'the North' keeps it."""
    if alias.startswith(("the ", "The ")) and alias[4:] not in _NEEDS_ARTICLE:
        return alias[4:]
    return alias


# Words that name an actor only with their article.
_NEEDS_ARTICLE = {"North", "South", "Hague", "Vatican"}
