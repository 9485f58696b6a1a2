"""What recording one inquiry costs: ``InquiryLog.record([one Inquiry])`` on SQLite, in process.

Why: every /predict and /explain commits its inquiry before it answers (fail closed), so this
commit is paid by every scoring call; issue 13 budgets it at 200 µs. The database is the
service's default, a SQLite file in WAL mode with ``synchronous=NORMAL``
(:mod:`scoring.records.database`), in a fresh temporary directory, reached through the same
``RecordsDatabase`` and ``InquiryLog`` the engine uses. Two inquiries, as the engine records
them: one of /predict (no reasons), one of /explain (four reason codes), timed in turn, each
call its own transaction. The inquiries are built beforehand (new request ids, current
times): only ``record`` is timed. The file system of the temporary directory is recorded,
since a commit in WAL mode writes to it (without waiting for the disk: no fsync per commit),
and so are the commits over 1 ms: the WAL's automatic checkpoint (every 1,000 pages of log by
default) copies the log into the database file and waits for the disk, inside one commit.

Usage: .venv/bin/python benchmarks/inquiry_cost.py [--quick] [--dir DIR]
Writes benchmarks/results/inquiry_cost.json (quick: results/raw/inquiry_cost_quick.json):
``settings``, ``database`` (dialect, journal mode, synchronous, automatic checkpoint, file
system),
``record_us`` (per kind: median, p90, p99 and spread in µs, see
:func:`benchmarks.common.summary`, and ``over_1ms``, the commits that took longer),
``without_checkpoint`` (the same with SQLite's automatic checkpoint off, and the pages of
log each commit writes), ``target_us`` and ``targets``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import summary, write_result  # noqa: E402
from scoring.records.clock import new_id, utc_now  # noqa: E402
from scoring.records.database import RecordsDatabase  # noqa: E402
from scoring.records.inquiries import Inquiry, InquiryLog, digest  # noqa: E402

TARGET_US = 200.0  # issue 13: recording one inquiry, p50
WARM_UP = 200  # commits before timing: the engine, its connection pool and the file exist
RECORDS = {"full": 5_000, "quick": 500}  # timed commits of each kind
KINDS: dict[str, dict[str, Any]] = {
    "predict": {"endpoint": "predict", "reasons": None},
    "explain": {
        "endpoint": "explain",
        "reasons": ["external_scores.raises", "income_burden.raises",
                    "employment.lowers", "age.lowers"],
    },
}  # fmt: skip


def inquiry(kind: str) -> Inquiry:
    """A new inquiry of ``kind`` as the engine records one (fresh id and time)."""
    return Inquiry(
        request_id=new_id(),
        purpose="application",
        actor="token:bootstrap",
        model_tag="credit_scoring:abcdefgh12345678",
        threshold=0.073,
        input_hash=digest(b'{"application":{"SK_ID_CURR":100002,"AMT_CREDIT":406597.5}}'),
        probability=0.0612345,
        recommendation="granted",
        client_id=100002,
        language="en",
        created_at=utc_now(),
        **KINDS[kind],
    )


def measure(log: InquiryLog, count: int) -> dict[str, dict[str, Any]]:
    """``count`` timed ``record`` calls of each kind, interleaved, after a warm-up."""
    for i in range(WARM_UP):
        log.record([inquiry(list(KINDS)[i % len(KINDS)])])
    prepared = {kind: [inquiry(kind) for _ in range(count)] for kind in KINDS}
    samples: dict[str, list[float]] = {kind: [] for kind in KINDS}
    gc.collect()
    for i in range(count):
        for kind in KINDS:
            one = [prepared[kind][i]]
            start = time.perf_counter_ns()
            log.record(one)
            samples[kind].append((time.perf_counter_ns() - start) / 1e3)
    return {
        kind: {**summary(values, "µs"), "over_1ms": sum(v > 1000 for v in values)}
        for kind, values in samples.items()
    }


def database_facts(database: RecordsDatabase, directory: Path) -> dict[str, Any]:
    """What the commit depends on: journal mode, synchronous level, file system."""
    with database.reading() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
        checkpoint = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    return {
        "dialect": database.dialect,
        "journal_mode": journal,
        "synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(synchronous),
        "wal_autocheckpoint_pages": checkpoint,
        "directory": str(directory),
        "file_system": file_system(directory),
    }


def file_system(path: Path) -> str:
    """The type of the file system holding ``path`` (from /proc/mounts; "" elsewhere)."""
    try:
        mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return ""
    resolved = str(path.resolve())
    found = [(len(m[1]), m[2]) for m in mounts if resolved.startswith(m[1].rstrip("/") + "/")]
    return max(found)[1] if found else ""


def without_checkpoint(count: int, parent: str | None) -> dict[str, Any]:
    """The same commits with SQLite's automatic checkpoint off (the control that shows what
    the slow commits are), and how many pages of log each commit writes."""
    with tempfile.TemporaryDirectory(prefix="inquiry-cost-", dir=parent) as directory:
        database = RecordsDatabase(f"sqlite:///{Path(directory) / 'records.sqlite'}")
        with database.reading() as connection:  # the one pooled connection every call reuses
            connection.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
        measured = measure(InquiryLog(database), count)
        with database.reading() as connection:
            still_off = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
            _, pages, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        database.engine().dispose()
    if not still_off:
        raise RuntimeError("the control ran on a connection whose checkpoint was on")
    return {"record_us": measured, "wal_pages_per_commit": pages / (WARM_UP + count * len(KINDS))}


def run(count: int, parent: str | None) -> dict[str, Any]:
    """Time ``count`` commits of each kind in a new database under ``parent``, then again
    with the automatic checkpoint off."""
    with tempfile.TemporaryDirectory(prefix="inquiry-cost-", dir=parent) as directory:
        database = RecordsDatabase(f"sqlite:///{Path(directory) / 'records.sqlite'}")
        log = InquiryLog(database)
        measured = measure(log, count)
        facts = database_facts(database, Path(directory))
        recorded = log.count()
        database.engine().dispose()
    control = without_checkpoint(count, parent)
    targets = [
        {
            "target": f"record one inquiry ({kind}) p50 ≤ {TARGET_US:g} µs",
            "measured": figures["median"],
            "p99": figures["p99"],
            "passed": figures["median"] <= TARGET_US,
        }
        for kind, figures in measured.items()
    ]
    return {
        "settings": {"records_per_kind": count, "warm_up": WARM_UP, "rows_at_end": recorded},
        "database": facts,
        "record_us": measured,
        "without_checkpoint": control,
        "target_us": TARGET_US,
        "targets": targets,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{RECORDS['quick']} commits")
    parser.add_argument("--dir", help="where the temporary database goes (default: $TMPDIR)")
    args = parser.parse_args()
    document = run(RECORDS["quick" if args.quick else "full"], args.dir)
    path = write_result("inquiry_cost", document, args.quick)
    for kind, figures in document["record_us"].items():
        print(f"record one inquiry ({kind}): p50 {figures['median']:.1f} µs, "
              f"p99 {figures['p99']:.1f} µs, {figures['over_1ms']} over 1 ms "
              f"(n={figures['n']})")  # fmt: skip
    control = document["without_checkpoint"]
    for kind, figures in control["record_us"].items():
        print(f"  checkpoint off ({kind}): p50 {figures['median']:.1f} µs, "
              f"p99 {figures['p99']:.1f} µs, {figures['over_1ms']} over 1 ms")  # fmt: skip
    print(f"  {control['wal_pages_per_commit']:.1f} pages of log per commit")
    facts = document["database"]
    where = facts["file_system"] or "an unknown file system"
    print(f"SQLite {facts['journal_mode']}, synchronous={facts['synchronous']}, "
          f"on {where} ({facts['directory']})")  # fmt: skip
    print(f"Wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
