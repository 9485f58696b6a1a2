"""Report sections of the records: what one inquiry costs to record, and decisions under load
(``benchmarks/inquiry_cost.py``, ``benchmarks/decisions_load.py``)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.ticker import NullFormatter

from benchmarks.report_parts import (
    BASELINE,
    OURS,
    THIRD,
    Section,
    Target,
    run_conditions,
    save,
    table,
)

CHECKS = {
    "acknowledged_recorded_once": "every acknowledged decision recorded once, under its id",
    "unacknowledged_absent": "no decision recorded for an unacknowledged call",
    "chain_intact": "hash chain intact (`DecisionBook.verify()` empty)",
}
DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
ENDPOINTS = {
    "predict": "/predict",
    "explain": "/explain",
    "decisions": "POST /decisions",
    "decisions (new)": "… first decision",
    "decisions (retry)": "… retry, same key",
    "decisions (revise)": "… revision",
}


def _us(value: float) -> str:
    return f"{value:,.0f} µs" if value < 1000 else f"{value / 1000:,.2f} ms"


def inquiry_cost(result: dict, out_dir: Path) -> Section:
    measured, facts, goal = result["record_us"], result["database"], result["target_us"]
    rows = [[f"/{kind}", _us(f["median"]), _us(f["p90"]), _us(f["p99"]), f"{f['n']:,}"]
            for kind, f in measured.items()]  # fmt: skip
    figure, axis = plt.subplots(figsize=(6, 2.2))
    kinds = list(measured)
    for stat, marker, colour in (
        ("median", "o", OURS),
        ("p90", "s", THIRD),
        ("p99", "D", BASELINE),
    ):
        axis.plot([measured[kind][stat] for kind in kinds], range(len(kinds)), marker,
                  color=colour, label="p50" if stat == "median" else stat)  # fmt: skip
    axis.axvline(goal, color="black", lw=1, ls="--", label=f"target {goal:g} µs (p50)")
    axis.set(xscale="log", xlabel="µs per InquiryLog.record([one inquiry])", ylim=(-0.6, 1.6))
    _log_ticks(axis, [measured[kind][stat] for kind in kinds for stat in ("median", "p99")])
    axis.set_yticks(range(len(kinds)), [f"/{kind}" for kind in kinds])
    axis.legend(fontsize=7, ncol=4, loc="upper center")
    markdown = "\n".join([
        "## Recording an inquiry, in process\n",
        "Every /predict and /explain commits its inquiry before it answers. "
        "`InquiryLog.record([one Inquiry])`, each call its own transaction, on a new SQLite "
        f"file ({facts['journal_mode']} journal, synchronous={facts['synchronous']}, on "
        f"{facts['file_system'] or 'an unknown file system'}) through the service's own "
        f"`RecordsDatabase`; {result['settings']['records_per_kind']:,} commits of each kind "
        "in turn, after a warm-up (`benchmarks/inquiry_cost.py`). An /explain inquiry carries "
        f"its four reason codes. {run_conditions(result)}\n",
        table(["inquiry of", "p50", "p90", "p99", "commits"], rows), "",
        save(figure, out_dir, "inquiry_cost"), "",
        _tail(result),
    ])  # fmt: skip
    targets = [
        Target(f"record one inquiry (/{kind}), SQLite WAL", f"≤ {goal:g} µs (p50)",
               f"{_us(f['median'])} (p99 {_us(f['p99'])})", f["median"] <= goal)
        for kind, f in measured.items()
    ]  # fmt: skip
    return Section(markdown, targets)


def _tail(result: dict) -> str:
    """The commits over 1 ms, and what the control without checkpoints shows of them
    (results of older runs count neither)."""
    measured, control = result["record_us"], result.get("without_checkpoint")
    if control is None or not all("over_1ms" in f for f in measured.values()):
        return ""
    slow, commits = (sum(f[k] for f in measured.values()) for k in ("over_1ms", "n"))
    quiet = sum(f["over_1ms"] for f in control["record_us"].values())
    p99 = ", ".join(f"/{k} {_us(f['p99'])}" for k, f in control["record_us"].items())
    pages = result["database"].get("wal_autocheckpoint_pages") or 1000
    per_commit = control["wal_pages_per_commit"]
    return (
        f"{slow} of {commits:,} commits took over 1 ms. The same commits with SQLite's "
        f"automatic checkpoint off (`PRAGMA wal_autocheckpoint=0`, a control run): {quiet} "
        f"over 1 ms, p99 {p99}. Each commit adds {per_commit:.1f} pages to the log, so the "
        f"checkpoint (every {pages:,} pages) falls on about one commit in "
        f"{pages / per_commit:,.0f}: that commit copies the log into the database file and "
        "waits for the disk. Other commits over 1 ms waited on the machine's other work.\n"
    )


def _percentiles(figures: dict | None) -> str:
    """p50 / p90 / p99 in ms (p50 / p99 for results that have no p90)."""
    if not figures or figures["p50_ms"] is None:
        return "–"
    shown = [figures[k] for k in ("p50_ms", "p90_ms", "p99_ms") if figures.get(k) is not None]
    return " / ".join(f"{value:,.1f}" for value in shown)


def decisions_load(result: dict, out_dir: Path) -> Section:
    settings, databases = result["settings"], result["databases"]
    measured = {name: r for name, r in databases.items() if "skipped" not in r}
    skipped = [f"{name}: {r['skipped']}" for name, r in databases.items() if "skipped" in r]
    names = list(measured)
    shown = [DATABASE_NAMES.get(n, n) for n in names]
    runs = [[DATABASE_NAMES.get(name, name), f"{r['requests']:,}", f"{r['rps']:,.0f}",
             f"{r['decisions']['keys_acknowledged']:,}", f"{r['records']:,}",
             sum(r["errors"].values()) if r["errors"] else 0,
             " → ".join(", ".join(f"{x:g}" for x in r[f"load_average_{moment}"])
                        for moment in ("before", "after") if f"load_average_{moment}" in r)]
            for name, r in measured.items()]  # fmt: skip
    latency = [[label, *[_percentiles(measured[n]["endpoints"].get(e)) for n in names]]
               for e, label in ENDPOINTS.items()]  # fmt: skip
    checks = [[text, *[_verdict(measured[n]["checks"][c]) for n in names]]
              for c, text in CHECKS.items()]  # fmt: skip
    calls = [[DATABASE_NAMES.get(n, n), *[f"{measured[n]['decisions'][k]:,}" for k in
                   ("first_calls", "retries", "revisions", "replayed_answers", "unanswered")]]
             for n in names]  # fmt: skip
    markdown = "\n".join([
        "## Decisions under load\n",
        f"A real `bentoml serve` with {settings['workers']} workers, loaded for "
        f"{settings['seconds']} s by {settings['users']} back-to-back locust users: /predict and "
        "/explain on real applications, and `POST /decisions`, each a first decision about a "
        "fresh client under a new idempotency key; "
        f"{settings['retry']:.0%} of the acknowledged ones are sent again with the same key, "
        f"{settings['revise']:.0%} are then revised, and a call with no answer or a 5xx is "
        "retried once with its key. Every call is noted before it is sent and every answer "
        "when it arrives; the `decisions` table is then checked against them "
        "(`benchmarks/decisions_load.py`). Records on a new SQLite file (WAL), then on a "
        f"throw-away PostgreSQL cluster (fsync on). {run_conditions(result)}\n",
        table(["database", "requests", "req/s", "decisions acknowledged", "decisions in table",
               "errors", "load average before → after (1, 5, 15 min)"], runs), "",
        "Latency, p50 / p90 / p99 in ms. With this many users on two workers, a request's "
        "time is mostly its wait in a worker's queue, alike for every endpoint:\n",
        table(["endpoint", *shown], latency), "",
        "Decision calls:\n",
        table(["database", "first decisions", "retries", "revisions", "replayed answers",
               "cut short by the end"], calls), "",
        "Checks:\n",
        table(["check", *shown], checks), "",
        _plot(measured, out_dir) if measured else "",
        ("Not measured: " + "; ".join(skipped) + ".\n") if skipped else "",
    ])  # fmt: skip
    targets = [
        Target(f"decisions under load on {DATABASE_NAMES.get(name, name)}: each acknowledged "
               "decision recorded once, none unacknowledged, hash chain intact",
               "every check holds",
               f"{sum(c['passed'] for c in r['checks'].values())} of {len(CHECKS)} hold "
               f"({r['decisions']['keys_acknowledged']:,} decisions)", r["passed"])
        for name, r in measured.items()
    ]  # fmt: skip
    return Section(markdown, targets)


def _verdict(outcome: dict) -> str:
    counts = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in outcome.items()
                       if k not in ("passed", "examples"))  # fmt: skip
    return f"{'yes' if outcome['passed'] else '**no**'} ({counts})"


def _plot(measured: dict, out_dir: Path) -> str:
    """p50 (dot) to p99 (end of the line) per endpoint, one colour per database."""
    shown = ["predict", "explain", "decisions"]
    figure, axis = plt.subplots(figsize=(6.5, 2.6))
    for i, (name, result) in enumerate(measured.items()):
        colour = (OURS, THIRD)[i % 2]
        for y, endpoint in enumerate(shown):
            figures = result["endpoints"].get(endpoint)
            if not figures or figures["p50_ms"] is None:
                continue
            at = y + 0.15 - 0.3 * i
            axis.plot([figures["p50_ms"], figures["p99_ms"]], [at, at], "-", color=colour)
            axis.plot(figures["p50_ms"], at, "o", color=colour,
                      label=f"{name}: p50 (dot) to p99" if y == 0 else None)  # fmt: skip
    axis.set_yticks(range(len(shown)), [ENDPOINTS[e] for e in shown])
    axis.invert_yaxis()
    axis.set(xscale="log", xlabel="ms, under load")
    _log_ticks(axis, [v for line in axis.get_lines() for v in line.get_xdata()])
    axis.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    return save(figure, out_dir, "decisions_load") + "\n"


def _log_ticks(axis: plt.Axes, values: list[float]) -> None:
    """Plain labels at 1, 2 and 5 times the powers of ten the values span (log x axis)."""
    low, high = min(values) / 1.5, max(values) * 1.5
    ticks = [m * 10.0**e for e in range(-3, 7) for m in (1, 2, 5) if low <= m * 10.0**e <= high]
    axis.set_xlim(low, high)
    axis.set_xticks(ticks, [f"{t:g}" for t in ticks])
    axis.xaxis.set_minor_formatter(NullFormatter())
