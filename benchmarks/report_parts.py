"""What every report section is made of: the section and target records, tables, plots."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt

# Okabe-Ito colours, as in the dashboard: distinguishable with every common colour deficiency.
OURS, BASELINE, THIRD, FOURTH = "#0072B2", "#D55E00", "#009E73", "#CC79A7"


@dataclass(frozen=True)
class Target:
    """A promise and what was measured against it."""

    what: str
    goal: str
    measured: str
    met: bool


@dataclass(frozen=True)
class Section:
    """Markdown of one benchmark (with its image links) and the targets it checks."""

    markdown: str
    targets: list[Target] = field(default_factory=list)

    @classmethod
    def missing(cls, name: str) -> Section:
        return cls(f"## {name}\n\nNot run: no results file. Run `make bench`.\n")


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def save(figure: plt.Figure, out_dir: Path, name: str) -> str:
    """Save a plot beside the report; return its Markdown image link."""
    figure.tight_layout()
    figure.savefig(out_dir / f"{name}.png", dpi=110)
    plt.close(figure)
    return f"![{name}]({name}.png)"


def run_conditions(result: dict) -> str:
    """The code a benchmark measured and how busy the machine was when it started ("Code
    measured: commit abc1234, with 3 product files changed. Load average at the start (1, 5,
    15 min): 0.8, 1.1, 1.3. Load average at the end ..."), leaving out what its result does
    not record."""
    source = result.get("settings", {}).get("source") or {}
    parts = []
    if source.get("commit"):
        changed = source.get("uncommitted_product_files")
        extra = f", with {changed} product files changed" if changed else ""
        parts.append(f"Code measured: commit `{source['commit'][:7]}`{extra}.")
        if end := result.get("settings", {}).get("source_at_end"):
            changed = end.get("uncommitted_product_files")
            parts.append(
                f"The code changed while it was measured: commit "
                f"`{(end.get('commit') or '?')[:7]}` at the end"
                + (f", with {changed} product files changed." if changed else ".")
            )
    machine = result.get("machine", {})
    for moment in ("start", "end"):
        if load := machine.get(f"load_average_at_{moment}"):
            shown = ", ".join(map(str, load))
            parts.append(f"Load average at the {moment} (1, 5, 15 min): {shown}.")
    return " ".join(parts)
