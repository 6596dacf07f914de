"""Formulas: find diplomatic formulas in text, with status, quotation, speaker and implications.

No parser runs here: multi-pattern matching (pyahocorasick) over normalised words for English and
over compacted characters for Japanese, Korean and Chinese, then a few cue words around each hit.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass, field
from functools import cached_property

import ahocorasick

from parley.formulas.lexicon import LANGS, Lexicon, load_lexicon, normalise_words
from parley.models import ActorRef, Document

STATUSES = ("asserted", "negated", "rejected", "omitted")
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")
CJK_SKIP = set(" \t\r\n、。・，,.「」『』“”\"'‘’（）()［］[]《》〈〉:：;；!！?？-—–")
QUOTES_OPEN = '“"‘「『«'
QUOTES_CLOSE = '”"’」』»'
# ’ inside a word (America’s) or after a plural (Workers’ Party) is an apostrophe, not a quote
APOSTROPHE = re.compile(r"(?<=\w)[’'](?=\w)|(?<=s)[’'](?=\s)")
INVERTED = {"said", "says", "added", "stated", "noted", "declared", "announced", "insisted"}
# Cue words before a hit (within its sentence) that change its status, nearest cue wins.
CUES_BEFORE = {
    "omitted": [
        "omit",
        "omits",
        "omitted",
        "omitting",
        "omission of",
        "dropped",
        "drop",
        "drops",
        "dropping",
        "instead of",
        "rather than",
        "in place of",
        "replaced",
        "replacing",
        "left out",
        "leaving out",
        "removed",
        "removing",
        "no longer",
        "absence of",
        "scrapped",
        "deleted",
    ],
    "negated": [
        "did not mention",
        "does not mention",
        "didn't mention",
        "no mention of",
        "no reference to",
        "made no reference",
        "not mention",
        "without mentioning",
        "without reference to",
        "failed to mention",
        "did not include",
        "does not include",
        "did not refer",
        "nor",
    ],
    "rejected": [
        "reject",
        "rejects",
        "rejected",
        "rejecting",
        "oppose",
        "opposes",
        "opposed",
        "opposing",
        "refuse",
        "refused",
        "refuses",
        "dismissed",
        "dismisses",
        "will never accept",
        "never accept",
        "denounced",
        "denounces",
        "renounce",
        "renounced",
        "not accept",
        "rules out",
        "ruled out",
        "brushed aside",
        "brushed off",
        "spurned",
        "scoffed at",
    ],
}
# "replaced by X", "gave way to X", "in favour of X": X is the wording kept, whatever came before
CUES_ASSERTED = [
    "replaced by",
    "replaced with",
    "gave way to",
    "giving way to",
    "in favour of",
    "in favor of",
]
# "X gave way to Y", "X had been quietly dropped": the cue follows the hit
AFTER_OMITTED = re.compile(
    r"^\W*(?:(?:was|were|had been|has been|have been|is being|was being)\s+(?:\w+ly\s+)?"
    r"(?:dropped|omitted|removed|deleted|scrapped|left out|replaced)|gave way|gives way|has given way|"
    r"disappeared|vanished)\b"
)
CUES_AFTER = {
    "omitted": [
        "was dropped",
        "were dropped",
        "was omitted",
        "were omitted",
        "was left out",
        "were left out",
        "was missing",
        "was absent",
        "was removed",
        "disappeared",
    ],
    "negated": ["was not mentioned", "were not mentioned", "was not included", "went unmentioned"],
    "rejected": ["was rejected", "were rejected", "is unacceptable", "was unacceptable"],
}
# clause ends in Japanese, Korean and Chinese: commas, semicolons and "but" (が、 / 지만 / 但)
CJK_CLAUSE = re.compile(r"[，,、；;]|지만|但是?|が、|けれども")
CJK_CUES = {
    "omitted": [
        "削除",
        "盛り込まれなかった",
        "盛り込まず",
        "言及せず",
        "抜け",
        "빠졌",
        "빠진",
        "삭제",
        "제외",
        "删除",
        "删去",
        "未写入",
        "没有写入",
        "去掉",
    ],
    "negated": [
        "言及しなかった",
        "触れなかった",
        "언급하지 않",
        "언급이 없",
        "未提及",
        "没有提及",
        "没有提到",
    ],
    "rejected": ["拒否", "反対", "拒絶", "応じない", "거부", "반대", "거절", "응하지 않", "拒绝", "反对"],
}
REPORTING = {
    "said",
    "says",
    "stated",
    "states",
    "announced",
    "declared",
    "urged",
    "called",
    "reiterated",
    "stressed",
    "insisted",
    "added",
    "noted",
    "told",
    "emphasized",
    "emphasised",
    "affirmed",
    "reaffirmed",
    "agreed",
    "pledged",
    "vowed",
    "warned",
    "demanded",
    "rejected",
    "welcomed",
    "condemned",
    "criticized",
    "criticised",
    "accused",
    "repeated",
    "committed",
    "confirmed",
}


@dataclass
class FormulaHit:
    """One formula found in a document (the machine contract of `parley formulas`)."""

    doc_id: str
    formula_id: str
    label: str
    category: str
    lang: str
    char_start: int
    char_end: int
    text: str
    status: str
    quoted: bool
    speaker: ActorRef | None
    implies: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        record = asdict(self)
        record["speaker"] = self.speaker.to_dict() if self.speaker else None
        return record


class FormulaFinder:
    """Compiled automata for a lexicon; `find(document)` returns the hits."""

    def __init__(self, lexicon: Lexicon | None = None, kb=None):
        self.lexicon = lexicon or load_lexicon()
        self.kb = kb
        self.latin = ahocorasick.Automaton()
        self.cjk = ahocorasick.Automaton()
        for formula in self.lexicon.formulas.values():
            for lang, phrases in formula.variants.items():
                for phrase in phrases:
                    self._add(formula.id, lang, phrase)
        self.latin.make_automaton()
        if len(self.cjk):
            self.cjk.make_automaton()

    def _add(self, formula_id: str, lang: str, phrase: str) -> None:
        if lang == "en":
            words = [w for w, _, _ in normalise_words(phrase)]
            if words:
                key = " " + " ".join(words) + " "
                self.latin.add_word(key, (formula_id, lang, len(words)))
        else:
            key = "".join(ch for ch in phrase if ch not in CJK_SKIP)
            if key:
                # 核武力政策法 is both Japanese and Chinese: keep every language, pick by script later
                _, langs, _ = self.cjk.get(key, (formula_id, (), 0))
                self.cjk.add_word(key, (formula_id, tuple(sorted({*langs, lang})), len(key)))

    @cached_property
    def matcher(self):
        """The knowledge base's alias matcher, for speakers (loaded on first use)."""
        from parley.actors.kb import load_kb
        from parley.actors.matcher import AliasMatcher

        self.kb = self.kb or load_kb()
        return AliasMatcher(self.kb, self.matcher_tokenizer)

    # ---------------------------------------------------------------- matching
    def find(self, document: Document, speakers: bool = True) -> list[FormulaHit]:
        """All formula hits in a document, most specific where hits overlap."""
        text = document.text
        spans = self._latin_spans(text) + self._cjk_spans(text)
        hits: list[FormulaHit] = []
        issuer = self._issuer(document.issuer) if speakers and document.issuer else None
        for start, end, formula_id, lang in _most_specific(spans, self.lexicon):
            formula = self.lexicon.formulas[formula_id]
            sentence = _sentence_around(text, start, end)
            scope = _cue_scope(text, sentence, start, hits)
            hits.append(
                FormulaHit(
                    doc_id=document.id,
                    formula_id=formula_id,
                    label=formula.label,
                    category=formula.category,
                    lang=lang,
                    char_start=start,
                    char_end=end,
                    text=text[start:end],
                    status=_status(text, scope, start, end, lang),
                    quoted=_quoted(text, sentence, start, end),
                    speaker=(self._speaker(text, sentence) or issuer) if speakers else None,
                    implies=list(self.lexicon.closure[formula_id]),
                )
            )
        return hits

    def _latin_spans(self, text: str) -> list[tuple[int, int, str, str]]:
        words = normalise_words(text)
        if not words or not len(self.latin):
            return []
        joined, offsets = " ", []
        for word, _, _ in words:
            offsets.append(len(joined))
            joined += word + " "
        spans = []
        for end_index, (formula_id, lang, n_words) in self.latin.iter(joined):
            last = bisect.bisect_right(offsets, end_index - 1) - 1  # the key ends with a space
            first = last - n_words + 1
            if first < 0:
                continue
            spans.append((words[first][1], words[last][2], formula_id, lang))
        return spans

    def _cjk_spans(self, text: str) -> list[tuple[int, int, str, str]]:
        if not len(self.cjk) or not re.search(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]", text):
            return []
        kept = [(i, ch) for i, ch in enumerate(text) if ch not in CJK_SKIP]
        compact = "".join(ch for _, ch in kept)
        spans = []
        script = cjk_script(text)
        for end_index, (formula_id, langs, length) in self.cjk.iter(compact):
            first = kept[end_index - length + 1][0]
            last = kept[end_index][0] + 1
            spans.append((first, last, formula_id, script if script in langs else langs[0]))
        return spans

    # ---------------------------------------------------------------- speakers
    def _speaker(self, text: str, sentence: tuple[int, int]) -> ActorRef | None:
        """The actor next to a reporting verb in the hit's sentence ('Pyongyang said ...')."""
        from parley.actors.resolve import make_ref

        chunk = text[sentence[0] : sentence[1]]
        tokens = list(self.matcher_tokenizer(chunk))
        mentions = self.matcher.find([t.text for t in tokens])
        if not mentions:
            return None
        for i, token in enumerate(tokens):
            if token.lower_ not in REPORTING:
                continue
            before = [m for m in mentions if m.end <= i and i - m.end <= 6]
            # "said Beijing" names the speaker after the verb; "urged Washington" names the addressee
            after = [m for m in mentions if m.start > i and m.start - i <= 2 and token.lower_ in INVERTED]
            chosen = before[-1] if before else (after[0] if after else None)
            if chosen is not None:
                actor = self.kb.actors[chosen.actor_id]
                return make_ref(actor, " ".join(t.text for t in tokens[chosen.start : chosen.end]))
        return None

    def _issuer(self, name: str) -> ActorRef | None:
        """The knowledge-base actor named by a document's issuer field (its longest alias)."""
        from parley.actors.resolve import make_ref

        tokens = list(self.matcher_tokenizer(name))
        mentions = self.matcher.find([t.text for t in tokens])
        if not mentions:
            return None
        best = max(mentions, key=lambda m: (m.end - m.start, -m.start))
        return make_ref(self.kb.actors[best.actor_id], name)

    @cached_property
    def matcher_tokenizer(self):
        import spacy

        return spacy.blank("en").tokenizer


def cjk_script(text: str) -> str:
    """ja where there is kana, ko where there is hangul, else zh (Han characters alone)."""
    if re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    if re.search(r"[\uac00-\ud7af]", text):
        return "ko"
    return "zh"


def _most_specific(spans, lexicon: Lexicon):
    """Overlapping hits resolve to the longest span, then to the formula implying the other."""
    ordered = sorted(set(spans), key=lambda s: (-(s[1] - s[0]), -len(lexicon.closure[s[2]]), s[0], s[2]))
    chosen: list[tuple[int, int, str, str]] = []
    for span in ordered:
        if all(span[1] <= c[0] or c[1] <= span[0] for c in chosen):
            chosen.append(span)
    return sorted(chosen)


LIST_GAP = re.compile(r"^[\s,;/]*(?:(?:and|or|nor|as well as|and/or)\b[\s,]*)*(?:the\s+)?$", re.IGNORECASE)


def _cue_scope(text: str, sentence: tuple[int, int], start: int, hits: list[FormulaHit]) -> tuple[int, int]:
    """A cue before an earlier formula of the sentence stops there ("dropped X and backed Y"),
    unless the two formulas are a list ("did not mention X or Y")."""
    previous = [h for h in hits if sentence[0] <= h.char_start and h.char_end <= start]
    if previous and not LIST_GAP.match(text[previous[-1].char_end : start]):
        return previous[-1].char_end, sentence[1]
    return sentence


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(mark, 0, start) for mark in ".!?。！？\n") + 1
    rights = [i for i in (text.find(mark, end) for mark in ".!?。！？\n") if i != -1]
    return left, (min(rights) + 1 if rights else len(text))


def _status(text: str, sentence: tuple[int, int], start: int, end: int, lang: str) -> str:
    """The nearest cue before the hit in its sentence, else a cue right after it."""
    before = text[sentence[0] : start].lower()
    after = text[end : sentence[1]].lower()
    if lang != "en":
        scope = CJK_CLAUSE.split(before)[-1][-40:] + CJK_CLAUSE.split(after)[0][:40]
        for status in ("omitted", "negated", "rejected"):
            if any(cue in scope for cue in CJK_CUES[status]):
                return status
        return "asserted"
    best, distance = "asserted", None
    for status, cues in (*CUES_BEFORE.items(), ("asserted", CUES_ASSERTED)):
        for cue in cues:
            for match in re.finditer(r"\b" + re.escape(cue) + r"\b", before):
                gap = len(before) - match.end()
                # "denounced the drills as a rehearsal for invasion": the hit is the speaker's label
                labelled = re.search(
                    r"\bas\b", re.sub(r"\b(?:as well as|such as)\b", " ", before[match.end() :])
                )
                if gap <= 90 and not labelled and (distance is None or gap < distance):
                    best, distance = status, gap
    if best != "asserted":
        return best
    if distance is not None:  # an explicit "replaced by" / "in favour of"
        return "asserted"
    if AFTER_OMITTED.search(re.sub(r"^[\s\"'”’»」』)]+", "", after[:80])):
        return "omitted"
    for status, cues in CUES_AFTER.items():
        if any(re.search(r"\b" + re.escape(cue) + r"\b", after[:60]) for cue in cues):
            return status
    return "asserted"


def _quoted(text: str, sentence: tuple[int, int], start: int, end: int) -> bool:
    """Is the hit between an opening and a closing quotation mark of its sentence?"""
    before = APOSTROPHE.sub("", text[sentence[0] : start])
    # a closing mark may follow the sentence's full stop: “... greatest enemy.”
    after = APOSTROPHE.sub("", text[end : sentence[1] + 2])
    opens = sum(before.count(q) for q in QUOTES_OPEN if q != '"') + before.count('"') % 2
    closes = sum(before.count(q) for q in QUOTES_CLOSE if q != '"')
    inside = opens > closes
    return inside and any(q in after for q in QUOTES_CLOSE)


__all__ = ["FormulaFinder", "FormulaHit", "LANGS", "STATUSES", "load_lexicon"]
