"""The model card is written in full from synthetic arrays, and survives missing sections."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from scoring.scale import PointsScale
from training.model.card import CardFigures, render_markdown, write_card
from training.model.evaluate import (
    age_band,
    calibration_table,
    classification_metrics,
    ece,
    fairness_table,
)
from training.model.grades import scale_section
from training.model.threshold import CostMatrix, choose_threshold, cost_curve

FILES = (
    "model_card.md",
    "model_card.json",
    "roc.png",
    "calibration.png",
    "shap_importance.png",
    "cost_curve.png",
)


def _split(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.beta(1.2, 14, n)
    return (rng.random(n) < p).astype(int), p


@pytest.fixture(scope="module")
def evaluation() -> tuple[dict[str, Any], CardFigures]:
    """A complete card and its figures, built with the evaluation functions themselves."""
    costs = CostMatrix()
    y_oof, p_oof = _split(3000, 1)
    y_hold, p_hold = _split(1000, 2)
    choice = choose_threshold(y_oof, p_oof, costs)
    t = choice.threshold
    rng = np.random.default_rng(3)
    groups = {
        "gender": rng.choice(["F", "M"], len(y_hold)),
        "age_band": age_band(-rng.uniform(20, 70, len(y_hold)) * 365.25),
    }
    importance = [("External score 3", 0.31), ("External score 2 | normalised", 0.27)]
    card = {
        "model": {"name": "credit-default", "tag": "credit-default:abc", "data_source": "real"},
        "data": {"fingerprint": "f00d", "rows": {"application_train": 4000}, "train_rows": 3000},
        "features": {"count": 546, "by_source": {"application": 219, "bureau": 113}},
        "threshold": {**choice.to_dict(), "costs": costs.to_dict(), "rationale": "Minimum."},
        "metrics": {
            "oof": classification_metrics(y_oof, p_oof, t, costs),
            "holdout": classification_metrics(y_hold, p_hold, t, costs),
        },
        "calibration": {
            "oof": calibration_table(y_oof, p_oof),
            "holdout": calibration_table(y_hold, p_hold),
            "ece_oof": ece(y_oof, p_oof),
            "ece_holdout": ece(y_hold, p_hold),
        },
        "fairness": fairness_table(y_hold, p_hold, t, costs, groups),
        "parity": {"max_abs_diff": 2e-7, "rows": 1000, "tolerance": 1e-5},
        "additivity": {"max_abs_error": 3e-6, "rows": 1000, "tolerance": 1e-4},
        "top_features": [
            {"name": "EXT_SOURCE_3", "label_en": label, "mean_abs_shap": value}
            for label, value in importance
        ],
        "limits": ["Trained on one period only."],
        "versions": {"lightgbm": "4.5.0", "numpy": "2.2.6"},
    }
    figures = CardFigures(
        y_oof, p_oof, y_hold, p_hold, importance, cost_curve(y_oof, p_oof, costs), t
    )
    return card, figures


def test_write_card_creates_every_file(tmp_path: Path, evaluation) -> None:
    card, figures = evaluation
    written = write_card(card, figures, tmp_path / "card")
    assert sorted(path.name for path in written) == sorted(FILES)
    for name in FILES:
        assert (tmp_path / "card" / name).stat().st_size > 0
    for name in FILES[2:]:
        assert (tmp_path / "card" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_json_round_trips(tmp_path: Path, evaluation) -> None:
    card, figures = evaluation
    write_card(card, figures, tmp_path)
    assert json.loads((tmp_path / "model_card.json").read_text(encoding="utf-8")) == card


def test_markdown_reports_threshold_metrics_and_figures(evaluation) -> None:
    card, _ = evaluation
    markdown = render_markdown(card)
    for heading in (
        "Overview",
        "Intended use",
        "Data",
        "Features",
        "Performance",
        "Decision threshold",
        "Calibration",
        "Fairness",
        "Explainability",
        "Known limits",
        "Versions",
    ):
        assert f"\n## {heading}\n" in markdown
    assert f"**{card['threshold']['threshold']:.3f}**" in markdown
    assert f"{card['metrics']['holdout']['roc_auc']:.3f}" in markdown
    assert f"{card['metrics']['oof']['brier']:.3f}" in markdown
    assert "1 / (10 + 1) ≈ 0.091" in markdown
    assert "EU AI Act" in markdown
    assert "External score 2 \\| normalised" in markdown  # a pipe cannot break the table
    for figure in FILES[2:]:
        assert f"]({figure})" in markdown


def test_four_fifths_flag_is_shown(evaluation) -> None:
    card, _ = evaluation
    rows = [dict(row) for row in card["fairness"]]
    rows[0].update(disparate_impact=0.5, four_fifths_ok=False)
    markdown = render_markdown({**card, "fairness": rows})
    assert "⚠ below 0.8" in markdown
    assert f"**To review:** {rows[0]['grouping']} = {rows[0]['group']} (0.50)" in markdown


def test_minimal_card_renders_and_writes(tmp_path: Path, evaluation) -> None:
    _, figures = evaluation
    card = {"model": {"name": "bare"}, "threshold": {"threshold": 0.1}}
    markdown = render_markdown(card)
    assert "# Model card: bare" in markdown and "## Intended use" in markdown
    assert "## Fairness" not in markdown and "## Versions" not in markdown
    assert "Bayes" not in markdown and "break-even" not in markdown
    assert render_markdown({}).startswith("# Model card:")
    bare = replace(figures, importance=[], threshold=0.1)
    assert len(write_card(card, bare, tmp_path)) == len(FILES)


def test_partial_sections_render(evaluation) -> None:
    card, _ = evaluation
    partial = {
        "metrics": {"holdout": card["metrics"]["holdout"]},
        "calibration": {"ece_holdout": 0.012},
        "parity": {"max_abs_diff": 0.5, "rows": 10, "tolerance": 1e-5},
    }
    markdown = render_markdown(partial)
    assert "| metric | holdout |" in markdown and "out-of-fold |" not in markdown
    assert "Expected calibration error, holdout: 0.0120" in markdown
    assert "**not shown within tolerance**" in markdown


def test_numpy_values_are_serialised(tmp_path: Path, evaluation) -> None:
    _, figures = evaluation
    card = {
        "model": {"name": "np", "n_trees": np.int64(12), "params": {"seeds": np.arange(2)}},
        "data": {"rows": {"bureau": np.int64(5)}, "default_rate": np.float32(0.25)},
    }
    write_card(card, figures, tmp_path)
    saved = json.loads((tmp_path / "model_card.json").read_text(encoding="utf-8"))
    assert saved["model"] == {"name": "np", "n_trees": 12, "params": {"seeds": [0, 1]}}
    assert saved["data"] == {"rows": {"bureau": 5}, "default_rate": 0.25}
    assert "| bureau | 5 |" in (tmp_path / "model_card.md").read_text(encoding="utf-8")


def test_the_points_and_grades_section_reads_the_table(evaluation) -> None:
    y, p = _split(2000, 5)
    card = {"scale": scale_section(PointsScale(), y, p, y, p)}
    text = render_markdown(card)
    assert "## Points and grades" in text
    assert "600 at 50:1 odds" in text and "20 points more to double the odds" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and line[2] in "ABCDE"]
    assert [row[2] for row in rows] == list("ABCDE")
    assert "593 and above" in rows[0] and "527 and below" in rows[-1]
    count = sum(row["count"] for row in card["scale"]["grades"])
    assert count == 2000
    assert "## Points and grades" not in render_markdown({"scale": {}})
