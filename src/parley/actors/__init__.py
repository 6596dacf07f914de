"""Actors: the knowledge base, alias matching and resolution of noun phrases to actors."""

from parley.actors.kb import Actor, KnowledgeBase, load_kb
from parley.actors.matcher import ActorMention, AliasMatcher

__all__ = ["Actor", "ActorMention", "AliasMatcher", "KnowledgeBase", "load_kb"]
