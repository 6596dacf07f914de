"""Event frames: validated data that maps trigger words to PLOVER and CAMEO codes."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from parley.datafiles import load_yaml, package_data
from parley.errors import ParleyError

PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)


# The word lists the coder's rules need (settings.words in the frames file).
WORD_LISTS = {
    "content_types",
    "located_types",
    "paired_types",
    "people",
    "response_verbs",
    "response_nouns",
    "reaction_verbs",
    "phrasal_particles",
    "speech_verbs",
    "condition_marks",
    "hypothetical_modifiers",
    "real_prepositions",
    "creation_verbs",
    "speculation_verbs",
    "intent_nouns",
    "content_nouns",
    "object_control",
    "light_verbs",
    "civilian_types",
    "domestic_types",
    "inward_types",
    "causative_verbs",
    "blocking_verbs",
    "prospect_nouns",
    "motion_verbs",
}


# Argument places (see the frames file): plain ones, and prefixed ones ("obj.on", "nested.against").
SIMPLE_PLACES = {"dobj", "xobj", "dative", "head.to", "clause.nsubj", "ccomp.nsubj", "obj.acl"}
PLACE_PREFIXES = {"obj", "objtree", "nested"}


class Frame(BaseModel):
    """One trigger pattern."""

    model_config = ConfigDict(extra="forbid")
    id: str
    type: Literal[PLOVER_TYPES]
    cameo: str
    mode: str | None = None
    contexts: list[str] = []
    verbs: list[str] = []
    nouns: list[str] = []
    object: list[str | None] = []
    object_not: list[str] = []
    object_actor: bool = False
    object_kind: list[str] = []
    requires_word: list[str] = []
    requires_word_if_object: dict[str, list[str]] = {}
    requires_target: bool = False
    excludes_word: list[str] = []
    clause_modal: list[str] = []  # "said that X must ...": a complement clause with this modal
    adjectival: bool = False  # "is opposed to", "is committed to": the passive subject acts
    pair_satisfies: bool = False  # coordinated actors stand in for `requires_word` ("X and Y held drills")
    target_kind: list[str] = []  # knowledge-base kinds the target must have ("withdrawal from the WHO")
    adjective: bool = False  # the trigger must be a predicate adjective ("is willing to")
    no_complement: bool = False  # "called X" the phone call, not "called X an enemy"
    ignore_conditional: bool = False
    particle: str | None = None
    particle_or_prep: list[str] = []
    target: list[str] = []
    pair: list[str] = []
    symmetric: bool = False
    mutual: bool = False
    swap: bool = False
    subject_kind: list[str] = []
    subject_sector: list[str] = []
    subject_sector_not: list[str] = []
    source_sector: str | None = None
    confidence: float = 0.9

    @field_validator("cameo")
    @classmethod
    def _cameo_digits(cls, value: str) -> str:
        if not value.isdigit() or not 2 <= len(value) <= 4:
            raise ValueError(f"CAMEO code must be 2-4 digits, got {value!r}")
        return value

    @field_validator("target", "pair")
    @classmethod
    def _known_places(cls, value: list[str]) -> list[str]:
        for place in value:
            prefix, _, rest = place.rpartition(".")
            known = place in SIMPLE_PLACES or (prefix in PLACE_PREFIXES and rest.isalpha())
            if not known and not (prefix == "" and rest.isalpha()):  # a bare preposition
                raise ValueError(f"unknown argument place {place!r}")
        return value

    @model_validator(mode="after")
    def _one_trigger_kind(self):
        if bool(self.verbs) == bool(self.nouns):
            raise ValueError("a frame lists either verbs or nouns")
        return self


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    intent_verbs: list[str]
    hedge_verbs: list[str]
    aspect_verbs: list[str]
    modal_aux: list[str]
    future_aux: list[str]
    future_shift: dict[str, tuple[str, str]]
    contexts: dict[str, list[str]]
    words: dict[str, list[str]]

    @field_validator("words")
    @classmethod
    def _required_word_lists(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        missing = sorted(WORD_LISTS - set(value))
        if missing:
            raise ValueError(f"settings.words lacks {', '.join(missing)}")
        return value


@dataclass
class FrameSet:
    """Frames indexed by trigger lemma, plus the code tables they need."""

    frames: list[Frame]
    settings: Settings
    by_verb: dict[str, list[Frame]] = field(default_factory=dict)
    by_noun: dict[str, list[Frame]] = field(default_factory=dict)
    goldstein: dict[str, float] = field(default_factory=dict)
    plover_scores: dict[tuple[str, str], float] = field(default_factory=dict)

    def __post_init__(self):
        for frame in self.frames:
            for verb in frame.verbs:
                self.by_verb.setdefault(verb, []).append(frame)
            for noun in frame.nouns:
                self.by_noun.setdefault(noun.split()[-1], []).append(frame)
        # For one lemma, frames with constraints are tried before the general ones, whatever
        # their order in the file: "offer an apology" is CONCEDE before "offer" is AGREE.
        for table in (self.by_verb, self.by_noun):
            for lemma, frames in table.items():
                table[lemma] = sorted(frames, key=lambda f: not _constrained(f))

    def goldstein_for(self, cameo: str) -> float:
        """GDELT's Goldstein score, falling back to the parent code."""
        for length in range(len(cameo), 1, -1):
            if cameo[:length] in self.goldstein:
                return self.goldstein[cameo[:length]]
        return 0.0

    def plover_score(self, event_type: str, mode: str | None) -> float:
        return self.plover_scores.get((event_type, mode or ""), self.plover_scores[(event_type, "")])


def _constrained(frame: Frame) -> bool:
    return bool(
        frame.object or frame.requires_word or frame.particle or frame.particle_or_prep or frame.clause_modal
    )


def quad_class(cameo: str) -> int:
    """GDELT's quad class, as its files emit it: roots 01-05, 06-09, 10-14, 15-20."""
    root = int(cameo[:2])
    return 1 if root <= 5 else 2 if root <= 9 else 3 if root <= 14 else 4


def load_frames(extra: Iterable[Path] = ()) -> FrameSet:
    """Load and validate the bundled English frames, plus user frame files."""
    path = package_data("frames", "en.yaml")
    data = load_yaml(path)
    try:
        settings = Settings.model_validate(data["settings"])
    except (KeyError, ValidationError) as error:
        raise ParleyError("P009", path=str(path), reason=str(error).splitlines()[0]) from None
    frames = _validate_frames(path, data.get("frames", []))
    for extra_path in extra:
        frames += _validate_frames(Path(extra_path), load_yaml(Path(extra_path)).get("frames", []))
    frame_set = FrameSet(frames=frames, settings=settings)
    frame_set.goldstein = _read_table(package_data("cameo_goldstein.csv"), "cameo_code", "goldstein")
    scores = csv.DictReader(package_data("plover_scores.csv").open(encoding="utf-8"))
    frame_set.plover_scores = {(r["event_type"], r["mode"]): float(r["score"]) for r in scores}
    return frame_set


def _validate_frames(path: Path, items: list) -> list[Frame]:
    frames, seen = [], set()
    for number, item in enumerate(items, start=1):
        try:
            frame = Frame.model_validate(item)
        except ValidationError as error:
            first = error.errors()[0]
            reason = f"frame {number} ({item.get('id', '?')}): {first['msg']}"
            raise ParleyError("P009", path=str(path), reason=reason) from None
        if frame.id in seen:
            raise ParleyError("P009", path=str(path), reason=f"duplicate frame id {frame.id}")
        seen.add(frame.id)
        frames.append(frame)
    return frames


def _read_table(path: Path, key: str, value: str) -> dict[str, float]:
    with path.open(encoding="utf-8") as handle:
        return {row[key]: float(row[value]) for row in csv.DictReader(handle)}
