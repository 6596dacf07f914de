"""The actor knowledge base: validated data files of states, organisations, institutions, people."""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from parley import __version__
from parley.datafiles import load_yaml, load_yaml_list, package_data
from parley.errors import ParleyError

Kind = Literal["state", "igo", "organ", "institution", "party", "media", "group", "person"]
ROLES = {
    "head_of_state",
    "head_of_government",
    "leader",
    "vice_president",
    "foreign_minister",
    "defense_minister",
    "unification_minister",
    "chief_cabinet_secretary",
    "national_security_advisor",
    "spokesperson",
    "envoy",
    "secretary_general",
    "party_official",
    "military_chief",
    "intelligence_chief",
    "minister",
    "ambassador",
    "other",
}
CODE = r"^[A-Z]{3}$"


class Role(BaseModel):
    """A dated office: resolves role words such as 'the South Korean president'."""

    model_config = ConfigDict(extra="forbid")
    role: str
    title: str
    of: str = Field(pattern=CODE)
    start: date
    end: date | None = None

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str) -> str:
        if value not in ROLES:
            raise ValueError(f"unknown role {value!r}")
        return value

    def holds_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class Actor(BaseModel):
    """One knowledge-base entry."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Z0-9][A-Z0-9_.\-]*$")
    kind: Kind
    name: str
    country: str = Field(pattern=CODE)
    sector: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    cameo: str = Field(pattern=r"^[A-Z]{3,12}$")
    wikidata: str | None = Field(default=None, pattern=r"^Q\d+$")
    names: dict[str, list[str]]
    demonyms: list[str] = []
    metonyms: list[str] = []
    parent: str | None = None
    roles: list[Role] = []

    @field_validator("names")
    @classmethod
    def _english_names(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if not value.get("en"):
            raise ValueError("names.en must list at least one English name")
        return value


@dataclass
class Lexicon:
    """Words that are not actors but help resolve them: sector nouns and role words."""

    sectors: dict[str, str] = field(default_factory=dict)  # "troops" -> "MIL"
    roles: dict[str, list[str]] = field(default_factory=dict)  # "president" -> [head_of_state]
    titles: set[str] = field(default_factory=set)  # words that precede a name
    places: list[str] = field(default_factory=list)  # "Sea of Japan": no actor
    voice_nouns: set[str] = field(default_factory=set)  # "a commentary released by X"
    quantities: set[str] = field(default_factory=set)  # "thousands of protesters"
    non_actor_heads: set[str] = field(default_factory=set)  # "North Korean territory"


@dataclass
class KnowledgeBase:
    """All actors by id, plus the lexicon."""

    actors: dict[str, Actor]
    lexicon: Lexicon
    files: list[str] = field(default_factory=list)

    def get(self, actor_id: str) -> Actor | None:
        return self.actors.get(actor_id)

    def country_actor(self, code: str) -> Actor | None:
        """The state (or bloc) entry for a country code."""
        return self.actors.get(code)

    def people_in_role(self, country: str, roles: Iterable[str], day: date) -> list[Actor]:
        """People holding any of `roles` for `country` on `day`, in the order the roles are given."""
        found: list[Actor] = []
        for role in roles:
            for actor in self.actors.values():
                if (
                    actor.kind == "person"
                    and actor not in found
                    and any(r.role == role and r.of == country and r.holds_on(day) for r in actor.roles)
                ):
                    found.append(actor)
            if found:
                return found
        return found


def load_kb(extra: Iterable[Path] = ()) -> KnowledgeBase:
    """Load and validate the bundled knowledge base, plus any user files.

    Validation takes most of a second, so a validated copy is kept in the user's cache folder,
    keyed by the files' paths, sizes and modification times; any change revalidates."""
    folder = package_data("kb")
    paths = sorted(p for p in folder.glob("*.yaml") if p.name != "lexicon.yaml")
    paths += [Path(p) for p in extra]
    cache = _cache_path(paths + [folder / "lexicon.yaml", Path(__file__)])  # the code shapes the pickle
    cached = _read_cache(cache)
    if cached is not None:
        return cached
    kb = _validate_files(paths, folder)
    _write_cache(cache, kb)
    return kb


def _validate_files(paths: list[Path], folder: Path) -> KnowledgeBase:
    actors: dict[str, Actor] = {}
    for path in paths:
        for line, actor in _read_actor_file(path):
            if actor.id in actors:
                raise ParleyError("P008", path=str(path), line=line, reason=f"duplicate id {actor.id}")
            actors[actor.id] = actor
    lexicon = load_lexicon(folder / "lexicon.yaml")
    return KnowledgeBase(actors=actors, lexicon=lexicon, files=[str(p) for p in paths])


def _cache_path(paths: list[Path]) -> Path | None:
    try:
        stamp = "|".join(f"{p.resolve()}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in paths)
    except OSError:
        return None
    digest = hashlib.sha256(f"{__version__}|{stamp}".encode()).hexdigest()[:24]
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "parley" / f"kb-{digest}.pickle"


def _read_cache(path: Path | None) -> KnowledgeBase | None:
    if path is None or not path.exists():
        return None
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except Exception:  # a stale or broken cache is simply rebuilt
        return None


def _write_cache(path: Path | None, kb: KnowledgeBase) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            pickle.dump(kb, handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
    except OSError:
        pass  # a read-only home folder only costs speed


def _read_actor_file(path: Path) -> list[tuple[int, Actor]]:
    try:
        items = load_yaml_list(path)
    except (OSError, ValueError, yaml.YAMLError) as error:
        raise ParleyError("P008", path=str(path), reason=str(error).splitlines()[0]) from None
    entries = []
    for line, item in items:
        try:
            entries.append((line, Actor.model_validate(item)))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            reason = f"{where}: {first['msg']}" if where else first["msg"]
            raise ParleyError("P008", path=str(path), line=line, reason=reason) from None
    return entries


def load_lexicon(path: Path) -> Lexicon:
    """Sector nouns and role words."""
    data = load_yaml(path)
    sectors = {word: sector for sector, words in data["sectors"].items() for word in words}
    roles = {word: list(kinds) for word, kinds in data["roles"].items()}
    return Lexicon(
        sectors=sectors,
        roles=roles,
        titles=set(data.get("titles", [])),
        places=list(data.get("places", [])),
        voice_nouns=set(data.get("voice_nouns", [])),
        quantities=set(data.get("quantities", [])),
        non_actor_heads=set(data.get("non_actor_heads", [])),
    )
