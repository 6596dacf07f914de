"""Documented means tested: every CLI command is in the README, and the README starts with both commands."""

from __future__ import annotations

from pathlib import Path

from parley.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_docs_readme_opens_with_the_two_commands():
    head = README[:1500]
    assert "make demo" in head and "make test" in head


def test_docs_every_cli_command_is_documented():
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    for name in names:
        assert f"parley {name}" in README, name
