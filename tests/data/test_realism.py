"""Generated data against the committed real-data statistics, and a naive generator's failure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.schema import TABLES
from training.synth import calibrate
from training.synth.marginals import Marginal
from training.synth.realism import compare_dataset, failures

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def statistics() -> dict:
    return calibrate.load()


@pytest.fixture(scope="module")
def generated(realistic_dataset) -> dict[str, pd.DataFrame]:
    return realistic_dataset


def naive_dataset(statistics: dict, n: int, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Independent uniform noise over each real column's range; categories uniform."""
    out = {}
    references = {"application_train": statistics["application"]["reference"]}
    references |= {k: v["reference"] for k, v in statistics["history"].items()}
    for table, reference in references.items():
        columns = {}
        for name, data in reference.items():
            marginal = Marginal.from_json(data)
            if marginal.kind == "category":
                columns[name] = rng.choice(np.asarray(marginal.support, dtype=object), n)
            else:
                low, high = min(marginal.support), max(marginal.support)
                columns[name] = rng.uniform(low, high, n)
        out[table] = pd.DataFrame(columns)
    out["application_train"]["TARGET"] = rng.integers(0, 2, n)
    return out


def test_generated_data_meets_every_tolerance(generated, statistics):
    report = compare_dataset(generated, statistics)
    rate = generated["application_train"]["TARGET"].mean()
    assert failures(report, statistics, rate) == []
    assert set(report["table"]) == {n for n in TABLES if n != "application_test"}


def test_a_naive_generator_fails_the_same_tolerances(statistics):
    naive = naive_dataset(statistics, 20_000, np.random.default_rng(0))
    report = compare_dataset(naive, statistics)
    problems = failures(report, statistics, naive["application_train"]["TARGET"].mean())
    failing_tables = {p.split(".")[0].split(":")[0] for p in problems}
    assert {"application_train", "bureau", "previous_application"} <= failing_tables
    assert any(p.startswith("default rate") for p in problems)


def test_category_sets_match_the_schema(generated):
    for name, frame in generated.items():
        for column in TABLES[name].categorical:
            seen = set(frame[column.name].dropna().astype(str).unique())
            assert seen <= set(column.levels), f"{name}.{column.name}"
