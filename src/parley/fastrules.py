"""The model's attribute ruler, applied by table lookup instead of spaCy's general Matcher.

The small English model's `attribute_ruler` maps fine-grained tags to coarse parts of speech and
morphology (its first 56 patterns, one per tag), then applies about 120 word exceptions. Run through
the general Matcher it costs a fifth of the whole parse. Here the tag map is applied to the whole
document as two array lookups, and each exception is indexed by a word, dependency label or tag its
first token must have, so a token is only checked against the few exceptions that can match it.
The exceptions are applied in the ruler's own order by its own `set_annotations`, after the tag
map, as the ruler does (the tag map's patterns come first, and later patterns win).

The rule lemmatizer gets the same treatment: one lemma per (word, part of speech, morphology),
the key of spaCy's own cache, written to the document as one array.

`speed_up` leaves the ruler as it is if any pattern is beyond this (an operator, an attribute other
than TAG, LOWER, DEP and IS_SPACE, a tag pattern after an exception). A test checks that every token
of the gold sets and the benchmark corpus gets the same part of speech, morphology and lemma.
"""

from __future__ import annotations

import re

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.errors import Errors
from spacy.strings import get_string_id

COLUMNS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
_READ = [TAG, LOWER, DEP, IS_SPACE]
ANCHOR_ORDER = ("LOWER", "DEP", "TAG", "IS_SPACE")  # the most selective first


class _Unsupported(Exception):
    pass


def _key(column: int, value) -> int:
    return int(value) if column == COLUMNS["IS_SPACE"] else get_string_id(value)


class _RegexTest:
    """A REGEX on a string column, remembered per string."""

    def __init__(self, column: int, pattern: str):
        self.column, self.pattern, self.seen = column, re.compile(pattern), {}

    def __call__(self, row, strings) -> bool:
        value = row[self.column]
        hit = self.seen.get(value)
        if hit is None:
            hit = self.seen[value] = bool(self.pattern.search(strings[value] if value else ""))
        return hit


def _test(column: int, value):
    """A test over one token's row of hashes (tag, lower, dep, is_space)."""
    if isinstance(value, (str, bool)):
        wanted = _key(column, value)
        return lambda row, strings: row[column] == wanted
    if isinstance(value, dict) and len(value) == 1:
        ((operator, argument),) = value.items()
        if operator in ("IN", "NOT_IN"):
            values = frozenset(_key(column, v) for v in argument)
            if operator == "IN":
                return lambda row, strings: row[column] in values
            return lambda row, strings: row[column] not in values
        if operator == "REGEX" and column != COLUMNS["IS_SPACE"]:
            return _RegexTest(column, argument)
    raise _Unsupported(value)


def _token_tests(spec: dict) -> list:
    if not spec or any(key not in COLUMNS for key in spec):
        raise _Unsupported(spec)
    return [_test(COLUMNS[key], value) for key, value in spec.items()]


def _anchor(spec: dict) -> tuple[int, list[int]] | None:
    """The column and values a pattern's first token can be looked up by, if it has one."""
    for name in ANCHOR_ORDER:
        value, column = spec.get(name), COLUMNS[name]
        if isinstance(value, (str, bool)) and not (name == "IS_SPACE" and value is False):
            return column, [_key(column, value)]
        if isinstance(value, dict) and list(value) == ["IN"]:
            return column, [_key(column, v) for v in value["IN"]]
    return None


def _is_tag_map(attrs: dict, patterns: list) -> bool:
    return set(attrs) <= {POS, MORPH} and all(
        len(p) == 1 and list(p[0]) == ["TAG"] and isinstance(p[0]["TAG"], str) for p in patterns
    )


class FastRuler:
    """Stands in for the ruler's `match` and `set_annotations`, with the same result."""

    def __init__(self, ruler):
        self.ruler = ruler
        strings = ruler.vocab.strings
        groups = []
        for attr_id, attrs in enumerate(ruler.attrs):
            match_id = strings[str(attr_id)]
            groups.append((attr_id, match_id, attrs, ruler.matcher.get(match_id)[1]))
        self.tag_pos: dict[int, int] = {}
        self.tag_morph: dict[int, int] = {}
        first = 0
        while first < len(groups) and _is_tag_map(groups[first][2], groups[first][3]):
            _, _, attrs, patterns = groups[first]
            for pattern in patterns:
                tag = get_string_id(pattern[0]["TAG"])
                if tag in self.tag_pos:  # the same tag twice: leave it to the general path
                    raise _Unsupported(pattern)
                if set(attrs) != {POS, MORPH}:
                    raise _Unsupported(attrs)
                self.tag_pos[tag] = attrs[POS]
                self.tag_morph[tag] = attrs[MORPH]
            first += 1
        self.index: dict[tuple[int, int], list] = {}
        self.scan: list = []  # exceptions with nothing to look up: tried at every token
        for attr_id, match_id, _, patterns in groups[first:]:
            for pattern in patterns:
                entry = (attr_id, match_id, [_token_tests(spec) for spec in pattern])
                anchor = _anchor(pattern[0])
                if anchor is None:
                    self.scan.append(entry)
                    continue
                column, values = anchor
                for value in values:
                    self.index.setdefault((column, value), []).append(entry)

    def match(self, doc) -> list[tuple[int, int, int, int]]:
        """The exceptions' matches, sorted as the ruler sorts them."""
        strings = doc.vocab.strings
        rows = doc.to_array(_READ).tolist()
        get, found = self.index.get, set()
        for start, row in enumerate(rows):
            candidates = [get((0, row[0])), get((1, row[1])), get((2, row[2])), get((3, row[3])), self.scan]
            for entries in candidates:
                for attr_id, match_id, tests in entries or ():
                    end = start + len(tests)
                    if end <= len(rows) and all(
                        test(rows[start + offset], strings)
                        for offset, token_tests in enumerate(tests)
                        for test in token_tests
                    ):
                        found.add((attr_id, match_id, start, end))
        return sorted(found)

    def set_annotations(self, doc, matches) -> None:
        """The tag map over the whole document, then the exceptions in order."""
        if len(doc):
            rows = doc.to_array([TAG, POS, MORPH]).tolist()
            pos, morph = self.tag_pos.get, self.tag_morph.get
            new = [(pos(tag, old_pos), morph(tag, old_morph)) for tag, old_pos, old_morph in rows]
            doc.from_array([POS, MORPH], np.array(new, dtype=np.uint64))
        type(self.ruler).set_annotations(self.ruler, doc, matches)


def _fast_lemmatizer(lemmatizer) -> bool:
    """Rule lemmas looked up per (word, part of speech, morphology), the key spaCy's own cache
    uses, and written to the document in one array: the lemmatizer's per-token Python loop was a
    tenth of the parse. A key is lemmatized once, by the lemmatizer itself."""
    if getattr(lemmatizer, "mode", None) != "rule" or lemmatizer.overwrite:
        return False
    base = type(lemmatizer)

    class Lemmatizer(base):
        def __call__(self, doc):
            if not self._validated:
                self._validate_tables(Errors.E1004)
            if not len(doc):
                return doc
            strings, known = doc.vocab.strings, self._lemmas
            rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
            lemmas = []
            for i, (orth, pos, morph, lemma) in enumerate(rows):
                if lemma == 0:
                    lemma = known.get((orth, pos, morph))
                    if lemma is None:
                        lemma = known[(orth, pos, morph)] = strings.add(self.lemmatize(doc[i])[0])
                lemmas.append(lemma)
            doc.from_array([LEMMA], np.array(lemmas, dtype=np.uint64).reshape(-1, 1))
            return doc

    Lemmatizer.__name__ = Lemmatizer.__qualname__ = base.__name__
    lemmatizer.__class__ = Lemmatizer
    lemmatizer._lemmas = {}
    return True


def speed_up(nlp) -> list[str]:
    """Give the pipeline's attribute ruler and lemmatizer their fast paths; the names of the
    components that took them."""
    done = []
    if "attribute_ruler" in nlp.pipe_names:
        ruler = nlp.get_pipe("attribute_ruler")
        try:
            fast = FastRuler(ruler)
        except _Unsupported:
            fast = None
        if fast is not None:
            ruler.match = fast.match
            ruler.set_annotations = fast.set_annotations
            done.append("attribute_ruler")
    if "lemmatizer" in nlp.pipe_names and _fast_lemmatizer(nlp.get_pipe("lemmatizer")):
        done.append("lemmatizer")
    return done
