"""Report section of the HTTP benchmark: ours against the baseline and above BentoML's floor,
the load sweep, and the cost of recording a decision (``benchmarks/http_load.py``)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.ticker import NullLocator

from benchmarks.http_targets import TARGET_OVERHEAD_MS
from benchmarks.report_parts import BASELINE, OURS, Section, Target, run_conditions, save, table

ENDPOINTS = ("predict", "explain", "predict_batch")


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}" if value >= 10 else f"{value:.2f}"


def _p50_p99(cell: dict) -> str:
    return f"{_ms(cell['p50_ms'])} / {_ms(cell['p99_ms'])}"


def _http_target(target: dict) -> Target:
    """A target of the JSON as a report row; results written before targets recorded their
    ``goal`` have it read from the text."""
    text, measured = target["target"], target["measured"]
    if target.get("unit") == "bytes":  # "/explain default answer ≤ 10 KB (...)"
        goal = target.get("goal") or text.split(" answer ")[1].split(" (")[0]
        shown = f"{measured / 1000:.1f} KB"
        return Target(f"HTTP {text}", goal, shown, bool(target["passed"]))
    ratio = target.get("unit") == "x" or "10x" in text
    goal = target.get("goal") or (
        "≥ 10× lower p50" if ratio else text.split(" p50 ")[1].split(" (")[0]
    )
    shown = "–" if measured is None else f"{measured:.1f}×" if ratio else f"{measured:.2f} ms"
    if target.get("detail"):
        shown += f" ({target['detail']})"
    return Target(f"HTTP {text.replace('>= 10x faster than the baseline', 'vs baseline')}",
                  goal, shown, bool(target["passed"]))  # fmt: skip


def http_load(result: dict, out_dir: Path) -> Section:
    cells = result["cells"]

    def cell(system: str, workers: int, endpoint: str, body: str, c: int) -> dict | None:
        return next((x for x in cells if (x["system"], x["workers"], x["endpoint"], x["body"],
                     x["concurrency"]) == (system, workers, endpoint, body, c)), None)  # fmt: skip

    workers = sorted({x["workers"] for x in cells})
    single = []
    for endpoint in ENDPOINTS:
        for body in ("application", "history"):
            for w in workers:
                ours, base = (
                    cell("ours", w, endpoint, body, 1),
                    cell("baseline", w, endpoint, body, 1),
                )
                numpy_base = cell("baseline_numpy", w, endpoint, body, 1)
                floor = cell("floor", w, endpoint, body, 1)
                if not (ours and base):
                    continue
                ratio = (
                    base["p50_ms"] / ours["p50_ms"] if base["p50_ms"] and ours["p50_ms"] else None
                )
                single.append([f"/{endpoint}", body, w, _p50_p99(ours), _p50_p99(base),
                               "–" if ratio is None else f"**{ratio:.1f}×**",
                               _ms(numpy_base["p50_ms"]) if numpy_base else "–",
                               _p50_p99(floor) if floor else "–"])  # fmt: skip
    sweep = []
    concurrencies = sorted({x["concurrency"] for x in cells})
    figure, axes = plt.subplots(1, len(ENDPOINTS), figsize=(11, 3.3), sharey=False)
    for axis, endpoint in zip(axes, ENDPOINTS, strict=True):
        body = "application" if endpoint == "predict_batch" else "history"
        for system, colour in (("ours", OURS), ("baseline", BASELINE)):
            for w, style in zip(workers, ("o--", "o-"), strict=False):
                points = [(c, x["p50_ms"]) for c in concurrencies
                          if (x := cell(system, w, endpoint, body, c)) and x["p50_ms"]]  # fmt: skip
                if points:
                    axis.plot(*zip(*points, strict=True), style, color=colour,
                              label=f"{system}, {w} worker{'s' * (w > 1)}")  # fmt: skip
        axis.set(xscale="log", yscale="log", title=f"/{endpoint} ({body} bodies)",
                 xlabel="concurrent users", ylabel="p50 latency (ms)")  # fmt: skip
        axis.set_xticks(concurrencies, [str(c) for c in concurrencies])
        axis.xaxis.set_minor_locator(NullLocator())
        axis.legend(fontsize=6)
        for w in workers:
            for c in concurrencies:
                ours, base = (
                    cell("ours", w, endpoint, body, c),
                    cell("baseline", w, endpoint, body, c),
                )
                if ours and base:
                    sweep.append([f"/{endpoint}", w, c, _p50_p99(ours),
                                  f"{ours['rows_per_s']:,.0f}", ours["errors"], _p50_p99(base),
                                  f"{base['rows_per_s']:,.0f}", base["errors"]])  # fmt: skip
    settings = result["settings"]
    markdown = "\n".join([
        "## Over HTTP, against BentoML's floor and the usual baseline\n",
        "A real `bentoml serve` (token, validation, inquiry row committed before each answer) "
        "against the usual way, implemented in `benchmarks/baseline/`: Flask under gunicorn, "
        "a pickled LightGBM scikit-learn model called on a one-row DataFrame, features in "
        "plain pandas one table at a time, a SHAP explainer built per request, no auth and no "
        "audit. Same bodies, same worker counts, same load tool: locust (headless, back-to-back "
        "users, every request's latency recorded), cell by cell in turn "
        "(`benchmarks/http_load.py`). Bodies: real applications of the benchmark data, "
        "alone (`application`, the applicant with no history, the product's usual client) or "
        f"with the client's whole history inline (`history`, median "
        f"{settings.get('history_rows_per_body_median', 0):.0f} rows). "
        "`baseline, numpy features` is the baseline with our feature engine: what is left "
        f"of the gap once features cost the same. {run_conditions(result)}\n",
        "Concurrency 1, milliseconds (p50 / p99):\n",
        table(["endpoint", "body", "workers", "ours", "baseline", "baseline p50 / ours p50",
               "baseline, numpy features (p50)", "BentoML floor"], single), "",
        _floor(result), save(figure, out_dir, "http_load"), "",
        "Under load (p50 / p99 in ms; applications scored per second):\n",
        table(["endpoint", "workers", "users", "ours", "ours rows/s", "ours errors", "baseline",
               "baseline rows/s", "baseline errors"], sweep), "",
        _decisions(cells),
    ])  # fmt: skip
    return Section(markdown, [_http_target(t) for t in result["targets"]])


def _floor(result: dict) -> str:
    """Ours above BentoML's floor, per worker count (nothing for results without a floor)."""
    overheads = result.get("floor_overhead", [])
    if not overheads:
        return ""
    rows = [
        [f"/{o['endpoint']}", o["body"], o["workers"], _ms(o["ours_p50_ms"]),
         _ms(o["floor_p50_ms"]), "–" if o["overhead_ms"] is None else f"{o['overhead_ms']:.2f}"]
        for o in overheads
    ]  # fmt: skip
    return "\n".join([
        "**Overhead above BentoML's floor.** The floor is a BentoML service with our request "
        "model as input spec that answers a constant prediction "
        "(`benchmarks/baseline/floor_service.py`), served by `bentoml serve` like ours and "
        "measured in turn with it: what ours takes beyond it is our own code (authentication, "
        "our middlewares, features, model, the inquiry committed before the answer). "
        f"Target: at most {TARGET_OVERHEAD_MS:g} ms at p50 (concurrency 1, milliseconds):\n",
        table(["endpoint", "body", "workers", "ours p50", "floor p50", "ours − floor"], rows),
        "",
    ])  # fmt: skip


def _decisions(cells: list[dict]) -> str:
    """``POST /decisions`` on ours (nothing for results without those cells)."""
    found = sorted(
        (c for c in cells if c["endpoint"] == "decisions" and c["system"] == "ours"),
        key=lambda c: (c["workers"], c["concurrency"]),
    )
    if not found:
        return ""
    rows = [[c["workers"], c["concurrency"], _p50_p99(c), f"{c['rps']:,.0f}", c["errors"]]
            for c in found]  # fmt: skip
    return "\n".join([
        "**Recording a decision** (`POST /decisions`): each request a first decision about a "
        "fresh client (an `application` body, its `SK_ID_CURR` taken from a reserved range) "
        "under an idempotency key of its own. The service scores the application again, "
        "finds its principal reasons (TreeSHAP) and appends the decision to the hash chain "
        "under the write lock before answering 201 (p50 / p99 in ms):\n",
        table(["workers", "users", "p50 / p99", "decisions/s", "errors"], rows), "",
    ])  # fmt: skip
