"""Which stored model is the champion: the one the service, the Bento and file scoring use.

BentoML's store keeps every trained entry but cannot relabel one after it is saved, so the
champion is an alias kept beside the store, in ``$BENTOML_HOME/registry/<name>.json``: an
append-only list of events (the first model, each promotion, each forced promotion, each
rollback), each saying who did it, when, and why. The champion is what replaying them
leaves on top: a promotion pushes a model, a rollback pops back to the one before.

Inside a Bento there is no registry: the Bento packs the champion resolved when it was built
(and a shadow challenger, if one was configured), so the one entry that is not the shadow
is the champion there.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import bentoml

CHAMPION = "champion"
REGISTRY_FOLDER = "registry"
EventKind = Literal["first", "promoted", "forced", "rolled_back"]
EVENT_KINDS: tuple[EventKind, ...] = ("first", "promoted", "forced", "rolled_back")


class RegistryError(RuntimeError):
    """The registry cannot record this event, or cannot be read."""


@dataclass(frozen=True)
class ChampionEvent:
    """One change of champion: who made it, when, and why."""

    kind: EventKind
    tag: str  # the champion after the event
    by: str
    reason: str
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    previous: str | None = None  # the champion before the event
    report: str | None = None  # the comparison report of a promotion
    tracking_run: str | None = None  # the MLflow run that recorded it

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChampionEvent:
        if data.get("kind") not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {data.get('kind')!r}")
        return cls(**data)


def bentoml_home() -> Path:
    """BentoML's home, as BentoML itself resolves it (``BENTOML_HOME``, else ~/bentoml)."""
    configured = os.environ.get("BENTOML_HOME")
    return Path(configured) if configured else Path.home() / "bentoml"


class ChampionRegistry:
    """The champion of one model name and the history of how it became so."""

    def __init__(self, name: str, home: Path | None = None) -> None:
        self.name = name
        self.path = (home or bentoml_home()) / REGISTRY_FOLDER / f"{name}.json"

    def events(self) -> list[ChampionEvent]:
        """Every recorded event, oldest first (none when the registry does not exist)."""
        if not self.path.is_file():
            return []
        try:
            document = json.loads(self.path.read_text())
            return [ChampionEvent.from_json(event) for event in document["events"]]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise RegistryError(
                f"the champion registry {self.path} cannot be read ({error}); restore it from "
                "a backup: it is the record of which model serves"
            ) from error

    def lineage(self) -> list[str]:
        """The champions in force, oldest first: the last one serves, rollback pops it."""
        stack: list[str] = []
        for event in self.events():
            if event.kind == "rolled_back":
                stack.pop()
            else:
                stack.append(event.tag)
        return stack

    def champion(self) -> str | None:
        lineage = self.lineage()
        return lineage[-1] if lineage else None

    def previous(self) -> str | None:
        """What a rollback would restore, if anything."""
        lineage = self.lineage()
        return lineage[-2] if len(lineage) > 1 else None

    def record(self, event: ChampionEvent) -> None:
        """Append ``event`` after checking it follows from the history; atomic on disk."""
        with self._locked():
            lineage = self.lineage()
            current = lineage[-1] if lineage else None
            if event.previous != current:
                raise RegistryError(
                    f"the champion is {current}, not {event.previous}: someone changed it "
                    "meanwhile; look at the history and try again"
                )
            if event.kind == "first" and current is not None:
                raise RegistryError(f"{self.name} already has a champion, {current}")
            if event.kind in ("promoted", "forced") and event.tag == current:
                raise RegistryError(f"{event.tag} is already the champion")
            if event.kind == "rolled_back" and (len(lineage) < 2 or lineage[-2] != event.tag):
                raise RegistryError(
                    f"a rollback restores the previous champion, "
                    f"{lineage[-2] if len(lineage) > 1 else 'and there is none'}"
                )
            events = [asdict(e) for e in self.events()] + [asdict(event)]
            self._write({"model": self.name, "events": events})

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time (two operators promoting at once)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write(self, document: dict[str, Any]) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".json")
        with os.fdopen(handle, "w") as file:
            json.dump(document, file, indent=1)
            file.write("\n")
        os.replace(temporary, self.path)


def is_champion_alias(tag: str) -> bool:
    return tag.partition(":")[2] == CHAMPION


def resolve_tag(wanted: str, shadow: str | None = None) -> str:
    """The concrete tag ``wanted`` names: ``name:champion`` becomes the champion's tag.

    Without a registry (inside a Bento), the only entry of that name that is not the
    ``shadow`` challenger is the champion. When nothing qualifies, ``wanted`` is returned
    unchanged, and loading it fails with the store's own "not found", which the service
    reports as its readiness reason.
    """
    if not is_champion_alias(wanted):
        return wanted
    name = wanted.partition(":")[0]
    champion = ChampionRegistry(name).champion()
    if champion is not None:
        return champion
    try:
        stored = bentoml.models.list(name)
    except bentoml.exceptions.NotFound:  # no entry of that name at all
        return wanted
    entries = [str(m.tag) for m in stored if str(m.tag) != shadow]
    return entries[0] if len(entries) == 1 else wanted
