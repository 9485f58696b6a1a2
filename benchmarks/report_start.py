"""Report section of the dashboard's start: to the login page against Panel's floor, and
what ``import dashboard.app`` costs.

Split from :mod:`benchmarks.report_sections` to keep each module short; the renderer
follows the same contract.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from benchmarks.report_parts import BASELINE, OURS, Section, Target, save, table

CASE_LABELS = {
    "all_cached": "all bytecode cached",
    "venv_cached": "venv's bytecode only (`PYTHONDONTWRITEBYTECODE=1`)",
    "nothing_cached": "no bytecode (`PYTHONDONTWRITEBYTECODE=1`, venv not compiled)",
}
# The cases a target is checked on: as deployed, and this machine's own setting once
# `make setup` has compiled the venv. Without any bytecode is shown, not promised.
TARGET_CASES = ("all_cached", "venv_cached")
TOP_PACKAGES = 10


def _plot(result: dict, out_dir: Path) -> str:
    start, target = result["start_s"], result["target_s"]
    cases = list(start)
    figure, axis = plt.subplots(figsize=(7, 0.9 + 0.8 * len(cases)))
    for offset, (app, colour, name) in enumerate(
        (("dashboard", OURS, "python -m dashboard"), ("panel_floor", BASELINE, "Panel floor"))
    ):
        y = [i + 0.2 - 0.4 * offset for i in range(len(cases))]
        medians = [start[c][app]["median"] for c in cases]
        spread = [start[c][app]["p99"] - start[c][app]["median"] for c in cases]
        axis.barh(y, medians, height=0.38, xerr=[[0] * len(cases), spread], color=colour,
                  capsize=3, label=name)  # fmt: skip
    axis.axvline(target, color="black", ls="--", lw=1, label=f"target {target:g} s")
    axis.set_yticks(range(len(cases)), [CASE_LABELS.get(c, c).split(" (")[0] for c in cases])
    axis.invert_yaxis()
    axis.set_xlabel("seconds from launch to GET /login → 200 (median, bar to p99)")
    axis.legend(fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    return save(figure, out_dir, "dashboard_start")


def dashboard_start(result: dict, out_dir: Path) -> Section:
    start, ratio, target = result["start_s"], result["ratio_to_floor"], result["target_s"]
    deployment, imports = result["deployment_case"], result["import"]
    rows = []
    for case, apps in start.items():
        ours, floor = apps["dashboard"], apps["panel_floor"]
        rows.append([CASE_LABELS.get(case, case) + (" — **deployment**" * (case == deployment)),
                     f"{ours['median']:.2f} s", f"{ours['p99']:.2f} s", f"{floor['median']:.2f} s",
                     f"{floor['p99']:.2f} s", f"{ratio[case]:.2f}×",
                     "yes" if ours["median"] < target else "**no**"])  # fmt: skip
    cost = imports[deployment]
    listed = [name for name in cost["packages"] if name != "dashboard"][:TOP_PACKAGES]
    packages = [[f"`{name}`", *[f"{imports[c]['packages'][name]['cumulative_s']:.2f} s"
                               if name in imports[c]["packages"] else "–" for c in imports],
                 f"{cost['packages'][name]['self_s']:.2f} s",
                 f"`{cost['packages'][name].get('imported_by', '?')}`"]
                for name in listed]  # fmt: skip
    heavy = cost["heavy_loaded"]
    loaded = ", ".join(f"`{m}` (imported by `{cost['packages'][m]['imported_by']}`)"
                       if m in cost["packages"] else f"`{m}`" for m in heavy)  # fmt: skip
    absent = [f"`{m}`" for m in result["heavy_checked"] if m not in heavy]
    own = cost["packages"].get("dashboard", {}).get("self_s", 0.0)
    venv = result.get("venv_bytecode", {})
    loads = result.get("load_average_1min_per_run") or result["load_average_1min_before_after"]
    short = {c: CASE_LABELS.get(c, c).split(" (")[0] for c in imports}
    source = result.get("source", {})
    measured = f" Code measured: commit `{source['commit'][:7]}`" if source.get("commit") else ""
    if measured and source.get("uncommitted_product_files"):
        measured += f", with {source['uncommitted_product_files']} product files changed"
    measured += "." if measured else ""
    totals = ", ".join(f"{imports[c]['total_s']:.2f} s ({short[c]})" for c in imports)
    header = ["package", *[f"cumulative, {short[c]}" for c in imports],
              "own modules (all cached)", "first imported by"]  # fmt: skip
    venv_note = (f" (the venv measured here held bytecode for {venv['pyc']:,} of its "
                 f"{venv['py']:,} sources)" if venv else "")  # fmt: skip
    markdown = "\n".join([
        "## Dashboard start\n",
        f"Target: the dashboard answers its login page **within {target:g} s** of being "
        "launched on this 2-core machine. Wall time from launching `python -m dashboard "
        "--port P` until `GET /login` answers 200 (the login needs no scoring API), then the "
        "process group is killed; Panel's floor, a one-pane app behind the same login "
        "(`benchmarks/baseline/panel_login.py`), is started and timed the same way in turn "
        f"with it. {result['repeats']} starts of each app per case, interleaved, after an "
        "untimed warm-up (`benchmarks/dashboard_start.py`). Each case has a bytecode cache of "
        f"its own (`PYTHONPYCACHEPREFIX`), whatever the venv holds.{measured}\n",
        table(["bytecode", "dashboard p50", "dashboard p99", "floor p50", "floor p99",
               "dashboard / floor", f"p50 < {target:g} s"], rows), "",
        _plot(result, out_dir), "",
        f"The 1-minute load average was {min(loads):.1f} to {max(loads):.1f} during the "
        "starts; the benchmark itself keeps about one of the two cores busy.\n",
        "A deployment (`make setup`, then `make dashboard`) sees the first case from its "
        "second start: `make setup` compiles the venv, and the first start writes the "
        "project's bytecode, as Python does unless told not to. With "
        "`PYTHONDONTWRITEBYTECODE=1`, as on this development machine, it sees the second: "
        "the project's own modules compile at every start. The third is a venv installed "
        f"without its bytecode{venv_note}.\n",
        "**Import cost**: `python -X importtime -c \"import dashboard.app\"` in a fresh "
        f"interpreter, median of {result['import_runs']} runs: {totals}; {cost['modules']:,} "
        f"modules, {own:.2f} s of them the dashboard's own. The {len(listed)} packages that "
        "cost most, by cumulative time (the package and every dependency it was the first to "
        "import):\n",
        table(header, packages), "",
        f"Heavy modules in `sys.modules` after the import: {loaded or 'none'}; not loaded: "
        f"{', '.join(absent) or 'none'}. The score map's datashader and numba load in the "
        "background once the server answers (`dashboard.peer_plots.warm_up`).\n",
    ])  # fmt: skip
    targets = [
        Target(f"dashboard start to the login page ({CASE_LABELS.get(c, c).split(' (')[0]})",
               f"< {target:g} s",
               f"{start[c]['dashboard']['median']:.2f} s (p99 {start[c]['dashboard']['p99']:.2f})",
               start[c]["dashboard"]["median"] < target)
        for c in TARGET_CASES if c in start
    ]  # fmt: skip
    return Section(markdown, targets)
