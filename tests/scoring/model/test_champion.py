"""The champion registry: an append-only history whose replay names the served model, and the
``name:champion`` alias resolved from it (or, inside a Bento, from the one entry packed)."""

from __future__ import annotations

import json
from pathlib import Path

import bentoml
import pytest

from scoring.model.champion import (
    ChampionEvent,
    ChampionRegistry,
    RegistryError,
    resolve_tag,
)


@pytest.fixture
def registry(tmp_path: Path) -> ChampionRegistry:
    return ChampionRegistry("credit_scoring", home=tmp_path)


def _event(kind, tag, previous=None) -> ChampionEvent:
    return ChampionEvent(kind, tag, by="analyst", reason="a reason", previous=previous)


def test_an_empty_registry_has_no_champion(registry: ChampionRegistry) -> None:
    assert registry.events() == [] and registry.champion() is None and registry.previous() is None


def test_promotions_stack_and_a_rollback_pops_back(registry: ChampionRegistry) -> None:
    registry.record(_event("first", "m:a"))
    registry.record(_event("promoted", "m:b", previous="m:a"))
    registry.record(_event("forced", "m:c", previous="m:b"))
    assert registry.lineage() == ["m:a", "m:b", "m:c"] and registry.previous() == "m:b"
    registry.record(_event("rolled_back", "m:b", previous="m:c"))
    assert registry.champion() == "m:b" and registry.previous() == "m:a"
    registry.record(_event("rolled_back", "m:a", previous="m:b"))
    assert registry.champion() == "m:a" and registry.previous() is None
    kinds = [event.kind for event in registry.events()]
    assert kinds == ["first", "promoted", "forced", "rolled_back", "rolled_back"], "kept whole"


def test_the_history_is_written_as_readable_json(registry: ChampionRegistry) -> None:
    registry.record(_event("first", "m:a"))
    document = json.loads(registry.path.read_text())
    assert document["model"] == "credit_scoring"
    assert document["events"][0] | {"at": None} == {
        "kind": "first", "tag": "m:a", "by": "analyst", "reason": "a reason", "at": None,
        "previous": None, "report": None, "tracking_run": None,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("events", "wrong", "message"),
    [
        ([("first", "m:a", None)], ("first", "m:b", "m:a"), "already has a champion"),
        ([("first", "m:a", None)], ("promoted", "m:a", "m:a"), "already the champion"),
        ([("first", "m:a", None)], ("promoted", "m:b", "m:x"), "someone changed it"),
        ([("first", "m:a", None)], ("rolled_back", "m:a", "m:a"), "there is none"),
        (
            [("first", "m:a", None), ("promoted", "m:b", "m:a")],
            ("rolled_back", "m:c", "m:b"),
            "restores the previous champion, m:a",
        ),
    ],
)
def test_an_event_that_does_not_follow_the_history_is_refused(
    registry: ChampionRegistry, events, wrong, message
) -> None:
    for kind, tag, previous in events:
        registry.record(_event(kind, tag, previous))
    before = registry.path.read_text()
    with pytest.raises(RegistryError, match=message):
        registry.record(_event(*wrong))
    assert registry.path.read_text() == before, "nothing written"


def test_a_damaged_registry_is_named_not_guessed(registry: ChampionRegistry) -> None:
    registry.path.parent.mkdir(parents=True)
    registry.path.write_text('{"events": [{"kind": "crowned"}]}')
    with pytest.raises(RegistryError, match=r"credit_scoring\.json cannot be read"):
        registry.champion()


def test_an_explicit_tag_is_not_resolved() -> None:
    assert resolve_tag("credit_scoring:abc123") == "credit_scoring:abc123"
    assert resolve_tag("credit_scoring:latest") == "credit_scoring:latest"


def test_the_alias_names_the_registered_champion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BENTOML_HOME", str(tmp_path))  # the registry's home, not the store's
    ChampionRegistry("probe").record(_event("first", "probe:v1"))
    assert resolve_tag("probe:champion") == "probe:v1"


def test_without_a_registry_the_one_packed_entry_is_the_champion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As inside a Bento: no registry, the champion packed, and perhaps a shadow beside it.
    The entries go to the session's store, deleted after: BentoML binds its store at first
    use, so it is used before BENTOML_HOME changes (else, run first, this test would bind it
    here), and the session's model fixture refuses a store it did not fill."""
    bentoml.models.list()
    monkeypatch.setenv("BENTOML_HOME", str(tmp_path))  # no registry there
    assert resolve_tag("packed_probe:champion") == "packed_probe:champion", "nothing: unchanged"
    tags: list[str] = []
    try:
        for _ in range(2):
            with bentoml.models.create("packed_probe") as entry:
                (Path(entry.path) / "weights").write_text("1")
            tags.append(str(entry.tag))
            if len(tags) == 1:
                assert resolve_tag("packed_probe:champion") == tags[0]
        assert resolve_tag("packed_probe:champion") == "packed_probe:champion", "two: ambiguous"
        assert resolve_tag("packed_probe:champion", shadow=tags[1]) == tags[0]
    finally:
        for tag in tags:
            bentoml.models.delete(tag)
