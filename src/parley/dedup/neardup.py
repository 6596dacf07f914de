"""Near-duplicate documents: MinHash signatures and LSH bands over word 3-shingles.

A syndicated copy or a light rewrite of a story shares most of its word 3-grams with the original;
two outlets writing up the same event in their own words share few. The MinHash signature
estimates the Jaccard similarity of two shingle sets, and banding it (LSH) finds the candidates
without comparing every pair. The bands are stored in DuckDB, so the index persists across runs.

This is the standard MinHash scheme (as in datasketch, permutations h(x) = (a*x + b) mod p on 32-bit
shingle hashes), written out with numpy because datasketch imports scipy, which adds over a second to
every start-up.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

NUM_PERM = 96
BANDS = 32  # 32 bands of 3 rows: a pair at 0.45 Jaccard shares a band with probability 0.95
ROWS = NUM_PERM // BANDS
SHINGLE = 3
THRESHOLD = 0.4  # estimated Jaccard of word 3-shingles at which two documents are one story
# a candidate must share two bands: one shared band is common between unrelated documents that
# share boilerplate (a pair at 0.3 Jaccard shares one with probability 0.58, two with 0.21), and
# checking them all grows with the square of the corpus; a pair at 0.6 still shares two 99.9% of
# the time, a syndicated copy (0.8 and up) always
MIN_SHARED_BANDS = 2
# A story syndicated to thousands of outlets would make every new copy score against every stored
# one. The stored documents that share the most bands are the most similar, so the best match is
# among the first few; only those are scored.
MAX_CANDIDATES = 50

_PRIME = np.uint64((1 << 61) - 1)
_MAX = np.uint64((1 << 32) - 1)
_rng = np.random.RandomState(20261127)
_A = _rng.randint(1, 1 << 32, size=NUM_PERM, dtype=np.uint64)
_B = _rng.randint(0, 1 << 32, size=NUM_PERM, dtype=np.uint64)
_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[str]:
    """Lower-cased word 3-grams; a text shorter than that is its own single shingle."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def signature(text: str) -> np.ndarray:
    """The MinHash signature (NUM_PERM unsigned 32-bit values) of a text's shingles."""
    grams = shingles(text)
    if not grams:
        return np.full(NUM_PERM, _MAX, dtype=np.uint64)
    hashes = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams))
    with np.errstate(over="ignore"):
        permuted = ((hashes[:, None] * _A + _B) % _PRIME) & _MAX
    return permuted.min(axis=0)


_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)[:ROWS]


def bands(sig: np.ndarray) -> list[int]:
    """One 63-bit hash per band of the signature (the band's rows mixed by odd 64-bit multipliers)."""
    rows = np.asarray(sig, dtype=np.uint64).reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        mixed = (rows * _MIX).sum(axis=1, dtype=np.uint64)
        mixed ^= mixed >> np.uint64(29)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
    return (mixed >> np.uint64(1)).tolist()


def similarity(a, b) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(np.asarray(a, dtype=np.uint64) == np.asarray(b, dtype=np.uint64)))


def assign_stories(
    order: list[str],
    signatures: dict,
    bands_of: dict[str, list[int]],
    known: dict[str, tuple] | None = None,
    known_candidates: dict[str, set] | None = None,
) -> dict[str, tuple[str, float | None]]:
    """Each document's story, in reading order: the story of its most similar earlier document at
    THRESHOLD or more (candidates share MIN_SHARED_BANDS LSH bands), else its own id. `known` holds
    documents stored before ({id: (story, signature)}) and `known_candidates` which of them each
    new document shares enough bands with."""
    known = dict(known or {})
    index: dict[tuple[int, int], list[str]] = {}
    stories: dict[str, tuple[str, float | None]] = {}
    for doc_id in order:
        shared: dict[str, int] = {}
        for band, h in enumerate(bands_of[doc_id]):
            for other in index.get((band, h), ()):
                shared[other] = shared.get(other, 0) + 1
        found = set((known_candidates or {}).get(doc_id, ())) | {
            other for other, count in shared.items() if count >= MIN_SHARED_BANDS
        }
        best = None
        if found:
            ordered = sorted(found)
            matrix = np.asarray([known[other][1] for other in ordered], dtype=np.uint64)
            scores = (matrix == np.asarray(signatures[doc_id], dtype=np.uint64)).mean(axis=1)
            for other, score in zip(ordered, scores.tolist(), strict=True):
                if score >= THRESHOLD and (best is None or score > best[1]):
                    best = (known[other][0], score)
        stories[doc_id] = best or (doc_id, None)
        known[doc_id] = (stories[doc_id][0], signatures[doc_id])
        for band, h in enumerate(bands_of[doc_id]):
            index.setdefault((band, h), []).append(doc_id)
    return stories
