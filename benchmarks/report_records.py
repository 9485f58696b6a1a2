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
        _tail(measured, facts),
    ])  # fmt: skip
    targets = [
        Target(f"record one inquiry (/{kind}), SQLite WAL", f"≤ {goal:g} µs (p50)",
               f"{_us(f['median'])} (p99 {_us(f['p99'])})", f["median"] <= goal)
        for kind, f in measured.items()
    ]  # fmt: skip
    return Section(markdown, targets)


def _tail(measured: dict, facts: dict) -> str:
    """The commits over 1 ms, and why (results of older runs do not count them)."""
    if not all("over_1ms" in f for f in measured.values()):
        return ""
    slow, commits = (sum(f[k] for f in measured.values()) for k in ("over_1ms", "n"))
    pages = facts.get("wal_autocheckpoint_pages", 1000)
    return (
        f"{slow} of {commits:,} commits took over 1 ms. They are SQLite's automatic WAL "
        f"checkpoint (every {pages:,} pages of log): one commit in a few hundred copies the log "
        "into the database file and waits for the disk. Turning the checkpoint off "
        "(`PRAGMA wal_autocheckpoint=0`, a one-off check) removed every commit over 1 ms.\n"
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
    runs = [[name, f"{r['requests']:,}", f"{r['rps']:,.0f}",
             f"{r['decisions']['keys_acknowledged']:,}", f"{r['records']:,}",
             sum(r["errors"].values()) if r["errors"] else 0,
             ", ".join(f"{x:g}" for x in r["load_average_after"])]
            for name, r in measured.items()]  # fmt: skip
    latency = [[label, *[_percentiles(measured[n]["endpoints"].get(e)) for n in names]]
               for e, label in ENDPOINTS.items()]  # fmt: skip
    checks = [[text, *[_verdict(measured[n]["checks"][c]) for n in names]]
              for c, text in CHECKS.items()]  # fmt: skip
    calls = [[n, *[measured[n]["decisions"][k] for k in
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
               "errors", "load average after (1, 5, 15 min)"], runs), "",
        "Latency, p50 / p90 / p99 in ms. With this many users on two workers, a request's "
        "time is mostly its wait in a worker's queue, alike for every endpoint, and its "
        "distribution can have two modes (a one-off probe at 32 users on PostgreSQL: near 120 "
        "and 350 ms, for /predict, /explain and `POST /decisions` alike), so a p50 may fall on "
        "either; p90, p99 and requests per second compare better:\n",
        table(["endpoint", *names], latency), "",
        "Decision calls:\n",
        table(["database", "first decisions", "retries", "revisions", "replayed answers",
               "cut short by the end"], calls), "",
        "Checks:\n",
        table(["check", *names], checks), "",
        _plot(measured, out_dir) if measured else "",
        ("Not measured: " + "; ".join(skipped) + ".\n") if skipped else "",
    ])  # fmt: skip
    targets = [
        Target(f"decisions under load ({name}): {', '.join(CHECKS)}", "every check holds",
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
