"""Load YAML data files with line numbers, so validation errors can name the entry's line."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

try:  # the C loader is several times faster on the knowledge base
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as Loader


def package_data(*parts: str) -> Path:
    """Path of a data file shipped inside the package."""
    return Path(str(resources.files("parley").joinpath("data", *parts)))


def load_yaml_list(path: Path) -> list[tuple[int, object]]:
    """A YAML file holding a list, as (line number, item) pairs."""
    text = path.read_text(encoding="utf-8")
    root = yaml.compose(text, Loader=Loader)
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise ValueError("the file must hold a YAML list")
    items = yaml.load(text, Loader=Loader)
    return [(node.start_mark.line + 1, item) for node, item in zip(root.value, items, strict=True)]


def load_yaml(path: Path):
    """A whole YAML document."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
