"""Write the benchmark report, ``benchmarks/results/REPORT.md``, with its PNG plots.

It reads the JSON each benchmark wrote (``results/<name>.json``; with ``--quick``,
``results/raw/<name>_quick.json`` and a report beside them) and never measures anything
itself, so the report can be rebuilt at any time from committed figures. A benchmark
without results shows as "not run" rather than failing the report.

Usage: .venv/bin/python -m benchmarks.report [--quick]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from benchmarks.common import RAW, RESULTS, results_path
from benchmarks.report_parts import Section, Target
from benchmarks.report_sections import SECTIONS

HEADER = """# Benchmarks

Measured by `make bench` on the machine described below ({machine}). Every figure is the
median of repeated runs with its spread; every comparison is a ratio measured in the same run.
Rebuild this page from the JSON files beside it with `.venv/bin/python -m benchmarks.report`.
"""


def load(name: str, quick: bool) -> dict | None:
    path = results_path(name, quick)
    return json.loads(path.read_text()) if path.exists() else None


def machine_line(results: dict[str, dict | None]) -> str:
    for result in results.values():
        if result and "platform" in result.get("machine", {}):
            m = result["machine"]
            return f"{m['cpus']} cores, Python {m['python']}, {m['platform']}"
    return "unknown machine"


def targets_table(targets: list[Target]) -> str:
    lines = ["| target | goal | measured | met |", "|---|---|---|---|"]
    lines += [f"| {t.what} | {t.goal} | {t.measured} | {'yes' if t.met else '**no**'} |"
              for t in targets]  # fmt: skip
    return "\n".join(lines)


def build(quick: bool) -> Path:
    """Render every section from its JSON; return the report's path."""
    out_dir = RAW if quick else RESULTS
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {name: load(name, quick) for name, _ in SECTIONS}
    sections: list[Section] = [
        render(results[name], out_dir) if results[name] else Section.missing(name)
        for name, render in SECTIONS
    ]
    targets = [t for s in sections for t in s.targets]
    parts = [HEADER.format(machine=machine_line(results))]
    parts += ["## Targets\n", targets_table(targets), ""]
    parts += [s.markdown for s in sections]
    path = out_dir / "REPORT.md"
    path.write_text("\n".join(parts).rstrip() + "\n")
    missed = [t.what for t in targets if not t.met]
    print(f"written {path}: {len(targets)} targets, {len(missed)} missed {missed or ''}")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="report on the quick (CI) results")
    build(parser.parse_args().quick)


if __name__ == "__main__":
    main()
