"""The monitor's report: one self-contained HTML page of the monitor's document, in English or
French, for the risk, compliance and operations people who read it.

Summary first (status in words, the score's stability, the features that moved most), then
drift over time and performance by month of decision, then every feature in a ``<details>``
the reader opens on demand. Charts are small inline SVG (:mod:`.charts`), not a plotting
library's figures, so 200 features weigh a few hundred kilobytes and the page opens in
seconds from a file or an e-mail: no script, style or font is fetched from anywhere.

Words come from :mod:`.words`, numbers and dates from :mod:`scoring.wording.formats`; the
template (``templates/report.html.j2``) escapes every text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date as Date
from datetime import datetime, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import jinja2

from scoring.monitoring.stability import Level, level
from scoring.wording import LANGUAGES, Language
from scoring.wording.formats import date, is_missing, number, percent
from training.monitoring import charts
from training.monitoring.words import LEVELS, words

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "report.html.j2"
TOP_MIN, TOP_MAX = 10, 20  # rows of the summary table: the flagged ones, within these bounds
TICKS = 5  # dates under a time axis
NONE = "—"  # a value the period does not have
_CSS: dict[Level, str] = {"stable": "stable", "watch": "watch", "act": "act", "no data": "none"}


def render_report(document: Mapping[str, Any], language: Language = "en") -> str:
    """The monitor's ``document`` (:func:`scoring.monitoring.summary.summary`) as one HTML
    page in ``language``; ``ValueError`` for a language other than "en" or "fr"."""
    if language not in LANGUAGES:
        raise ValueError(f"report language must be one of {LANGUAGES}, got {language!r}")
    return _environment().get_template(TEMPLATE).render(report_context(document, language))


def report_context(document: Mapping[str, Any], language: Language) -> dict[str, Any]:
    """What the template shows: the document's facts as the reader's words and numbers."""
    w = words(language)
    thresholds = document["thresholds"]
    features = [_feature(f, language, w) for f in document["features"]]
    flagged = sum(f["level"] in ("watch", "act") for f in document["features"])
    labels = {f["name"]: f["label"] for f in features}
    return {
        "language": language,
        "w": w,
        "levels": LEVELS[language],
        "model": document["model"],
        "period": _period(document["period"], language, w),
        "applications": number(document["applications"], language),
        "no_data": document["applications"] == 0,
        "status": _CSS[document["status"]],
        "status_sentence": _status(document, language, w),
        "psi_explained": w["psi_explained"].format(
            watch=_index(thresholds["watch"], language), act=_index(thresholds["act"], language)
        ),
        "score": _score(document["score"], language, w),
        "flagged": w["top_intro"].format(
            flagged=number(flagged, language), total=number(len(features), language)
        ),
        "top": features[: max(TOP_MIN, min(flagged, TOP_MAX))],
        "features": features,
        "windows": _windows(document["windows"], thresholds, labels, language, w),
        "vintages": _vintages(document["vintages"], language, w),
        "calibration": _calibration(document["calibration"], language, w),
        "shadow": [_challenger(c, language) for c in document.get("shadow", [])],
    }


def _challenger(agreement: Mapping[str, Any], language: Language) -> dict[str, str]:
    """A shadow challenger's agreement with the served model, in the reader's numbers."""
    means = agreement["mean_probability"]
    return {
        "tag": agreement["challenger"],
        "scored": number(agreement["applications"], language),
        "flips": f"{number(agreement['decision_flips'], language)} "
        f"({percent(agreement['flip_share'], language)})",
        "granted_to_refused": number(agreement["granted_to_refused"], language),
        "refused_to_granted": number(agreement["refused_to_granted"], language),
        "rank": _index(agreement["rank_correlation"], language),
        "means": f"{percent(means['champion'], language)} / "
        f"{percent(means['challenger'], language)}",
    }


def _index(value: float | None, language: Language) -> str:
    """A stability index (or an AUC) with two decimals; a dash when the period has none."""
    return NONE if value is None or is_missing(value) else number(value, language, 2)


def _share(value: float | None, language: Language) -> str:
    """A share as a percentage; a dash when the period has none."""
    return NONE if value is None or is_missing(value) else percent(value, language)


def _day(text: str, language: Language) -> str:
    """An ISO date or time as a date in words; as given if not ISO."""
    try:
        return date(datetime.fromisoformat(text).date(), language)
    except ValueError:
        return text


def _last_day(text: str, language: Language) -> str:
    """The last day before an excluded end: "2026-04-01" reads "31 March 2026"; a time is
    shown as its own day."""
    try:
        return date(Date.fromisoformat(text) - timedelta(days=1), language)
    except ValueError:
        return _day(text, language)


def _month(text: str, language: Language) -> str:
    """A "YYYY-MM" vintage as "March 2026" / "mars 2026": the date of its first day in words,
    without the day."""
    try:
        first = Date.fromisoformat(f"{text}-01")
    except ValueError:
        return text
    return date(first, language).split(" ", 1)[1]


def _period(period: Mapping[str, str | None], language: Language, w: Mapping[str, str]) -> str:
    """The period in words; its end is excluded, so the last day shown is the day before."""
    since, until = period.get("since"), period.get("until")
    first = _day(since, language) if since else None
    last = _last_day(until, language) if until else None
    if first and last:
        return w["period_both"].format(since=first, until=last)
    if first:
        return w["period_since"].format(since=first)
    return w["period_until"].format(until=last) if last else w["period_all"]


def _count(n: int, language: Language, w: Mapping[str, str]) -> str:
    return w["feature_one"] if n == 1 else w["feature_many"].format(n=number(n, language))


def _status(document: Mapping[str, Any], language: Language, w: Mapping[str, str]) -> str:
    """The status in one or two sentences: how many crossed which threshold."""
    status: Level = document["status"]
    if document["applications"] == 0 or status == "no data":
        return w["status_no_data"]
    if status == "stable":
        return w["status_stable"]
    levels = [f["level"] for f in document["features"]]
    features = levels.count(status)
    score = document["score"]["level"] == status
    subjects = _count(features, language, w)
    if score:
        subjects = w["score_and"].format(features=subjects) if features else w["the_score"]
    verb = w["verb_one" if features + score == 1 else "verb_many"]
    sentence = w[f"status_{status}"].format(subjects=subjects, verb=verb)
    watched = levels.count("watch")
    if status == "act" and watched:
        more = w["more_watch_one"] if watched == 1 else w["more_watch_many"]
        sentence += " " + more.format(n=number(watched, language))
    if status == "act" and document["score"]["level"] == "watch":
        sentence += " " + w["score_also"].format(level=LEVELS[language]["watch"])
    return sentence


def _ranges(
    edges: Sequence[float], write: Callable[[float], str], w: Mapping[str, str]
) -> list[str]:
    """The values each bin holds, in words: "≤ 3", "3 to 7", "> 7" (bins are right-closed)."""
    if not edges:
        return [w["any_value"]]
    inner = [w["range"].format(low=write(low), high=write(high)) for low, high in pairwise(edges)]
    return [f"≤ {write(edges[0])}", *inner, f"> {write(edges[-1])}"]


def _value(x: float, language: Language) -> str:
    """A feature's bin edge with the decimals its size needs: 12 345, 12.3, 0.123."""
    size = abs(x)
    decimals = (
        0 if size >= 100 or float(x).is_integer() else 1 if size >= 10 else 2 if size >= 1 else 3
    )
    return number(x, language, decimals)


def _column(
    column: Mapping[str, Any],
    language: Language,
    w: Mapping[str, str],
    label: str,
    write: Callable[[float], str],
    always_missing: bool,
) -> dict[str, Any]:
    """A column's stability in words, with the chart and table of its bins."""
    reference, current = column["reference"], column["current"]
    ranges = _ranges(column["edges"], write, w)
    missing = always_missing or reference[-1] > 0 or (bool(current) and current[-1] > 0)
    rows = [
        {
            "range": text,
            "reference": _share(reference[i], language),
            "current": _share(current[i], language) if current else NONE,
            "new": bool(current) and reference[i] == 0.0 and current[i] > 0,
        }
        for i, text in enumerate(ranges)
    ]
    if missing:
        rows.append(
            {
                "range": w["missing"],
                "reference": _share(reference[-1], language),
                "current": _share(current[-1], language) if current else NONE,
                "new": False,
            }
        )
    chart_words = (label, w["lower"], w["higher"], w["missing"])
    return {
        "name": column["name"],
        "psi": _index(column["psi"], language),
        "level": column["level"],
        "css": _CSS[column["level"]],
        "missing": _share(column["missing"], language),
        "reference_missing": _share(column["reference_missing"], language),
        "unseen": _share(column["unseen"], language),
        "chart": charts.shares(reference, current, len(ranges), missing, chart_words),
        "bins": rows,
    }


def _feature(
    feature: Mapping[str, Any], language: Language, w: Mapping[str, str]
) -> dict[str, Any]:
    label = feature[f"label_{language}"]
    return {
        **_column(feature, language, w, label, lambda x: _value(x, language), True),
        "id": f"f-{feature['name']}",
        "label": label,
        "group": feature[f"group_{language}"],
        "importance": percent(feature["importance"], language),
    }


def _score(score: Mapping[str, Any], language: Language, w: Mapping[str, str]) -> dict[str, Any]:
    column = _column(score, language, w, w["score_caption"], lambda x: percent(x, language), False)
    sentence = w["score_sentence"].format(psi=column["psi"], level=LEVELS[language][score["level"]])
    return {**column, "sentence": sentence}


def _windows(
    windows: Sequence[Mapping[str, Any]],
    thresholds: Mapping[str, float],
    labels: Mapping[str, str],
    language: Language,
    w: Mapping[str, str],
) -> dict[str, Any] | None:
    """The score's drift day by day: a chart with the thresholds, and a table."""
    if not windows:
        return None
    watch, act = thresholds["watch"], thresholds["act"]
    caption = w["drift_caption"].format(watch=_index(watch, language), act=_index(act, language))
    days = [_day(window["start"], language) for window in windows]
    levels = [level(window["score_psi"], watch, act) for window in windows]
    titles = [
        w["applications_day"].format(
            date=day,
            psi=_index(window["score_psi"], language),
            applications=number(window["applications"], language),
        )
        if window["applications"]
        else w["no_data_day"].format(date=day)
        for day, window in zip(days, windows, strict=True)
    ]
    step = max(1, -(-len(windows) // TICKS))
    ticks = sorted({*range(0, len(windows), step), len(windows) - 1})
    if len(ticks) > 1 and ticks[-1] - ticks[-2] < step / 2:
        del ticks[-2]  # the last date would overlap the one before
    chart = charts.columns(
        [window["score_psi"] for window in windows],
        [_CSS[lv] for lv in levels],
        titles,
        [
            (watch, (f"{w['watch_line']} {_index(watch, language)}", "watch")),
            (act, (f"{w['act_line']} {_index(act, language)}", "act")),
        ],
        [(i, days[i]) for i in ticks],
        caption,
    )
    rows = [
        {
            "day": day,
            "applications": number(window["applications"], language),
            "psi": _index(window["score_psi"], language),
            "level": lv,
            "css": _CSS[lv],
            "watch": number(window["watch"], language),
            "act": number(window["act"], language),
            "top": [labels.get(t["name"], t["name"]) for t in window["top"]],
        }
        for day, lv, window in zip(days, levels, windows, strict=True)
    ]
    return {"chart": chart, "rows": rows, "caption": caption}


def _vintages(
    vintages: Sequence[Mapping[str, Any]], language: Language, w: Mapping[str, str]
) -> dict[str, Any] | None:
    """Decisions and default rates by month: expected always, observed once known."""
    if not vintages:
        return None
    months = [_month(v["month"], language) for v in vintages]
    # The expected rate compared with an observed one is over the same applications.
    expected = [
        v["expected_default_rate_known"]
        if v["observed_default_rate"] is not None
        else v["expected_default_rate"]
        for v in vintages
    ]
    observed = [v["observed_default_rate"] for v in vintages]
    titles = [
        f"{month}{w['colon']} {w['expected_legend']} {_share(e, language)}, "
        f"{w['observed_legend']} {_share(o, language)}"
        for month, e, o in zip(months, expected, observed, strict=True)
    ]
    step = max(1, -(-len(vintages) // 6))
    ticks = [month if i % step == 0 else "" for i, month in enumerate(months)]
    chart = charts.pairs(
        expected,
        observed,
        titles,
        ticks,
        lambda x: percent(x, language, 0),
        w["vintage_caption"],
        w["pending"],
    )
    rows = [
        {
            "month": month,
            "decided": number(v["decided"], language),
            "approval_rate": _share(v["approval_rate"], language),
            "override_rate": _share(v["override_rate"], language),
            "reviewed": number(v["reviewed"], language),
            "expected": _share(v["expected_default_rate"], language),
            "outcomes_known": number(v["outcomes_known"], language),
            "expected_known": _share(v["expected_default_rate_known"], language),
            "observed": _share(v["observed_default_rate"], language),
            "auc": _index(v["auc"], language),
        }
        for month, v in zip(months, vintages, strict=True)
    ]
    outcomes = any(v["outcomes_known"] for v in vintages)
    return {"chart": chart, "rows": rows, "outcomes": outcomes}


def _calibration(
    bins: Sequence[Mapping[str, Any]], language: Language, w: Mapping[str, str]
) -> charts.Chart | None:
    """Observed against predicted default rate, the diagonal drawn; None without outcomes."""
    if not bins:
        return None
    titles = [
        f"{w['predicted_axis']} {percent(b['predicted'], language)}, {w['observed_axis']} "
        f"{percent(b['observed'], language)} ({number(b['count'], language)})"
        for b in bins
    ]
    return charts.calibration(
        [(b["predicted"], b["observed"], b["count"]) for b in bins],
        titles,
        (w["predicted_axis"], w["observed_axis"]),
        lambda x: percent(x, language, 0),
        w["calibration_caption"],
    )


@cache
def _environment() -> jinja2.Environment:
    """The template folder, HTML-escaped, failing on any name the template misspells."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["n"] = charts.coordinate  # SVG coordinates, short
    return environment
