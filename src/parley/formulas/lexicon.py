"""The formula lexicon: validated data, normalised variants, implications and ladders."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from parley.datafiles import load_yaml_list, package_data
from parley.errors import ParleyError

LANGS = ("en", "ja", "ko", "zh")
CATEGORIES = {
    "denuclearization",
    "policy_label",
    "agreement",
    "peace_regime",
    "abduction",
    "sanctions_un",
    "human_rights",
    "deterrence",
    "nuclear_status",
    "hostility",
    "china_taiwan",
    "indo_pacific",
    "order",
    "middle_east",
    "sovereignty",
    "partnership",
    "russia_ukraine",
    "intensity",
}
ARTICLES = {"the", "a", "an"}
# British spellings and equivalent names, read as one form on both sides of a match.
SPELLINGS = {
    "defence": "defense",
    "programme": "program",
    "programmes": "programs",
    "recognise": "recognize",
    "recognises": "recognizes",
    "dprk": "north korea",
}
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


class Ladder(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    step: int


class Formula(BaseModel):
    """One diplomatic formula."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    category: str
    description: str
    users: list[str] = []
    note: str | None = None
    variants: dict[str, list[str]]
    implies: list[str] = []
    ladder: Ladder | None = None

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"unknown category {value!r}")
        return value

    @field_validator("variants")
    @classmethod
    def _english_variant(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if not value.get("en"):
            raise ValueError("variants.en must list at least one English variant")
        unknown = set(value) - set(LANGS)
        if unknown:
            raise ValueError(f"unknown variant language {sorted(unknown)}")
        for phrases in value.values():
            for phrase in phrases:
                if not isinstance(phrase, str) or not phrase.strip():
                    raise ValueError("a variant must be a non-empty phrase")
        return value


@dataclass
class Lexicon:
    """Formulas by id, with the transitive implications of each."""

    formulas: dict[str, Formula]
    closure: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self):
        for formula_id in self.formulas:
            seen: list[str] = []
            stack = list(self.formulas[formula_id].implies)
            while stack:
                other = stack.pop(0)
                if other not in seen and other != formula_id:
                    seen.append(other)
                    stack.extend(self.formulas[other].implies)
            self.closure[formula_id] = seen


def normalise_words(text: str) -> list[tuple[str, int, int]]:
    """Latin-script words as (normal form, start, end): lower case, no articles, one spelling."""
    words = []
    matches = list(WORD.finditer(text))
    for index, match in enumerate(matches):
        word = match.group(0).lower().replace("\u2019", "'")
        if word in ARTICLES:
            continue
        if _the_north(matches, index):
            words.extend((("north", match.start(), match.end()), ("korea", match.start(), match.end())))
            continue
        word = SPELLINGS.get(word, word)
        if word.endswith(("isation", "isations", "ised", "ises", "ising")) and len(word) > 7:
            word = re.sub(r"is(ation|ations|ed|es|ing)$", r"iz\1", word)
        for part in word.split():
            words.append((part, match.start(), match.end()))
    return words


def _the_north(matches, index: int) -> bool:
    """ "the North" standing alone (not "the North Atlantic") is North Korea in this domain."""
    if matches[index].group(0) != "North" or index == 0 or matches[index - 1].group(0).lower() != "the":
        return False
    following = matches[index + 1].group(0) if index + 1 < len(matches) else ""
    return not following[:1].isupper() and following.lower() not in ("korea", "korea's")


def load_lexicon(extra: list[Path] | None = None) -> Lexicon:
    """The bundled formula files plus user files, validated; errors name the file and line."""
    paths = sorted(package_data("formulas").glob("*.yaml")) + [Path(p) for p in extra or []]
    formulas: dict[str, Formula] = {}
    for path in paths:
        try:
            items = load_yaml_list(path)
        except (OSError, ValueError, yaml.YAMLError) as error:
            raise ParleyError("P015", path=str(path), reason=str(error).splitlines()[0]) from None
        for line, item in items:
            try:
                formula = Formula.model_validate(item)
            except ValidationError as error:
                first = error.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                raise ParleyError(
                    "P015", path=str(path), line=line, reason=f"{where}: {first['msg']}"
                ) from None
            if formula.id in formulas:
                raise ParleyError("P015", path=str(path), line=line, reason=f"duplicate id {formula.id}")
            formulas[formula.id] = formula
    for formula in formulas.values():
        missing = [i for i in formula.implies if i not in formulas]
        if missing:
            raise ParleyError("P015", path="formulas", reason=f"{formula.id} implies unknown {missing}")
    return Lexicon(formulas)
