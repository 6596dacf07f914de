"""Records that cross module boundaries."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class Document:
    """One text to code, with the metadata that anchors its dates."""

    text: str
    id: str = ""
    title: str | None = None
    url: str | None = None
    published: date | None = None
    lang: str | None = None
    source: str | None = None  # where Parley read it: "path" or "path:line"
    issuer: str | None = None  # who issued the statement ("Ministry of Foreign Affairs of Japan")
    publisher: str | None = None  # the outlet that published it ("Yonhap"); sources are counted by it

    def __post_init__(self):
        if not self.id:
            self.id = content_id(self.text)


def content_id(text: str) -> str:
    """A stable id for a text: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class ActorRef:
    """An actor as it appears in an event: the text span and what it resolved to."""

    text: str
    actor_id: str
    name: str
    country: str
    sector: str | None
    cameo: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Event:
    """One coded event, in the shape of the machine contract."""

    doc_id: str
    sentence: int
    char_start: int
    char_end: int
    quote: str
    event_type: str
    mode: str | None
    contexts: list[str]
    cameo: str
    goldstein: float
    quad_class: int
    plover_score: float
    source: ActorRef
    target: ActorRef | None
    date: str | None
    date_precision: str | None
    date_text: str | None
    confidence: float
    rule: str
    extra: dict = field(default_factory=dict)
    # the clause puts the event before its date by a span it does not give ("after ...", "had
    # expelled"); dedup then looks back for it. Not part of the contract: the date stays the one
    # the text supports
    earlier: bool = False

    def to_dict(self) -> dict:
        """The contract's JSON object (key order is part of the contract)."""
        return {
            "doc_id": self.doc_id,
            "sentence": self.sentence,
            "char_start": self.char_start,
            "char_end": self.char_end,
            "quote": self.quote,
            "event_type": self.event_type,
            "mode": self.mode,
            "contexts": list(self.contexts),
            "cameo": self.cameo,
            "goldstein": self.goldstein,
            "quad_class": self.quad_class,
            "plover_score": self.plover_score,
            "source": self.source.to_dict(),
            "target": self.target.to_dict() if self.target else None,
            "date": self.date,
            "date_precision": self.date_precision,
            "date_text": self.date_text,
            "confidence": self.confidence,
            "rule": self.rule,
        }

    @property
    def key(self) -> str:
        """A stable key: the same event found twice in the same place gets the same key."""
        parts = [
            self.doc_id,
            str(self.char_start),
            str(self.char_end),
            self.event_type,
            self.source.actor_id,
            self.target.actor_id if self.target else "",
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]
