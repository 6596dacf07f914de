"""Event frames: validated data, covering every PLOVER type, with codes that exist."""

from __future__ import annotations

import pytest

from parley.errors import ParleyError
from parley.events.frames import PLOVER_TYPES, load_frames, quad_class


@pytest.fixture(scope="module")
def frames():
    return load_frames()


def test_frames_cover_every_plover_type_with_verbs_and_nouns(frames):
    for plover_type in PLOVER_TYPES:
        typed = [f for f in frames.frames if f.type == plover_type]
        assert any(f.verbs for f in typed), plover_type
        assert any(f.nouns for f in typed), plover_type


def test_frames_cameo_codes_have_goldstein_scores(frames):
    for frame in frames.frames:
        assert frame.cameo in frames.goldstein, frame.id


def test_frames_modes_exist_in_plover(frames):
    import json
    from pathlib import Path

    reference = Path(__file__).resolve().parents[2] / "shared" / "reference" / "plover.json"
    if not reference.exists():
        pytest.skip("shared reference data not present")
    types = json.loads(reference.read_text())["event_types"]
    contexts = set(json.loads(reference.read_text())["contexts"])
    for frame in frames.frames:
        assert frame.mode is None or frame.mode in types[frame.type]["modes"], frame.id
        assert set(frame.contexts) <= contexts, frame.id


@pytest.mark.parametrize(
    "cameo,quad",
    [
        ("010", 1),
        ("057", 1),
        ("061", 2),
        ("090", 2),
        ("111", 3),
        ("138", 3),
        ("145", 3),
        ("150", 4),
        ("163", 4),
        ("193", 4),
    ],
)
def test_frames_quad_class_follows_gdelt_files(cameo, quad):
    assert quad_class(cameo) == quad


def test_frames_goldstein_falls_back_to_parent_code(frames):
    assert frames.goldstein_for("1121") == frames.goldstein["1121"]
    assert frames.goldstein_for("0999") == frames.goldstein["09"]


def test_frames_invalid_extra_file_is_reported(tmp_path):
    bad = tmp_path / "frames.yaml"
    bad.write_text("frames:\n  - {id: x, type: HUG, cameo: '040', verbs: [hug]}\n", encoding="utf-8")
    with pytest.raises(ParleyError) as caught:
        load_frames([bad])
    assert caught.value.code == "P009" and "frames.yaml" in str(caught.value)


def test_frames_extra_file_adds_a_trigger(tmp_path):
    extra = tmp_path / "frames.yaml"
    extra.write_text(
        "frames:\n  - {id: user.snub, type: REJECT, cameo: '120', verbs: [cold-shoulder], target: [dobj]}\n"
    )
    assert "cold-shoulder" in load_frames([extra]).by_verb


def test_frames_unknown_argument_places_are_refused(tmp_path):
    bad = tmp_path / "frames.yaml"
    bad.write_text("frames:\n  - {id: x, type: ACCUSE, cameo: '111', verbs: [x], target: [obj.on.top]}\n")
    with pytest.raises(ParleyError, match="unknown argument place"):
        load_frames([bad])
